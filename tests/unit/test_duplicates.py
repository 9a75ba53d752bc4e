"""SimHash fingerprints and the near-duplicate table."""

from __future__ import annotations

from nlp.simhash import BANDS, MAX_DISTANCE, bands, distance, simhash
from streams.duplicates import NearDuplicates
from tests.texts import OTHER_STORY, STORY

EDITED = STORY.replace("Sáng nay", "Sáng 25/11").replace("hàng trăm", "gần 200")
OTHER = OTHER_STORY


def test_a_lightly_edited_copy_is_a_few_bits_away_and_another_story_is_not() -> None:
    a, b, c = simhash(STORY), simhash(EDITED), simhash(OTHER)
    assert a is not None and b is not None and c is not None
    assert distance(a, b) <= MAX_DISTANCE
    assert distance(a, c) > 10
    assert simhash(STORY) == a  # stable: no per-process hash seed


def test_fingerprints_ignore_case_and_unicode_form() -> None:
    import unicodedata

    assert simhash(unicodedata.normalize("NFD", STORY.upper())) == simhash(STORY)


def test_short_texts_get_no_fingerprint() -> None:
    assert simhash("Hà Nội mưa to") is None


def test_bands_split_the_fingerprint() -> None:
    keys = list(bands(0x0123_4567_89AB_CDEF))
    assert len(keys) == BANDS
    assert keys[0] == f"0:{0x0123_4567_89AB_CDEF & 0x7FF:03x}"
    assert list(bands(0)) == [f"{b}:000" for b in range(BANDS)]
    # Fingerprints a few bits apart share a band.
    assert set(bands(0)) & set(bands((1 << 3) | (1 << 20) | (1 << 40) | (1 << 50) | (1 << 63)))


def test_a_copy_points_at_the_first_original_and_survives_a_reload() -> None:
    table: dict[str, list[list[object]]] = {}
    index = NearDuplicates(table)
    story, edited, other = (f"{simhash(t):016x}" for t in (STORY, EDITED, OTHER))
    assert index.check("a", story) is None
    assert index.check("b", edited) == "a"
    assert index.check("c", other) is None
    # A copy of the copy still points at the original; the same id is never its own copy.
    assert index.check("d", edited) == "a"
    assert index.check("a", story) is None
    # The state is the table: a new index over it (a restarted worker) knows the same.
    assert NearDuplicates(dict(table)).find("e", story) == "a"


def test_a_band_keeps_a_bounded_number_of_entries() -> None:
    table: dict[str, list[list[object]]] = {}
    index = NearDuplicates(table, per_band=3)
    for n in range(10):
        index.remember(f"id{n}", "0000000000000000")
    assert all(len(entries) == 3 for entries in table.values())
    assert index.find("new", "0000000000000001") == "id7"
