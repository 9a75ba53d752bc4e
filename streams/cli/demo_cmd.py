"""``tinstream demo``: run a worker, publish the samples, wait, and show a search."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import click

from config import ElasticsearchSettings, KafkaSettings, to_env
from indexers.client import make_client
from indexers.search import ArticleSearch, SearchRequest, wait_until_searchable
from nlp.segmenter import WordSegmenter
from streams.cli.options import bootstrap_servers_option, env_option, es_url_option
from streams.cli.search_cmd import print_result
from streams.resources import packaged

SAMPLES = packaged("deploy", "samples", "articles.jsonl")


@click.command()
@click.argument("samples", type=click.Path(exists=True, path_type=Path), default=SAMPLES)
@click.option(
    "--query",
    default="Hà Nội",
    show_default=True,
    envvar="TINSTREAM_DEMO_QUERY",
    show_envvar=True,
    help="The search shown at the end.",
)
@env_option(
    "--timeout",
    "timeout_s",
    envvar="TINSTREAM_DEMO_TIMEOUT_S",
    type=float,
    default=180.0,
    help="Seconds to wait for the samples to become searchable.",
)
@bootstrap_servers_option
@es_url_option
def demo(samples: Path, query: str, timeout_s: float, bootstrap_servers: str, es_url: str) -> None:
    """Start a worker, publish SAMPLES, wait until all are searchable, print a search."""
    import json

    es_settings = ElasticsearchSettings(url=es_url)
    exe = [sys.executable, "-m", "streams.cli"]
    env = {
        **os.environ,
        **to_env(KafkaSettings(bootstrap_servers=bootstrap_servers), es_settings),
    }
    log_path = Path(".stack") / "demo-worker.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    click.echo(f"demo: starting a worker (log: {log_path})", err=True)
    with log_path.open("ab") as log:
        worker = subprocess.Popen(
            [*exe, "worker"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        click.echo(f"demo: publishing {samples}", err=True)
        published = subprocess.run(
            [*exe, "publish", str(samples), "--json"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if published.returncode != 0:
            click.echo(published.stderr + published.stdout, err=True)
            sys.exit(1)
        ids = json.loads(published.stdout)["ids"]
        client = make_client(es_settings)
        started = time.monotonic()
        with click.progressbar(
            length=len(ids), label="indexing", file=sys.stderr, show_pos=True
        ) as bar:
            present = 0
            deadline = started + timeout_s
            while present < len(ids) and time.monotonic() < deadline:
                if worker.poll() is not None:
                    click.echo(
                        f"\ndemo: the worker exited ({worker.returncode}); see {log_path}", err=True
                    )
                    sys.exit(1)
                now = wait_until_searchable(client, es_settings.alias, ids, timeout_s=1.0)
                bar.update(now - present)
                present = now
        if present < len(ids):
            click.echo(
                f"demo: only {present}/{len(ids)} searchable after {timeout_s:.0f}s; "
                f"see {log_path}",
                err=True,
            )
            sys.exit(1)
        click.echo(
            f"demo: {len(ids)} articles searchable after {time.monotonic() - started:.1f}s\n",
            err=True,
        )
        click.echo(f'$ tinstream search "{query}"')
        searcher = ArticleSearch(client, es_settings.alias, WordSegmenter())
        print_result(query, searcher.search(SearchRequest(text=query, size=5, facet_size=5)))
        client.close()
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    click.echo(
        "\ndemo: worker stopped; the stack keeps running (`tinstream stack down` stops it)",
        err=True,
    )
