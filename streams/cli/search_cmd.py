"""``tinstream search QUERY`` and ``tinstream related ID``: hits, highlights and facets."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from config import ElasticsearchSettings
from indexers.access import access_problem
from indexers.client import make_client
from indexers.errors import SearchError
from indexers.search import INTERVALS, SearchRequest, SearchResult
from indexers.search_parameters import (
    DATES,
    FILTERS,
    FLAGS,
    INTEGERS,
    INTERVAL_DEFAULT,
    INTERVAL_HELP,
    env_name,
    search_request,
)
from indexers.search_sync import ArticleSearch
from nlp.segmenter import WordSegmenter
from streams.cli.options import (
    alias_option,
    env_option,
    es_url_option,
    json_flag,
    print_json,
)

F = TypeVar("F", bound=Callable[..., Any])
R = TypeVar("R")
_TAG = re.compile(r"</?em>")


class _Names(click.ParamType):
    """A name; from the environment, several names are separated by commas
    (names have spaces in them: "Hà Nội")."""

    name = "text"
    envvar_list_splitter = ","

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        return str(value).strip()


def search_options(f: F) -> F:
    """The search parameters of indexers.search_parameters as flags: the same names,
    defaults, bounds, allowed values and help as the HTTP API's."""
    options: list[Callable[[F], F]] = []
    for flt in FILTERS:
        options.append(
            env_option(
                f"--{flt.name}",
                flt.name,
                envvar=env_name(flt.name),
                multiple=True,
                # A closed set is checked (exit 2 naming the allowed values) and listed.
                type=click.Choice(flt.choices) if flt.choices else _Names(),
                help=f"{flt.help} Repeat for more.",
            )
        )
    for name, text in DATES.items():
        options.append(
            env_option(
                f"--{name}",
                name,
                envvar=env_name(name),
                type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
                help=text,
            )
        )
    for flag in FLAGS:
        options.append(
            env_option(
                f"--{flag.name}/--no-{flag.name}",
                flag.name,
                envvar=env_name(flag.name),
                default=flag.default,
                help=flag.help,
            )
        )
    for i in INTEGERS:
        options.append(
            env_option(
                f"--{i.name.replace('_', '-')}",
                i.name,
                envvar=env_name(i.name),
                default=i.default,
                type=click.IntRange(i.low, i.high),
                help=i.help,
            )
        )
    options.append(
        env_option(
            "--interval",
            "interval",
            envvar=env_name("interval"),
            default=INTERVAL_DEFAULT,
            type=click.Choice(INTERVALS),
            help=INTERVAL_HELP,
        )
    )
    for option in reversed(options):
        f = option(f)
    return f


def _run(es_url: str, alias: str, action: Callable[[ArticleSearch], R], *, prefix: str = "") -> R:
    """``action`` on a search client of ``alias``; a failure is one line (after
    ``prefix``) and exit status 1."""
    settings = ElasticsearchSettings(url=es_url, alias=alias)
    client = make_client(settings)
    try:
        return action(ArticleSearch(client, alias, WordSegmenter()))
    except SearchError as exc:
        click.echo(f"{prefix}{access_problem(exc, settings) or exc}", err=True)
        # 1, not 2: exit status 2 is click's, for usage errors only.
        sys.exit(1)
    finally:
        client.close()


@click.command()
@click.argument("query", default="")
@es_url_option
@alias_option("Alias searched.")
@search_options
@json_flag
def search(query: str, es_url: str, alias: str, as_json: bool, **parameters: Any) -> None:
    """Search articles for QUERY (all articles when empty; diacritics optional)."""
    try:
        request = search_request({**parameters, "q": query})
    except SearchError as exc:
        raise click.UsageError(str(exc)) from exc
    result = _run(es_url, alias, lambda s: s.search(request))
    if as_json:
        print_json(result.to_dict())
    else:
        print_result(query, result, _filters_said(request))


def _filters_said(request: SearchRequest) -> str:
    """The filters of a request as a reader would say them: "location=Hà Nội, since 2026-01-01"."""
    parts = [f"{flt.name}={value}" for flt in FILTERS for value in getattr(request, flt.field)]
    if request.since:
        parts.append(f"since {request.since:%Y-%m-%d}")
    if request.until:
        parts.append(f"until {request.until:%Y-%m-%d}")
    if not request.include_duplicates:
        parts.append("no near-copies")
    return ", ".join(parts)


@click.command()
@click.argument("article_id")
@es_url_option
@alias_option("Alias searched.")
@env_option(
    "--size",
    envvar="TINSTREAM_RELATED_SIZE",
    default=10,
    type=click.IntRange(1, 1000),
    help="How many articles.",
)
@json_flag
def related(article_id: str, es_url: str, alias: str, size: int, as_json: bool) -> None:
    """Articles sharing people, places, organisations and keywords with ARTICLE_ID
    (never its near-copies). Exit status 1 when there is no such article."""
    result = _run(es_url, alias, lambda s: s.related(article_id, size))
    if as_json:
        print_json(result.to_dict())
    else:
        click.echo(f"{result.total} article(s) related to {article_id}")
        _print_hits(result)


def _print_hits(result: SearchResult) -> None:
    for rank, hit in enumerate(result.hits, start=(result.page - 1) * result.size + 1):
        date = str(hit.fields.get("published_at") or "")[:10]
        source = hit.fields.get("source") or "?"
        score = f"{hit.score:.2f}" if hit.score is not None else "-"
        title = (hit.highlight.get("title") or [hit.title])[0]
        click.echo(f"{rank:>3}. {_bold(title)}  [{hit.id}]")
        click.echo(f"     {source} · {date or 'undated'} · score {score}")
        for fragment in (hit.highlight.get("content") or hit.highlight.get("summary") or [])[:2]:
            # One line per fragment: the article's own line breaks would break the layout.
            click.echo(f"     … {_bold(' '.join(fragment.split()))} …")
        shared = hit.fields.get("shared")
        if shared:
            said = "; ".join(f"{name} {', '.join(values)}" for name, values in shared.items())
            click.echo(f"     shares: {said}")


def _bold(text: str) -> str:
    """Matches in bold on a terminal, between asterisks otherwise."""
    on, off = ("\x1b[1m", "\x1b[0m") if sys.stdout.isatty() else ("*", "*")
    return _TAG.sub(lambda m: off if m.group(0) == "</em>" else on, text)


def print_result(query: str, result: SearchResult, filters: str = "") -> None:
    label = f'"{query}"' if query else ("the filters" if filters else "everything")
    if filters:
        label += f" ({filters})"
    pages = max(1, -(-result.total // result.size)) if result.size else 1
    if result.page > pages:
        where = f"page {result.page} is past the last page, {pages}"
    else:
        where = f"page {result.page} of {pages}"
    click.echo(f"{result.total} article(s) match {label}: {where}")
    _print_hits(result)
    click.echo("")
    for name, buckets in result.facets.items():
        values = ", ".join(f"{b.value} ({b.count})" for b in buckets) or "—"
        click.echo(f"{name:>14}: {values}")


@click.command()
@click.argument("article_id")
@es_url_option
@alias_option("Alias searched.")
@env_option(
    "--related",
    "related_size",
    envvar="TINSTREAM_SHOW_RELATED",
    default=5,
    type=click.IntRange(1, 100),
    help="How many related articles.",
)
@json_flag
def show(article_id: str, es_url: str, alias: str, related_size: int, as_json: bool) -> None:
    """One article: text, entities with their aliases, tone, topic, keywords, the
    article it nearly copies, and the articles most related to it. Exit status 1 when
    there is no such article."""
    view = _run(es_url, alias, lambda s: s.article(article_id, related_size), prefix="show: ")
    if as_json:
        print_json(view.to_dict())
        return
    fields = view.fields
    click.echo(str(fields.get("title", "")))
    facts = [
        str(fields.get("published_at") or "")[:10],
        str(fields.get("source") or ""),
        str(fields.get("url") or ""),
    ]
    click.echo("  ".join(f for f in facts if f))
    for name in ("category", "sentiment"):
        label = fields.get(name) or {}
        if label:
            origin = f"{label.get('score')}, {label.get('source')}"
            click.echo(f"{name}: {label.get('label')} ({origin})")
    for kind, title in (("PER", "people"), ("LOC", "places"), ("ORG", "organisations")):
        names = [
            e["text"] + (f" (also {', '.join(e['aliases'])})" if e.get("aliases") else "")
            for e in fields.get("entities") or ()
            if e.get("type") == kind
        ]
        if names:
            click.echo(f"{title}: {'; '.join(names)}")
    if fields.get("keywords"):
        click.echo(f"keywords: {', '.join(fields['keywords'])}")
    if fields.get("duplicate_of"):
        click.echo(f"nearly copies: {fields['duplicate_of']}")
    click.echo("")
    click.echo(str(fields.get("content", "")))
    click.echo("")
    click.echo(f"related ({view.related.total}):")
    _print_hits(view.related)
