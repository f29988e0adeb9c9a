"""Player nicknames: cleaning, the offensive-word filter and friendly defaults.

Pure functions over strings, stdlib only, so they run the same in a view, a
consumer or a test.
"""

from __future__ import annotations

import random
import unicodedata

NICKNAME_MIN_LENGTH = 2
NICKNAME_MAX_LENGTH = 20


class NicknameError(Exception):
    """A refused nickname: `code` is for programs, `message` is shown to users."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


_MESSAGES = {
    "empty": "Vui lòng nhập biệt danh.",
    "too_short": f"Biệt danh phải có ít nhất {NICKNAME_MIN_LENGTH} ký tự.",
    "too_long": f"Biệt danh chỉ được dài tối đa {NICKNAME_MAX_LENGTH} ký tự.",
    "offensive": "Biệt danh chứa từ ngữ không phù hợp, vui lòng chọn tên khác.",
}

# Characters that render as nothing but are letters, symbols or marks, so
# the category test below misses them; all are known tricks for blank names.
_INVISIBLE = (
    frozenset(
        "\u034f"  # combining grapheme joiner
        "\u115f\u1160\u3164\uffa0"  # Hangul fillers
        "\u17b4\u17b5"  # Khmer inherent vowels
        "\u180b\u180c\u180d\u180f"  # Mongolian variation selectors
        "\u2800"  # braille blank
    )
    | {chr(code) for code in range(0xFE00, 0xFE10)}
    | {chr(code) for code in range(0xE0100, 0xE01F0)}
)
# Control (Cc), format (Cf: zero-width U+200B-U+200F, U+2060-U+2064, U+FEFF,
# bidi overrides U+202A-U+202E and isolates U+2066-U+2069, soft hyphen, tags),
# surrogate, private-use and unassigned code points.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_MARK_CATEGORIES = frozenset({"Mn", "Me"})


def is_combining_mark(char: str) -> bool:
    """Whether `char` is a non-spacing or enclosing combining mark."""
    return unicodedata.category(char) in _MARK_CATEGORIES


def visible_length(text: str) -> int:
    """Length in visible characters: code points that are not combining marks."""
    return sum(1 for char in text if not is_combining_mark(char))


def _drop_loose_marks(text: str) -> str:
    """Keep a combining mark only right after a letter; this undoes zalgo stacks.

    Vietnamese letters are precomposed after NFC, so a mark left over is
    either a rare legitimate one (kept) or part of a stack (dropped).
    """
    kept: list[str] = []
    for char in text:
        if is_combining_mark(char) and not (kept and unicodedata.category(kept[-1])[0] == "L"):
            continue
        kept.append(char)
    return "".join(kept)


def normalize_nickname(raw: str) -> str:
    """Return `raw` cleaned of invisible characters and stacked marks, unchecked."""
    text = unicodedata.normalize("NFKC", raw)
    text = "".join(
        " " if char.isspace() else char
        for char in text
        if char.isspace() or (unicodedata.category(char) not in _DROPPED_CATEGORIES and char not in _INVISIBLE)
    )
    text = _drop_loose_marks(unicodedata.normalize("NFC", text))
    return " ".join(text.split())


def clean_nickname(raw: str) -> str:
    """Return the nickname to store for `raw`, or raise NicknameError."""
    nickname = normalize_nickname(raw)
    length = visible_length(nickname)
    if length == 0:
        code = "empty"
    elif length < NICKNAME_MIN_LENGTH:
        code = "too_short"
    elif length > NICKNAME_MAX_LENGTH:
        code = "too_long"
    elif is_offensive(nickname):
        code = "offensive"
    else:
        return nickname
    raise NicknameError(code, _MESSAGES[code])


# Offensive words -----------------------------------------------------------
#
# Matching is on whole words (runs of letters), after NFC and casefolding but
# keeping the diacritics: stripping them would make "đĩ" block "đi", "di" and
# "dì", and "lồn" block "lon" (a can), "lớn" and "lợn". For the same reason
# there is no substring matching: joined syllables such as "lồngđèn" contain
# "lồn". Multi-word entries match consecutive words, and also written as one
# word ("chóđẻ").
#
# Unaccented teen-code forms are listed only when they cannot be an innocent
# word written without accents: "dm", "vcl", "clgt", "dit" are blocked; "lon",
# "cac", "buoi", "deo", "du", "di" are not, and neither is "vl", which is also
# the usual shorthand for "Vật lý". "ngu" is blocked even though it is also
# "ngủ" without accents: it is the word itself, and accents fix the false hit.
#
# Evasions caught: letters separated by dots, underscores, digits or other
# symbols ("đ.ị.t", "d_m"), single letters separated by spaces ("v c l"), and
# repeated letters ("lồnnn"). The price is that initials such as "Đ. M." are
# refused; a player can write the name out.
_OFFENSIVE_ENTRIES = (
    # Vietnamese, with diacritics
    "địt", "đjt", "đụ", "lồn", "cặc", "cặk", "buồi", "đéo", "đĩ", "điếm", "nứng",
    "ngu", "chó đẻ", "chó chết", "óc chó", "thằng chó", "đù má", "mất dạy",
    "súc vật", "đần độn",
    # Vietnamese teen code
    "đm", "dm", "đmm", "dmm", "đcm", "dcm", "đcmm", "dcmm", "đkm", "dkm",
    "vcl", "vkl", "clgt", "cmm", "dit", "djt", "ditme", "duma", "dume",
    "cailon", "occho", "chode",
    # English
    "fuck", "fucking", "fucker", "fuck you", "motherfucker", "fck", "fuk", "shit",
    "bitch", "cunt", "asshole", "dick", "pussy", "nigger", "nigga", "whore", "slut",
    "porn",
)  # fmt: skip
_OFFENSIVE_PHRASES = frozenset(_OFFENSIVE_ENTRIES)
_OFFENSIVE_COMPACT = frozenset(entry.replace(" ", "") for entry in _OFFENSIVE_ENTRIES)
# An entry spans at most as many words as it has letters ("v c l"); padding
# by repeated letters ("l.l.l.ồ.n") beyond that is not worth a quadratic scan.
_WINDOW = max(len(entry) for entry in _OFFENSIVE_COMPACT)


def _squeeze(text: str) -> str:
    """Collapse runs of the same character: "lồnnn" -> "lồn"."""
    return "".join(char for i, char in enumerate(text) if i == 0 or text[i - 1] != char)


def _words(text: str) -> tuple[list[str], list[bool]]:
    """Split into letter runs, and for each gap whether it held only non-space glue."""
    words: list[str] = []
    glued: list[bool] = []
    current: list[str] = []
    gap_has_space = False
    for char in text:
        if unicodedata.category(char)[0] in "LM":
            if not current and words:
                glued.append(not gap_has_space)
            current.append(char)
            continue
        if current:
            words.append("".join(current))
            current = []
            gap_has_space = False
        gap_has_space = gap_has_space or char.isspace()
    if current:
        words.append("".join(current))
    return words, glued


def is_offensive(text: str) -> bool:
    """Whether `text` contains a blocked word or phrase."""
    words, glued = _words(unicodedata.normalize("NFC", text.casefold()))
    for start in range(len(words)):
        for end in range(start + 1, min(len(words), start + _WINDOW) + 1):
            window = words[start:end]
            spaced = " ".join(window)
            if spaced in _OFFENSIVE_PHRASES or _squeeze(spaced) in _OFFENSIVE_PHRASES:
                return True
            if all(glued[start : end - 1]) or all(len(word) == 1 for word in window):
                compact = "".join(window)
                if compact in _OFFENSIVE_COMPACT or _squeeze(compact) in _OFFENSIVE_COMPACT:
                    return True
    return False


# Friendly defaults ---------------------------------------------------------

_ANIMALS = (
    "Cá Heo", "Mèo Mun", "Gấu Trúc", "Sóc Nâu", "Chim Sẻ", "Cánh Cụt", "Thỏ Trắng",
    "Rùa Biển", "Hổ Con", "Voi Con", "Cú Mèo", "Cáo Nhỏ", "Ong Vàng", "Hươu Sao",
    "Kỳ Lân", "Sư Tử", "Khỉ Con", "Ngựa Vằn", "Chim Công", "Cá Voi",
)  # fmt: skip
_ADJECTIVES = (
    "Nhanh Nhẹn", "Vui Vẻ", "Thông Minh", "Dũng Cảm", "Chăm Chỉ", "Tinh Nghịch",
    "Hiền Lành", "Lanh Lợi", "Siêng Năng", "Tự Tin", "Mạnh Mẽ", "Đáng Yêu",
    "Hăng Hái", "Sáng Tạo", "Kiên Trì", "Tài Ba", "Lém Lỉnh", "Hài Hước",
)  # fmt: skip
_NUMBER_WIDTH = 2


def generate_nickname(rng: random.Random) -> str:
    """A friendly name such as "Cá Heo Nhanh Nhẹn 42" that passes clean_nickname."""
    animal = rng.choice(_ANIMALS)
    room = NICKNAME_MAX_LENGTH - len(animal) - _NUMBER_WIDTH - 2
    adjective = rng.choice([adjective for adjective in _ADJECTIVES if len(adjective) <= room])
    return f"{animal} {adjective} {rng.randint(10, 99)}"
