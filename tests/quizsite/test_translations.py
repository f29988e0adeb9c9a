"""English is complete: every marked string has a translation, no template shows untranslated text."""

import polib
import pytest

from tests.quizsite.i18n_scan import (
    MO_FILE,
    ROOT,
    TEMPLATES,
    catalogue,
    marked_msgids,
    missing_translations,
    placeholders,
    template_msgids,
    untranslated_text,
)


def test_every_msgid_has_an_english_translation():
    missing = missing_translations(catalogue())
    assert not missing, f"{len(missing)} msgids without English (fuzzy counts as missing): {missing[:20]}"


def test_translations_keep_the_placeholders_of_their_msgid():
    """A lost or invented %(name)s would crash or garble the page (a singular form may drop the count)."""
    wrong = []
    for entry in catalogue():
        if entry.msgid_plural:
            allowed = set(placeholders(entry.msgid)) | set(placeholders(entry.msgid_plural))
            if any(s and not set(placeholders(s)) <= allowed for s in entry.msgstr_plural.values()):
                wrong.append(entry.msgid)
        elif entry.msgstr and placeholders(entry.msgstr) != placeholders(entry.msgid):
            wrong.append(entry.msgid)
    assert not wrong, wrong[:20]


def test_every_string_marked_in_the_code_is_in_the_catalogue():
    """A new string without `make messages` would show in Vietnamese on English pages."""
    known = {(e.msgctxt or "", e.msgid) for e in catalogue() if not e.obsolete}
    absent = {key: where for key, where in marked_msgids().items() if key not in known}
    assert not absent, f"run `make messages` and translate: {list(absent.items())[:20]}"


def test_the_committed_mo_file_is_compiled_from_the_po_file():
    compiled = {(e.msgctxt or "", e.msgid): (e.msgstr, dict(e.msgstr_plural)) for e in polib.mofile(str(MO_FILE))}
    source = {
        (e.msgctxt or "", e.msgid): (e.msgstr, {int(k): v for k, v in e.msgstr_plural.items()})
        for e in catalogue().translated_entries()
    }
    compiled.pop(("", ""), None)  # the header
    assert compiled == {k: (s, {int(n): v for n, v in p.items()}) for k, (s, p) in source.items()}, (
        "run `make messages` to recompile locale/en/LC_MESSAGES/django.mo"
    )


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_show_no_text_outside_translation_tags(path):
    found = untranslated_text(path.read_text(encoding="utf-8"))
    assert not found, f"{path.relative_to(ROOT)}: {found}"


def test_the_scanner_finds_untranslated_text_and_ignores_what_is_not_ui():
    source = """{% load i18n %}{# Ghi chú #}{% comment %}Không hiện{% endcomment %}
<h1>Chào em</h1>
<p>{% translate "Đã dịch" %} · {{ user.full_name }} · DVCTT</p>
<button aria-label="Đóng">{% blocktranslate %}Xin {{ n }}{% endblocktranslate %}</button>
<img alt="{% translate 'Ảnh' %}" src="x.png">
<article lang="vi"><p>Nội dung bài học</p></article>
<script>var s = "chuỗi";</script><style>.a::after { content: "x"; }</style>
<span title="Mẹo">?</span>
<body class="{% block body_class %}contest-host{% endblock %}">dichvucong.mophong</body>"""

    assert untranslated_text(source) == [(2, "Chào em"), (4, "<button aria-label>: Đóng"), (8, "<span title>: Mẹo")]


def test_template_msgids_read_translate_and_blocktranslate_like_makemessages():
    source = """{% load i18n %}{% translate "Một" %}{% translate 'Hai' context "nút" %}
{% blocktranslate trimmed with n=x %}
  Ba {{ n }}
  bốn
{% endblocktranslate %}{% blocktranslate count n=k %}{{ n }} câu{% plural %}{{ n }} câu{% endblocktranslate %}"""

    assert template_msgids(source) == {("", "Một"), ("nút", "Hai"), ("", "Ba %(n)s bốn"), ("", "%(n)s câu")}
