"""The search box's pure rules: what a query may be, and how a match is cut out."""

from hypothesis import given
from hypothesis import strategies as st

from zhanggui.core.search import (
    LONG_PREFIX,
    SearchQuery,
    code_condition,
    code_variants,
    highlight,
    parse_query,
)


def test_a_phone_in_any_format_is_a_phone_and_with_spaces_no_code():
    for typed in ("13800138000", "138 0013 8000", "+86 138-0013-8000", "(+86)13800138000",
                  "１３８００１３８０００"):
        query = parse_query(typed)
        assert query.phone == typed.strip(), typed
    assert parse_query("138 0013 8000").code == ""
    assert parse_query("13800138000").code == "13800138000"  # could be an order number too


def test_text_with_letters_or_too_few_digits_is_no_phone():
    assert parse_query("SF1234567890").phone == ""
    assert parse_query("红色连衣裙").phone == ""
    assert parse_query("1234").phone == ""
    assert parse_query("SF1234567890").code == "SF1234567890"


def test_spaces_are_collapsed_and_short_queries_not_searched():
    assert parse_query("  红色   连衣裙 ").text == "红色 连衣裙"
    assert parse_query("红色 连衣裙").code == ""
    assert not parse_query(" a ").is_searchable
    assert not parse_query("").is_searchable
    assert parse_query("ab").is_searchable
    assert len(parse_query("x" * 500).text) == 100


def test_a_code_is_matched_exactly_until_it_is_long_enough_for_a_prefix():
    short = code_condition("number", SearchQuery("26120", "26120", ""))
    assert short.children == [("number", "26120")]
    long = code_condition("number", SearchQuery("2612061", "2612061", ""))
    assert long.children == [("number__startswith", "2612061")]
    assert len("2612061") >= LONG_PREFIX
    assert not code_condition("number", SearchQuery("红色 连衣裙", "", ""))
    assert code_variants("sf12") == ["sf12", "SF12"]
    assert code_variants("SF12") == ["SF12"]


def test_highlight_marks_every_occurrence_ignoring_case():
    assert highlight("Red dress, red", "RED") == [("Red", True), (" dress, ", False),
                                                 ("red", True)]
    assert highlight("138****8000", "") == [("138****8000", True)]
    assert highlight("连衣裙", "衣") == [("连", False), ("衣", True), ("裙", False)]
    assert highlight("", "x") == []
    assert highlight("abc", "z") == [("abc", False)]


@given(st.text(max_size=30), st.text(min_size=1, max_size=5))
def test_highlight_parts_put_together_are_the_value(value, needle):
    parts = highlight(value, needle)
    assert "".join(text for text, _hit in parts) == value
    assert all(text.casefold() == needle.casefold() or text == needle
               for text, hit in parts if hit)
