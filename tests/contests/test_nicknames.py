"""Tests for nickname cleaning and filtering in contests.nicknames."""

import random
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contests.nicknames import (
    _ADJECTIVES,
    _ANIMALS,
    NICKNAME_MAX_LENGTH,
    NicknameError,
    clean_nickname,
    generate_nickname,
    is_combining_mark,
    is_offensive,
    normalize_nickname,
    visible_length,
)

ZERO_WIDTH_AND_BIDI = (
    [chr(code) for code in range(0x200B, 0x2010)]
    + [chr(code) for code in range(0x2060, 0x2065)]
    + ["\ufeff"]
    + [chr(code) for code in range(0x202A, 0x202F)]
    + [chr(code) for code in range(0x2066, 0x206A)]
)


def refusal(raw: str) -> str | None:
    try:
        clean_nickname(raw)
    except NicknameError as error:
        assert error.message
        return error.code
    return None


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "empty"),
        ("   \t\n ", "empty"),
        ("\u200b\u200d\ufeff", "empty"),
        ("\u3164\u3164", "empty"),
        ("\u2800\u2800\u2800", "empty"),
        ("\u0301\u0301", "empty"),
        ("a", "too_short"),
        ("  Ư  ", "too_short"),
        ("a\u0301\u0302\u0303", "too_short"),
        ("x\u200by", None),
        ("a" * NICKNAME_MAX_LENGTH, None),
        ("a" * (NICKNAME_MAX_LENGTH + 1), "too_long"),
        ("Nguyễn Thị Minh Khai 12A", "too_long"),
        ("Đĩ", "offensive"),
    ],
)
def test_refusal_codes(raw, code):
    """Each kind of bad nickname is refused with its own code."""
    assert refusal(raw) == code


def test_refusal_message_is_vietnamese():
    with pytest.raises(NicknameError) as caught:
        clean_nickname("")
    assert caught.value.message == "Vui lòng nhập biệt danh."


def test_length_counts_visible_characters():
    """Twenty Vietnamese letters fit even when typed as base letter plus marks."""
    decomposed = unicodedata.normalize("NFD", "Ệ" * NICKNAME_MAX_LENGTH)
    assert len(decomposed) == 3 * NICKNAME_MAX_LENGTH
    assert clean_nickname(decomposed) == "Ệ" * NICKNAME_MAX_LENGTH


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Lan \t\n  Anh  ", "Lan Anh"),
        ("Nguye\u0302\u0303n", "Nguyễn"),
        ("Ｌａｎ　Ａｎｈ", "Lan Anh"),
        ("Lan\u202eAnh", "LanAnh"),
        ("Mi\u200bnh\u2066 Thư\u2069", "Minh Thư"),
        ("Bảo\x00\x07\x1b Ngọc", "Bảo Ngọc"),
        ("Hà\u00adNội", "HàNội"),
        ("Tú ❤\ufe0f", "Tú ❤"),
    ],
)
def test_cleaning(raw, expected):
    """Nicknames are normalised, stripped of invisible characters and whitespace is collapsed."""
    assert clean_nickname(raw) == expected


def test_zalgo_text_is_cleaned():
    """Stacks of combining marks shrink to at most one mark per letter."""
    zalgo = "Z̴̡̛̖̗a̷͓͚͝ͅl̸̨̘̈́g̵͉̓ö̶̰́ ̶̡̛Q̷̮̓u̸̟͑ỳ̸̪"
    cleaned = clean_nickname(zalgo)
    assert visible_length(cleaned) == len("Zalgo Quy")
    assert not any(is_combining_mark(a) and is_combining_mark(b) for a, b in zip(cleaned, cleaned[1:], strict=False))
    assert cleaned.startswith("Z") and "Q" in cleaned


def test_mark_with_nothing_to_attach_to_is_dropped():
    """A combining mark after a space, a digit or at the start is removed."""
    assert clean_nickname("\u0301An \u0300Bình 9\u0303") == "An Bình 9"


INNOCENT = [
    "đi học",
    "Dì Ba",
    "di sản",
    "lon nước",
    "Lớn Lên",
    "Lợn Con",
    "các bạn",
    "Cắc Kè",
    "buổi sáng",
    "Bưởi Hồng",
    "đeo kính",
    "Dẻo Dai",
    "Đèo Hải Vân",
    "du lịch",
    "Dù Che",
    "Ngũ Long",
    "Ngủ Ngon",
    "Nguyễn Văn An",
    "điểm 10",
    "Lồng Đèn",
    "LồngĐèn",
    "Chó Vui Vẻ",
    "Chợ Đêm",
    "Đít Nhỏ",
    "VL 11A1",
    "Lan.Anh_99",
    "Cá Heo Nhanh Nhẹn 42",
    "Mèo Béo",
    "Đăng Minh",
]


@pytest.mark.parametrize("name", INNOCENT)
def test_innocent_words_pass(name):
    """Syllables that differ from a blocked word only in their accents are allowed."""
    assert clean_nickname(name) == name


OFFENSIVE = [
    "địt",
    "ĐỊT",
    "đ.ị.t",
    "Đ_Ị_T",
    "đ ị t",
    "đ-ị-t",
    "đ1ị2t",
    "Lan địt",
    "đụ",
    "lồn",
    "lồnnnn",
    "Cặc",
    "Buồi",
    "đéo",
    "Đĩ",
    "Con Đĩ",
    "đ\u200bĩ",
    "đi\u0303",
    "Chó Đẻ",
    "chóđẻ",
    "chó.đẻ",
    "Óc Chó",
    "ngu",
    "Thằng Ngu",
    "Ngu Ngốc",
    "dm",
    "DM 10A",
    "Đ.M",
    "d m",
    "dcm",
    "vcl",
    "V C L",
    "clgt",
    "dit me",
    "Fuck",
    "f.u.c.k",
    "fuckyou",
    "Ｆｕｃｋ",
]


@pytest.mark.parametrize("name", OFFENSIVE)
def test_offensive_words_are_refused(name):
    """Blocked words are caught whole, in capitals, spelled out with separators or padded."""
    assert refusal(name) == "offensive"


def test_initials_that_spell_a_blocked_abbreviation_are_refused():
    """The documented price of catching "đ.m": initials like "Đ. M." are refused too."""
    assert is_offensive("Đ. M. Hùng")


def test_unaccented_innocent_forms_are_not_blocked():
    """Teen code that is also an unaccented innocent word stays allowed."""
    assert not any(is_offensive(word) for word in ["lon", "cac", "buoi", "deo", "du", "di", "vl", "cho de"])


# Generated names ------------------------------------------------------------


def test_every_generated_name_is_a_clean_nickname():
    """Every animal and adjective pairing fits, with the smallest and largest number."""
    for animal in _ANIMALS:
        room = NICKNAME_MAX_LENGTH - len(animal) - 4
        for adjective in _ADJECTIVES:
            if len(adjective) <= room:
                for number in (10, 99):
                    name = f"{animal} {adjective} {number}"
                    assert clean_nickname(name) == name


@given(st.integers())
def test_generate_nickname_passes_clean_nickname(seed):
    name = generate_nickname(random.Random(seed))
    assert clean_nickname(name) == name
    assert name == generate_nickname(random.Random(seed))


# Properties ---------------------------------------------------------------

# Text that mixes letters with the characters cleaning must handle.
tricky_text = st.text(
    alphabet=st.one_of(
        st.sampled_from("aAđĐeêơưiỊ ._-1\t\n"),
        st.sampled_from(ZERO_WIDTH_AND_BIDI + ["\u3164", "\u2800", "\x00", "\x1f", "\u00ad", "\ufe0f"]),
        st.characters(categories=["Mn", "Me"]),
        st.characters(),
    ),
    max_size=40,
)


def assert_clean(text: str) -> None:
    assert not any(unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn") for char in text)
    assert not any(char in text for char in ZERO_WIDTH_AND_BIDI)
    assert not any(is_combining_mark(a) and is_combining_mark(b) for a, b in zip(text, text[1:], strict=False))
    assert not (text and is_combining_mark(text[0]))
    assert text == text.strip() and "  " not in text
    assert all(char == " " or not char.isspace() for char in text)
    assert unicodedata.is_normalized("NFC", text)


@given(tricky_text)
def test_normalized_nicknames_are_clean_and_stable(raw):
    """Normalising leaves no control, zero-width or stacked marks, and is idempotent."""
    cleaned = normalize_nickname(raw)
    assert_clean(cleaned)
    assert normalize_nickname(cleaned) == cleaned


@given(tricky_text)
def test_clean_nickname_is_idempotent(raw):
    """A nickname that was accepted is accepted again unchanged."""
    try:
        cleaned = clean_nickname(raw)
    except NicknameError:
        return
    assert_clean(cleaned)
    assert 2 <= visible_length(cleaned) <= NICKNAME_MAX_LENGTH
    assert clean_nickname(cleaned) == cleaned
