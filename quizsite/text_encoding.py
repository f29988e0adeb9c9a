"""Which Unicode encoding an uploaded text file (CSV) is in, before any legacy-encoding guess.

Excel's "Unicode Text" and some school software save UTF-16 little-endian, often
without a byte-order mark; read as bytes it is full of NULs and was taken for a
legacy Vietnamese encoding. UTF-16 is recognised by where its NULs fall: the
ASCII characters every CSV is full of (digits, commas, spaces, line breaks) have
a zero high byte, at odd offsets in little-endian and even ones in big-endian.
"""

import codecs

SAMPLE_BYTES = 4096
MIN_ZERO_SHARE = 0.2
"""Share of code units with a zero high byte that marks UTF-16 (Vietnamese names alone give ~40%)."""


def utf16_variant(data: bytes) -> str | None:
    """``"utf-16"`` (with a BOM), ``"utf-16-le"`` or ``"utf-16-be"`` (without), or None when not UTF-16."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = data[:SAMPLE_BYTES]
    sample = sample[: len(sample) - len(sample) % 2]
    units = len(sample) // 2
    if units < 2:
        return None
    even_zeros, odd_zeros = sample[0::2].count(0), sample[1::2].count(0)
    if odd_zeros >= MIN_ZERO_SHARE * units and even_zeros == 0:
        candidate = "utf-16-le"
    elif even_zeros >= MIN_ZERO_SHARE * units and odd_zeros == 0:
        candidate = "utf-16-be"
    else:
        return None
    try:
        data.decode(candidate)
    except UnicodeDecodeError:
        return None
    return candidate


def decode_unicode(data: bytes) -> str | None:
    """The text of UTF-8 (BOM or not) or UTF-16 (BOM or not) bytes; None when it is neither (a legacy encoding).

    Raises ``UnicodeDecodeError`` when a BOM announces an encoding the bytes then break.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8")
    variant = utf16_variant(data)
    if variant is not None:
        return data.decode(variant).removeprefix("\ufeff")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None
