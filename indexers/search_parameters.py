"""The search parameters, declared once: the HTTP API and the CLI are derived from here.

``tinstream search`` makes its flags from these tables (``--person``, ``--page`` …,
each with its ``TINSTREAM_SEARCH_*`` variable), the web API parses and describes its
query parameters (OpenAPI) from the same ones, and both build the request with
:func:`search_request`. A parameter added here appears in both, with the same name,
default, bounds, allowed values and help.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from indexers.mapping import TONES, TOPICS
from indexers.search import MAX_RESULT_WINDOW, SearchRequest


@dataclass(frozen=True, slots=True)
class Filter:
    """A repeatable filter: ``name`` in URLs and flags, ``field`` of SearchRequest."""

    name: str
    field: str
    help: str
    # A closed set: checked (exit 2 / HTTP 400 naming the values) and listed.
    choices: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Integer:
    name: str
    default: int
    low: int
    high: int
    help: str


@dataclass(frozen=True, slots=True)
class Flag:
    name: str
    field: str
    default: bool
    help: str


FILTERS: tuple[Filter, ...] = (
    Filter(
        "person",
        "persons",
        "Articles naming this person (any case, diacritics optional, or an alias); "
        "the most about them first.",
    ),
    Filter("location", "locations", "Articles naming this place (as for person)."),
    Filter("organization", "organizations", "Articles naming this organisation (as for person)."),
    Filter("category", "categories", "Articles of this topic.", TOPICS),
    Filter("source", "sources", "Articles from this source."),
    Filter("sentiment", "sentiments", "Articles of this tone.", TONES),
)
INTEGERS: tuple[Integer, ...] = (
    Integer("page", 1, 1, MAX_RESULT_WINDOW, "Page, from 1."),
    Integer("size", 10, 0, 1000, "Hits per page."),
    Integer("facet_size", 10, 1, 1000, "Values per facet."),
)
FLAGS: tuple[Flag, ...] = (
    Flag("duplicates", "include_duplicates", True, "Include near-copies of other articles."),
    Flag("highlight", "highlight", True, "Return highlighted fragments."),
)
DATES: dict[str, str] = {
    "since": "Articles published at or after this ISO 8601 date or time.",
    "until": "Articles published at or before this ISO 8601 date or time.",
}
INTERVAL_DEFAULT = "day"
INTERVAL_HELP = "Bucket of the published_at histogram."
QUERY_HELP = "Query text; diacritics optional."
NAMES: frozenset[str] = frozenset(
    {
        "q",
        "interval",
        *(f.name for f in FILTERS),
        *(i.name for i in INTEGERS),
        *(f.name for f in FLAGS),
        *DATES,
    }
)


def env_name(name: str) -> str:
    """The CLI's environment variable of a parameter (filters by their plural field)."""
    field = next((f.field for f in FILTERS if f.name == name), name)
    return f"TINSTREAM_SEARCH_{field.upper()}"


def search_request(values: Mapping[str, Any]) -> SearchRequest:
    """A SearchRequest from parameter values by name (absent: the defaults).

    Raises SearchError (from SearchRequest) for a value out of its set or bounds.
    """
    fields: dict[str, Any] = {"text": values.get("q") or ""}
    for f in FILTERS:
        fields[f.field] = tuple(values.get(f.name) or ())
    for i in INTEGERS:
        if values.get(i.name) is not None:
            fields[i.name] = values[i.name]
    for flag in FLAGS:
        if values.get(flag.name) is not None:
            fields[flag.field] = values[flag.name]
    for name in DATES:
        if values.get(name) is not None:
            fields[name] = values[name]
    if values.get("interval") is not None:
        fields["interval"] = values["interval"]
    return SearchRequest(**fields)
