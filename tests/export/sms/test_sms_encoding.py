"""SMS length: GSM-7 and UCS-2 segments against hand-worked examples and properties."""

from __future__ import annotations

import math

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from app.export.sms.encoding import (
    GSM7,
    GSM_BASIC,
    GSM_EXTENSION,
    UCS2,
    analyse,
    gsm_replacement,
    make_gsm_safe,
    non_gsm_characters,
    split_segments,
)


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", GSM7, 0, 1),
        ("a" * 160, GSM7, 160, 1),
        ("a" * 161, GSM7, 161, 2),  # 153 + 8
        ("a" * 306, GSM7, 306, 2),  # 2 x 153
        ("a" * 307, GSM7, 307, 3),
        ("a" * 159 + "€", GSM7, 161, 2),  # € counts 2: one unit too many for one SMS
        ("a" * 158 + "€", GSM7, 160, 1),
        ("{}" * 80, GSM7, 320, 3),  # 160 extension characters = 320 units; 76 per segment
        ("é" * 160, GSM7, 160, 1),  # é is in GSM-7
        ("É" * 10 + "Ç", GSM7, 11, 1),
        ("ê" * 70, UCS2, 70, 1),
        ("ê" * 71, UCS2, 71, 2),  # 67 + 4
        ("ê" * 134, UCS2, 134, 2),
        ("ê" * 135, UCS2, 135, 3),
        ("a" * 69 + "😀", UCS2, 71, 2),  # an emoji is 2 UTF-16 units
        ("ç", UCS2, 1, 1),  # lower-case ç is treated as UCS-2 (COMPLIANCE.md)
    ],
)
def test_hand_worked_examples(text: str, encoding: str, units: int, segments: int) -> None:
    length = analyse(text)
    assert (length.encoding, length.units, length.segments) == (encoding, units, segments)


def test_an_extension_character_never_straddles_two_segments() -> None:
    # 152 units then € (2 units): it does not fit in the first 153-unit segment
    text = "a" * 152 + "€" + "a" * 10
    length = analyse(text)
    assert length.units == 164
    assert length.segments == 2
    assert length.remaining == 153 - (2 + 10)


def test_a_surrogate_pair_never_straddles_two_segments() -> None:
    text = "ê" * 66 + "😀" + "ê" * 10  # 66 + 2 + 10 = 78 units: the emoji starts segment 2
    length = analyse(text)
    assert (length.units, length.segments, length.remaining) == (78, 2, 67 - 12)


def test_french_message_and_the_character_that_forces_ucs2() -> None:
    text = "Bonjour M. Dupré, votre véhicule est prêt. L’équipe"
    length = analyse(text)
    assert length.encoding == UCS2
    assert length.offending == ("ê", "’")
    assert length.first_offending == "ê"
    fixed = make_gsm_safe(text)
    assert fixed == "Bonjour M. Dupré, votre véhicule est pret. L'équipe"
    assert analyse(fixed).encoding == GSM7


@pytest.mark.parametrize(
    ("ch", "replacement"),
    [
        ("’", "'"),
        ("ê", "e"),
        ("â", "a"),
        ("œ", "oe"),
        ("«", '"'),
        ("–", "-"),
        ("…", "..."),
        ("ç", "c"),
        ("À", "A"),
        ("õ", "o"),
        ("š", "s"),
        ("é", "é"),  # already GSM-7
        ("😀", None),
    ],
)
def test_gsm_replacements(ch: str, replacement: str | None) -> None:
    assert gsm_replacement(ch) == replacement


def test_replace_only_one_character() -> None:
    assert make_gsm_safe("l’été « ici »", only="’") == "l'été « ici »"


_gsm_text = st.text(alphabet=sorted(GSM_BASIC | GSM_EXTENSION), max_size=800)
_basic_text = st.text(alphabet=sorted(GSM_BASIC), max_size=800)


@given(_basic_text)
def test_basic_gsm_segments_follow_the_formula(text: str) -> None:
    length = analyse(text)
    assert length.encoding == GSM7
    assert length.units == len(text)
    expected = 1 if len(text) <= 160 else math.ceil(len(text) / 153)
    assert length.segments == expected


@given(_gsm_text)
def test_gsm_units_count_extension_characters_twice(text: str) -> None:
    length = analyse(text)
    assert length.units == len(text) + sum(ch in GSM_EXTENSION for ch in text)
    if length.units <= 160:
        assert length.segments == 1
    else:  # never fewer than the plain division, at most one more per boundary
        assert math.ceil(length.units / 153) <= length.segments <= math.ceil(length.units / 152)


@given(st.text(max_size=400))
def test_any_text_is_counted_consistently(text: str) -> None:
    length = analyse(text)
    if non_gsm_characters(text):
        assert length.encoding == UCS2
        assert length.units == len(text.encode("utf-16-le")) // 2
        capacity_one, capacity_many = 70, 67
    else:
        assert length.encoding == GSM7
        capacity_one, capacity_many = 160, 153
    if length.units <= capacity_one:
        assert length.segments == 1
    else:
        assert length.segments >= math.ceil(length.units / capacity_many)
    assert 0 <= length.remaining <= length.per_segment


@given(st.text(max_size=300))
def test_adding_text_never_lowers_the_segment_count(text: str) -> None:
    assert analyse(text + "a").segments >= analyse(text).segments


@given(st.text(max_size=200))
def test_gsm_safe_text_only_keeps_characters_without_replacement(text: str) -> None:
    fixed = make_gsm_safe(text)
    assert all(gsm_replacement(ch) is None for ch in non_gsm_characters(fixed))


def _reference(text: str) -> tuple[str, int, int, int]:
    """Cluster by cluster, as Twilio's calculator does it: (encoding, units, segments, remaining).

    Written independently of the module: clusters with ``regex``'s ``\\X`` on every text."""
    ucs2 = any(not (ch in GSM_BASIC or ch in GSM_EXTENSION) for ch in text)

    def width(ch: str) -> int:
        return (2 if ord(ch) > 0xFFFF else 1) if ucs2 else (2 if ch in GSM_EXTENSION else 1)

    single, multi = (70, 67) if ucs2 else (160, 153)
    units = sum(width(ch) for ch in text)
    if units <= single:
        return (UCS2 if ucs2 else GSM7), units, 1, single - units
    widths = []
    for cluster in regex.findall(r"\X", text):
        w = sum(width(ch) for ch in cluster)
        widths += [width(ch) for ch in cluster] if w > multi else [w]
    segments, used = 1, 0
    for w in widths:
        if used + w > multi:
            segments, used = segments + 1, 0
        used += w
    return (UCS2 if ucs2 else GSM7), units, segments, multi - used


_mixed = st.text(
    alphabet=st.sampled_from(sorted(GSM_BASIC | GSM_EXTENSION) + ["ê", "’", "😀", "€", "ç"]),
    max_size=700,
)

#: Characters as people see them that are more than one code point.
CLUSTERS = [
    "🇫🇷",  # a flag: two regional indicators
    "🇨🇭",
    "👍🏽",  # a skin tone
    "👨‍👩‍👧‍👦",  # a ZWJ family (11 UTF-16 units)
    "🏳️‍🌈",
    "e\u0301",  # e + combining acute
    "o\u0302\u0323",  # two combining marks
    "\r\n",
    "😀",
]
_clustered = st.lists(
    st.one_of(st.sampled_from(CLUSTERS), st.sampled_from(sorted(GSM_BASIC - {"\r", "\n"}))),
    max_size=160,
).map("".join)
_gsm_with_crlf = st.lists(st.sampled_from(["a", "€", "\r\n", "é"]), max_size=200).map("".join)


@given(st.one_of(_mixed, _clustered, _gsm_with_crlf, st.text(max_size=400)))
def test_fast_counting_matches_the_character_by_character_reference(text: str) -> None:
    length = analyse(text)
    assert (length.encoding, length.units, length.segments, length.remaining) == _reference(text)


def _boundaries(parts: list[str]) -> set[int]:
    ends, position = {0}, 0
    for part in parts:
        position += len(part)
        ends.add(position)
    return ends


@given(st.one_of(_clustered, _gsm_with_crlf, _mixed, st.text(max_size=300)))
def test_segments_give_back_the_text_fit_and_keep_clusters_whole(text: str) -> None:
    length = analyse(text)
    parts = split_segments(text)
    assert "".join(parts) == text
    assert len(parts) == length.segments
    if length.encoding == UCS2:
        limit = 70 if len(parts) == 1 else 67
        for part in parts:  # UTF-16 code units: a surrogate pair counts 2
            assert len(part.encode("utf-16-le")) // 2 <= limit
    else:
        limit = 160 if len(parts) == 1 else 153
        for part in parts:
            assert len(part) + sum(ch in GSM_EXTENSION for ch in part) <= limit
    # every cut falls between two clusters, unless a cluster alone is longer than a segment
    clusters = regex.findall(r"\X", text)
    if all(len(c.encode("utf-16-le")) // 2 <= 67 for c in clusters):
        assert _boundaries(parts) <= _boundaries(clusters)


@pytest.mark.parametrize("cluster", CLUSTERS)
def test_a_cluster_is_never_split_between_two_segments(cluster: str) -> None:
    for filler in range(60, 70):  # the cluster lands across the end of the first segment
        text = "ê" * filler + cluster + "ê" * 80
        parts = split_segments(text)
        assert "".join(parts) == text
        assert any(cluster in part for part in parts), (filler, cluster)


@pytest.mark.parametrize(
    ("text", "characters"),
    [
        ("👨‍👩‍👧‍👦", 1),
        ("🇫🇷🇨🇭", 2),
        ("👍🏽 ok", 4),
        ("e\u0301te\u0301", 3),
        ("a\r\nb", 3),
        ("Bonjour", 7),
        ("", 0),
    ],
)
def test_characters_are_counted_as_people_see_them(text: str, characters: int) -> None:
    assert analyse(text).characters == characters


def test_flags_are_kept_together_as_twilio_does() -> None:
    # 33 flags = 132 UTF-16 units: 16 flags (64 units) fit in each 67-unit segment
    text = "🇫🇷" * 33
    parts = split_segments(text)
    assert [len(p.encode("utf-16-le")) // 2 for p in parts] == [64, 64, 4]
    assert analyse(text).segments == 3


def test_a_cluster_longer_than_a_segment_is_cut_between_code_points() -> None:
    text = "a" + "\u0301" * 100  # one cluster of 101 code points
    parts = split_segments(text)
    assert "".join(parts) == text
    assert [len(p) for p in parts] == [67, 34]
