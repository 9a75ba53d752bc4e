"""``tinstream search QUERY``: top hits and facet counts."""

from __future__ import annotations

import sys

import click

from config import ElasticsearchSettings
from indexers.client import make_client
from indexers.errors import SearchError
from indexers.search import SearchResult, search_articles
from streams.cli.options import default_of, env_option, es_url_option, json_flag, print_json


@click.command()
@click.argument("query", default="")
@es_url_option
@env_option(
    "--index",
    "alias",
    envvar="TINSTREAM_ES_ALIAS",
    default=default_of(ElasticsearchSettings, "alias"),
    help="Alias searched.",
)
@env_option(
    "--size",
    envvar="TINSTREAM_SEARCH_SIZE",
    default=10,
    type=click.IntRange(0, 10000),
    help="How many hits.",
)
@env_option(
    "--facet-size",
    envvar="TINSTREAM_SEARCH_FACET_SIZE",
    default=10,
    type=click.IntRange(1, 1000),
    help="How many values per facet.",
)
@json_flag
def search(query: str, es_url: str, alias: str, size: int, facet_size: int, as_json: bool) -> None:
    """Search articles for QUERY (all articles when empty) and show facet counts."""
    settings = ElasticsearchSettings(url=es_url, alias=alias)
    client = make_client(settings)
    try:
        result = search_articles(client, alias, query, size=size, facet_size=facet_size)
    except SearchError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    finally:
        client.close()
    if as_json:
        print_json(result.to_dict())
    else:
        print_result(query, result)


def print_result(query: str, result: SearchResult) -> None:
    label = f'"{query}"' if query else "everything"
    click.echo(f"{result.total} article(s) match {label}")
    for rank, hit in enumerate(result.hits, start=1):
        date = str(hit.fields.get("published_at") or "")[:10]
        source = hit.fields.get("source") or "?"
        score = f"{hit.score:.2f}" if hit.score is not None else "-"
        click.echo(f"{rank:>3}. {hit.title}")
        click.echo(f"     {source} · {date or 'undated'} · score {score}")
    click.echo("")
    for name, buckets in result.facets.items():
        values = ", ".join(f"{b.value} ({b.count})" for b in buckets) or "—"
        click.echo(f"{name:>14}: {values}")
