"""Helpers for the translation tests: the English catalogue, marked strings, untranslated template text.

The marked strings are found the way makemessages finds them (Django's
templatize for templates, the gettext keywords in Python), but without GNU
gettext, so the check runs wherever the suite runs.
"""

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[2]
PO_FILE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
TEMPLATES = ROOT / "templates"
APPS = ["quizsite", "schools", "lessons", "contests", "online_contests", "coverage", "certificates"]

# --- what the catalogue holds -------------------------------------------------


def catalogue() -> polib.POFile:
    return polib.pofile(str(PO_FILE))


def missing_translations(po: polib.POFile) -> list[str]:
    """Msgids with no usable English: empty, fuzzy (counts as missing) or with an empty plural form."""
    missing = []
    for entry in po:
        if entry.obsolete:
            continue
        if entry.fuzzy:
            missing.append(entry.msgid)
        elif entry.msgid_plural:
            if not entry.msgstr_plural or not all(entry.msgstr_plural.values()):
                missing.append(entry.msgid)
        elif not entry.msgstr:
            missing.append(entry.msgid)
    return missing


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%%|%\(\w+\)[-+ #0]*\d*(?:\.\d+)?[sdif]|%[sdif]", text))


# --- what the code marks for translation -------------------------------------

_KEYWORDS = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy",
             "pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
_LITERAL = r"u'(?:[^'\\]|\\.)*'"
_TEMPLATIZED = re.compile(rf"\b(n?p?gettext)\(({_LITERAL})(?:, ({_LITERAL}))?")


def template_msgids(source: str) -> set[tuple[str, str]]:
    """(context, msgid) pairs a template marks, as makemessages would read them."""
    found = set()
    for function, first, second in _TEMPLATIZED.findall(templatize(source)):
        first = ast.literal_eval(first)
        if function.startswith(("pgettext", "npgettext")):
            found.add((first, ast.literal_eval(second)))
        else:
            found.add(("", first))
    return found


def python_msgids(source: str) -> set[tuple[str, str]]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in _KEYWORDS:
            continue
        strings = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if name.startswith(("pgettext", "npgettext")) and len(strings) >= 2:
            found.add((strings[0], strings[1]))
        elif strings and node.args and isinstance(node.args[0], ast.Constant):
            found.add(("", strings[0]))
    return found


def marked_msgids() -> dict[tuple[str, str], str]:
    """Every marked string of the project's code and templates, with a file that marks it."""
    marked = {}
    for path in sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt")):
        for key in template_msgids(path.read_text(encoding="utf-8")):
            marked.setdefault(key, str(path.relative_to(ROOT)))
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            for key in python_msgids(path.read_text(encoding="utf-8")):
                marked.setdefault(key, str(path.relative_to(ROOT)))
    return marked


# --- user-facing text outside translation tags --------------------------------

_TEMPLATE_NOISE = [
    re.compile(r"\{#.*?#\}", re.S),
    re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S),
    re.compile(r"\{%\s*blocktrans(?:late)?\b.*?\{%\s*endblocktrans(?:late)?\s*%\}", re.S),
    # a block whose whole content is one word is a CSS class or an id, not text
    re.compile(r"\{%\s*block\s+\w+\s*%\}[\w .-]*\{%\s*endblock\s*%\}"),
    re.compile(r"\{%.*?%\}", re.S),
    re.compile(r"\{\{.*?\}\}", re.S),
]
_LETTER = re.compile(r"[^\W\d_]")
# Not words of any language: the product's name, acronyms kept as they are in English, host names.
ALLOWED_TEXT = re.compile(r"^(?:DVCTT|PIN|QR|PDF|CSV|XLSX|DOCX|KB|MB|[a-z0-9-]+(?:\.[a-z0-9-]+)+)$")
TEXT_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-roledescription", "label"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _TextFinder(HTMLParser):
    """Text nodes and text attributes with letters, outside script/style and lang="vi" content."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, bool]] = []
        self.found: list[tuple[int, str]] = []

    def _skipped(self) -> bool:
        return any(skip for _, skip in self.open)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        # Content (lessons, questions, certificates) stays Vietnamese in every language, marked lang="vi".
        skip = tag in {"script", "style"} or values.get("lang") == "vi"
        if not (self._skipped() or skip):
            for name, value in attrs:
                if name in TEXT_ATTRIBUTES and value and self._words(value):
                    self.found.append((self.getpos()[0], f"<{tag} {name}>: {value}"))
        if tag not in _VOID:
            self.open.append((tag, skip))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.open.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                del self.open[i:]
                return

    def handle_data(self, data):
        if not self._skipped() and self._words(data):
            self.found.append((self.getpos()[0], data.strip()))

    @staticmethod
    def _words(text: str) -> bool:
        return any(_LETTER.search(w) and not ALLOWED_TEXT.match(w.strip("·.,:;()")) for w in text.split())


def untranslated_text(source: str) -> list[tuple[int, str]]:
    """(line, text) of user-facing text a template shows outside translation tags."""
    for pattern in _TEMPLATE_NOISE:
        source = pattern.sub(lambda m: "\n" * m.group(0).count("\n"), source)
    finder = _TextFinder()
    finder.feed(source)
    finder.close()
    return finder.found
