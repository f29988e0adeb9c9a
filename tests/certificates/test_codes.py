"""Verification codes: random, typeable, forgiving of case and dashes, and self-checking."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certificates.codes import (
    ALPHABET,
    LENGTH,
    CodeFormatError,
    CodeProblem,
    code_display,
    code_generate,
    code_normalize,
)

codes = st.builds(lambda _: code_generate(), st.integers())


def test_generated_codes_are_long_distinct_and_in_the_alphabet():
    """28 symbols of Crockford base32, fresh each time (130 random bits)."""
    generated = {code_generate() for _ in range(2000)}

    assert len(generated) == 2000
    assert all(len(code) == LENGTH and set(code) <= set(ALPHABET) for code in generated)


def test_display_groups_of_four():
    code = code_generate()
    shown = code_display(code)

    assert shown.split("-") == [code[i : i + 4] for i in range(0, LENGTH, 4)]
    assert len(shown.split("-")) == 7


@given(codes)
def test_typed_forms_normalise_to_the_stored_code(code):
    """Dashes, spaces, lower case and O/I/L confusions all read as the same code."""
    shown = code_display(code)
    confused = shown.lower().replace("0", "o").replace("1", "l")

    assert code_normalize(code) == code
    assert code_normalize(shown) == code
    assert code_normalize(f"  {shown.replace('-', ' ')}  ") == code
    assert code_normalize(confused) == code
    assert code_normalize(shown.replace("1", "I")) == code


@given(codes, st.integers(min_value=0, max_value=LENGTH - 1), st.sampled_from(ALPHABET))
def test_any_single_mistyped_symbol_is_caught(code, position, symbol):
    """Changing one symbol never gives another valid code."""
    typo = code[:position] + symbol + code[position + 1 :]
    if typo == code:
        return
    with pytest.raises(CodeFormatError) as caught:
        code_normalize(typo)
    assert caught.value.problem is CodeProblem.CHECK_FAILED


@given(codes, st.integers(min_value=0, max_value=LENGTH - 2))
def test_swapped_neighbours_are_caught(code, position):
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    if swapped == code:
        return
    with pytest.raises(CodeFormatError):
        code_normalize(swapped)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", CodeProblem.EMPTY),
        ("  - - ", CodeProblem.EMPTY),
        ("K7QF-3M9X", CodeProblem.WRONG_LENGTH),
        ("UUUU-3M9X-P2TA", CodeProblem.BAD_SYMBOL),
        ("Hằng", CodeProblem.BAD_SYMBOL),
        ("<script>", CodeProblem.BAD_SYMBOL),
        ("A" * 500, CodeProblem.WRONG_LENGTH),
    ],
)
def test_malformed_input_names_its_problem(raw, problem):
    with pytest.raises(CodeFormatError) as caught:
        code_normalize(raw)

    assert caught.value.problem is problem


def test_bad_symbols_are_listed_once_each():
    with pytest.raises(CodeFormatError) as caught:
        code_normalize("UU*U")

    assert caught.value.detail == "U *"
