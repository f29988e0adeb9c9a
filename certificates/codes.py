"""Verification codes: unguessable, typeable, self-checking.

A code is 26 random Crockford base32 symbols (130 bits from ``secrets``,
unrelated to any id) followed by two check symbols, printed as seven groups
of four: ``K7QF-3M9X-P2TA-…``. The check symbols are the code's value modulo
the prime 1021, so every single mistyped symbol and every swap of two
neighbours is caught before the database is asked.

Input is forgiving: dashes and spaces are ignored, lower case is accepted and
the usual confusions are read as Crockford intends (O → 0, I and L → 1).
"""

import secrets
from enum import Enum

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_LENGTH = 26
CHECK_LENGTH = 2
LENGTH = RANDOM_LENGTH + CHECK_LENGTH
GROUP = 4
CHECK_MODULUS = 1021  # prime, below 32 ** CHECK_LENGTH
MAX_INPUT = 100  # longer input is refused before looking at it

_VALUES = {symbol: value for value, symbol in enumerate(ALPHABET)}
_CONFUSIONS = {"O": "0", "I": "1", "L": "1"}
_SEPARATORS = frozenset(" \t\n-‐‑–—._")


class CodeProblem(Enum):
    """Why a typed code cannot be a verification code."""

    EMPTY = "empty"
    BAD_SYMBOL = "bad_symbol"
    WRONG_LENGTH = "wrong_length"
    CHECK_FAILED = "check_failed"


class CodeFormatError(ValueError):
    def __init__(self, problem: CodeProblem, detail: str = ""):
        super().__init__(problem.value)
        self.problem = problem
        self.detail = detail


def _check_symbols(body: str) -> str:
    remainder = 0
    for symbol in body:
        remainder = (remainder * 32 + _VALUES[symbol]) % CHECK_MODULUS
    return ALPHABET[remainder // 32] + ALPHABET[remainder % 32]


def code_generate() -> str:
    """A fresh code in normalised form (28 symbols, no dashes)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + _check_symbols(body)


def code_normalize(raw: str) -> str:
    """Turn what someone typed into the stored form, or raise ``CodeFormatError``."""
    if len(raw) > MAX_INPUT:
        raise CodeFormatError(CodeProblem.WRONG_LENGTH, str(len(raw)))
    symbols = []
    bad = []
    for char in raw.strip().upper():
        if char in _SEPARATORS:
            continue
        char = _CONFUSIONS.get(char, char)
        if char in _VALUES:
            symbols.append(char)
        elif char not in bad:
            bad.append(char)
    if bad:
        raise CodeFormatError(CodeProblem.BAD_SYMBOL, " ".join(bad))
    if not symbols:
        raise CodeFormatError(CodeProblem.EMPTY)
    if len(symbols) != LENGTH:
        raise CodeFormatError(CodeProblem.WRONG_LENGTH, str(len(symbols)))
    code = "".join(symbols)
    if _check_symbols(code[:RANDOM_LENGTH]) != code[RANDOM_LENGTH:]:
        raise CodeFormatError(CodeProblem.CHECK_FAILED)
    return code


def code_display(code: str) -> str:
    """'K7QF3M9X…' → 'K7QF-3M9X-…', the form printed and shown."""
    return "-".join(code[start : start + GROUP] for start in range(0, len(code), GROUP))
