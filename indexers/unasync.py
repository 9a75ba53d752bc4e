"""``python -m indexers.unasync [--check]``: the blocking search client from the async one.

Rewrites ``indexers/search_async.py`` into ``indexers/search_sync.py``: ``async def``
becomes ``def``, ``await`` goes, and the async names become their blocking twins
(the same idea as the ``unasync`` tool elasticsearch-py uses, in a few lines).
``--check`` exits 1 when the committed file differs from what it would write.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "search_async.py"
TARGET = HERE / "search_sync.py"
# Whole words only, so that a name merely containing one of these is left alone.
_NAMES = {
    "AsyncElasticsearch": "Elasticsearch",
    "AsyncArticleSearch": "ArticleSearch",
}
# Prose that differs between the two.
_TEXT = {"the async client (the worker's web server)": "the blocking client (the CLI)"}
_DOCSTRING = '''"""The search client over the alias, blocking (the CLI's). GENERATED: do not edit.

Made from ``indexers/search_async.py`` by ``python -m indexers.unasync``; change
that file and run the command (a unit test fails while this one is stale).
"""'''


def unasync(source: str) -> str:
    """The blocking version of an async module's text."""
    # The module docstring says what the file is; the rest is rewritten.
    end = source.index('"""', 3) + 3
    out = _DOCSTRING + source[end:]
    for old, new in _TEXT.items():
        out = out.replace(old, new)
    out = re.sub(r"\basync def\b", "def", out)
    out = re.sub(r"\bawait ", "", out)
    for old, new in _NAMES.items():
        out = re.sub(rf"\b{old}\b", new, out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m indexers.unasync", description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail when the file is stale")
    args = parser.parse_args(argv)
    wanted = unasync(SOURCE.read_text(encoding="utf-8"))
    if args.check:
        if TARGET.read_text(encoding="utf-8") != wanted:
            sys.stderr.write(f"{TARGET} is stale: run python -m indexers.unasync\n")
            return 1
        return 0
    TARGET.write_text(wanted, encoding="utf-8")
    sys.stderr.write(f"wrote {TARGET}\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
