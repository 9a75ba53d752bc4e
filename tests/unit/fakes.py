"""Small fakes for unit tests: an analyzer that tags from a dictionary, a tagger's tokens
given by hand, a bulk client."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
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


def tagged_tokens(
    text: str, spans: Iterable[tuple[str, str] | tuple[str, str, int]]
) -> list[Token]:
    """The tokens a tagger would give ``text``: one B- token per ``(surface, tag)``, or
    ``(surface, tag, n)`` for the n-th occurrence (from 0), and an O token on the last
    character, so the whole text counts as analysed."""
    tokens = []
    for surface, tag, *nth in spans:
        start = -1
        for _ in range((nth[0] if nth else 0) + 1):
            start = text.index(surface, start + 1)
        tokens.append(Token(start, start + len(surface), surface, "X", f"B-{tag}"))
    tokens.append(Token(len(text) - 1, len(text), text[-1], "X", "O"))
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
