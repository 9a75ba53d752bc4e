"""``tinstream``: the one console command; each subcommand lives in its own module."""

from __future__ import annotations

import click

from streams import PIPELINE_VERSION
from streams.cli.deadletters_cmd import dead_letters
from streams.cli.demo_cmd import demo
from streams.cli.enrich_cmd import enrich
from streams.cli.evaluate_cmd import evaluate
from streams.cli.index_cmd import index
from streams.cli.kibana_cmd import kibana
from streams.cli.lag_cmd import lag, lag_exporter
from streams.cli.options import setup_logging
from streams.cli.publish_cmd import publish
from streams.cli.search_cmd import related, search, show
from streams.cli.stack_cmd import stack
from streams.cli.train_cmd import train
from streams.cli.worker_cmd import worker


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(PIPELINE_VERSION, prog_name="tinstream")
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default="warning",
    envvar="TINSTREAM_LOG_LEVEL",
    show_envvar=True,
    show_default=True,
    help="Log level of the command's diagnostics (on stderr).",
)
def cli(log_level: str) -> None:
    """tinstream: Vietnamese news from Kafka, enriched, searchable in Elasticsearch."""
    setup_logging(log_level)


cli.add_command(stack)
cli.add_command(publish)
cli.add_command(worker)
cli.add_command(enrich)
cli.add_command(search)
cli.add_command(related)
cli.add_command(show)
cli.add_command(demo)
cli.add_command(evaluate)
cli.add_command(train)
cli.add_command(index)
cli.add_command(kibana)
cli.add_command(dead_letters)
cli.add_command(lag)
cli.add_command(lag_exporter)


def main() -> None:
    cli(prog_name="tinstream")
