"""Near-duplicate lookup over the stream: SimHash fingerprints filed by band in a table.

The table is Faust's (a global table, backed by a changelog topic, so every worker
sees every fingerprint and the state survives restarts); unit tests pass a dict.
Only originals are filed: a copy of a copy points at the first article, not at
the copy it happened to match.
"""

from __future__ import annotations

import time
from collections.abc import MutableMapping
from typing import Any

from nlp.simhash import MAX_DISTANCE, bands, distance

# Entries kept per band value; the oldest go first. A band value (10 or 11 bits) is
# shared by chance by one article in about 1,500, so copies are found within the
# last ~100,000 articles: syndication and republication happen within days.
PER_BAND = 64


class NearDuplicates:
    def __init__(self, table: MutableMapping[str, Any], per_band: int = PER_BAND) -> None:
        self._table = table
        self._per_band = per_band

    def find(self, article_id: str, fingerprint: str) -> str | None:
        """The earliest filed article within :data:`MAX_DISTANCE` bits, other than itself."""
        value = int(fingerprint, 16)
        best: tuple[int, str] | None = None
        for key in bands(value):
            for other, other_id, seen in self._table.get(key) or ():
                if other_id == article_id or distance(value, int(other, 16)) > MAX_DISTANCE:
                    continue
                if best is None or seen < best[0]:
                    best = (seen, other_id)
        return best[1] if best else None

    def remember(self, article_id: str, fingerprint: str) -> None:
        entry = [fingerprint, article_id, time.time_ns()]
        for key in bands(int(fingerprint, 16)):
            entries = [e for e in self._table.get(key) or () if e[1] != article_id]
            # Assigned, not mutated in place: a Faust table writes its changelog on set.
            self._table[key] = [*entries, entry][-self._per_band :]

    def check(self, article_id: str, fingerprint: str) -> str | None:
        """The article this one nearly copies; an original is filed for later ones."""
        original = self.find(article_id, fingerprint)
        if original is None:
            self.remember(article_id, fingerprint)
        return original
