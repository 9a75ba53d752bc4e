"""Small fakes for unit tests: an analyzer that tags from a dictionary, a bulk client."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from nlp.analysis import Token


class DictionaryAnalyzer:
    """Tags the phrases it knows; every other word is a common noun."""

    def __init__(self, entities: dict[str, str]) -> None:
        self.entities = entities
        self.calls = 0

    def analyze(self, text: str) -> list[Token]:
        self.calls += 1
        tokens: list[Token] = []
        taken: list[tuple[int, int]] = []
        for phrase, etype in self.entities.items():
            for m in re.finditer(re.escape(phrase), text):
                taken.append((m.start(), m.end()))
                tokens.append(Token(m.start(), m.end(), phrase, "Np", f"B-{etype}"))
        for m in re.finditer(r"\w+", text):
            if not any(s <= m.start() < e for s, e in taken):
                tokens.append(Token(m.start(), m.end(), m.group(), "N", "O"))
        return sorted(tokens, key=lambda t: t.start)


class FakeBulkClient:
    """Answers bulk requests from a script of responses (or exceptions)."""

    def __init__(self, script: list[Callable[[list[dict[str, Any]]], Any]]) -> None:
        self.script = script
        self.requests: list[list[dict[str, Any]]] = []

    async def bulk(self, *, operations: bytes, refresh: str) -> Any:
        # The writer sends pre-serialised NDJSON: read it back line by line.
        lines = [json.loads(line) for line in operations.splitlines()]
        self.requests.append(lines)
        step = self.script.pop(0)
        return step(lines)
