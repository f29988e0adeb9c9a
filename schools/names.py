"""Vietnamese names: collation order, masking, and accent-free matching.

Vietnamese lists sort by given name (tên, the last word), then middle name,
then family name, in Vietnamese letter order (a ă â b c d đ e ê …) with tones
compared only when the letters are equal (ngang, huyền, hỏi, ngã, sắc, nặng).
"""

import unicodedata

ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
LETTER_RANK = {letter: index + 10 for index, letter in enumerate(ALPHABET)}
# Tone marks in their dictionary order; 0 is the level tone (ngang).
TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Combining marks that make a different letter rather than a tone.
LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}


def normalize_name(raw: str) -> str:
    """NFC-normalise and collapse whitespace, as names are stored."""
    return " ".join(unicodedata.normalize("NFC", raw).split())


def fold(text: str) -> str:
    """Lower case without diacritics ('Đồng ý' → 'dong y'), for matching only, never for storing."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def _split_syllable(word: str) -> tuple[list[str], int]:
    letters: list[str] = []
    tone = 0
    for char in unicodedata.normalize("NFD", word.lower()):
        if char in TONE_RANK:
            tone = TONE_RANK[char]
        elif char in LETTER_MARKS and letters:
            letters[-1] = unicodedata.normalize("NFC", letters[-1] + char)
        else:
            letters.append(char)
    return letters, tone


def _letters_code(letters: list[str]) -> str:
    return "".join(f"{LETTER_RANK.get(letter, 99 if not letter.isdigit() else int(letter) + 1):02d}" for letter in letters)


def vietnamese_sort_key(full_name: str) -> str:
    """A string whose plain (byte) order is the Vietnamese order of names.

    Stored in ``User.name_sort`` so every list can sort in the database.
    """
    words = normalize_name(full_name).split(" ")
    if not words or words == [""]:
        return ""
    ordered = [words[-1], " ".join(words[1:-1]), words[0] if len(words) > 1 else ""]
    letter_parts, tone_parts = [], []
    for part in ordered:
        syllables = [_split_syllable(word) for word in part.split()]
        letter_parts.append("".join(_letters_code(letters) for letters, _tone in syllables))
        tone_parts.append("".join(str(tone) for _letters, tone in syllables))
    return "00".join(letter_parts) + "00" + "0".join(tone_parts)


def mask_name(full_name: str) -> str:
    """'Nguyễn Thị Ngọc Hằng' → 'N. T. N. Hằng': enough to match a paper, not to identify online."""
    words = normalize_name(full_name).split(" ")
    if len(words) <= 1:
        return words[0] if words else ""
    return " ".join(f"{word[0].upper()}." for word in words[:-1]) + " " + words[-1]
