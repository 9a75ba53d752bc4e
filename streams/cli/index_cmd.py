"""``tinstream index migrate``: the next index version, with no moment searches fail."""

from __future__ import annotations

import sys

import click

from config import ElasticsearchSettings
from indexers.access import access_problem
from indexers.client import make_client
from indexers.document import DocumentBuilder
from indexers.errors import IndexerError
from indexers.migrate import Method, Migration, current_index
from nlp.segmenter import WordSegmenter
from streams.cli.options import (
    alias_option,
    env_option,
    es_url_option,
    json_flag,
    print_json,
)


@click.group()
def index() -> None:
    """Manage the article index behind the alias."""


@index.command()
@es_url_option
@alias_option("Alias moved to the new index.")
@env_option(
    "--method",
    envvar="TINSTREAM_MIGRATE_METHOD",
    default="auto",
    type=click.Choice(["auto", "reindex", "scan"]),
    help="reindex: server-side _reindex; scan: client-side scan and bulk, which also "
    "recomputes the folded and word fields; auto: reindex where the node has it.",
)
@env_option(
    "--delete-old/--keep-old",
    envvar="TINSTREAM_MIGRATE_DELETE_OLD",
    default=False,
    help="Delete the old index once the alias moved (kept read-only otherwise).",
)
@json_flag
def migrate(es_url: str, alias: str, method: str, delete_old: bool, as_json: bool) -> None:
    """Build the next index version from the current template, copy every document
    with its version, and move ALIAS to it atomically. Workers keep running: their
    writes wait while the copy runs."""
    settings = ElasticsearchSettings(url=es_url, alias=alias)
    client = make_client(settings)
    try:
        migration = Migration(client, settings, DocumentBuilder(WordSegmenter()))
        total = migration.count(current_index(client, alias))
        with click.progressbar(
            length=total, label="copying", file=sys.stderr, show_pos=True
        ) as bar:
            report = migration.run(_method(method), delete_old=delete_old, progress=bar.update)
    except IndexerError as exc:
        click.echo(f"migration failed: {access_problem(exc, settings) or exc}", err=True)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - e.g. Elasticsearch unreachable: one line, no traceback
        said = access_problem(exc, settings) or f"{type(exc).__name__}: {exc}"
        click.echo(f"migration failed: {said}", err=True)
        sys.exit(1)
    finally:
        client.close()
    if as_json:
        print_json(report.to_dict())
    else:
        click.echo(
            f"{alias}: {report.source} → {report.target}, {report.documents} documents "
            f"by {report.method} in {report.seconds:.1f}s"
            + ("; old index deleted" if report.old_index_deleted else "; old index kept read-only")
        )


def _method(value: str) -> Method:
    if value == "reindex":
        return "reindex"
    if value == "scan":
        return "scan"
    return "auto"
