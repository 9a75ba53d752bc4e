"""``tinstream enrich [IN] [OUT]``: the agent's enrichment on JSON Lines, no services needed."""

from __future__ import annotations

import json
import sys
from typing import IO

import click

from config import EnrichmentSettings
from nlp import Enricher
from streams.errors import StreamsError
from streams.records import RawArticle


@click.command()
@click.argument("infile", type=click.File("r", encoding="utf-8"), default="-")
@click.argument("outfile", type=click.File("w", encoding="utf-8"), default="-")
def enrich(infile: IO[str], outfile: IO[str]) -> None:
    """Read raw articles as JSON Lines from INFILE (stdin) and write one enriched article
    per line to OUTFILE (stdout), in input order. Invalid lines are reported on stderr
    with their line numbers and skipped; the exit status is 1 if any line was invalid."""
    enricher = Enricher.with_models(EnrichmentSettings())
    invalid = 0
    for lineno, line in enumerate(infile, start=1):
        if not line.strip():
            continue
        try:
            raw = RawArticle.from_mapping(json.loads(line))
            enriched = enricher.enrich(raw)
        except (json.JSONDecodeError, RecursionError) as exc:
            invalid += 1
            click.echo(f"line {lineno}: invalid JSON: {exc}", err=True)
            continue
        except StreamsError as exc:
            invalid += 1
            click.echo(f"line {lineno}: {exc.reason}", err=True)
            continue
        outfile.write(json.dumps(enriched.to_dict(), ensure_ascii=False) + "\n")
        outfile.flush()
    if invalid:
        click.echo(f"{invalid} invalid line(s)", err=True)
        sys.exit(1)
