"""``tinstream kibana import``: the data view, saved searches and dashboard into Kibana."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from config import KibanaSettings, LagSettings
from indexers.errors import IndexerError
from indexers.kibana import DATA_VIEW_ID, LAG_DATA_VIEW_ID, NDJSON_PATH
from indexers.kibana_import import KibanaImporter
from streams.cli.options import alias_option, default_of, env_option, json_flag, print_json


@click.group()
def kibana() -> None:
    """Kibana objects for the articles (deploy/kibana)."""


@kibana.command(name="import")
@env_option(
    "--url",
    envvar="TINSTREAM_KIBANA_URL",
    default=default_of(KibanaSettings, "url"),
    help="Kibana URL (credentials: TINSTREAM_KIBANA_API_KEY or _USERNAME/_PASSWORD).",
)
@env_option(
    "--space", envvar="TINSTREAM_KIBANA_SPACE", default=None, help="Kibana space (default space)."
)
@alias_option("Alias the data view points at.")
@env_option(
    "--lag-index",
    "lag_alias",
    envvar="TINSTREAM_LAG_HISTORY_ALIAS",
    default=default_of(LagSettings, "history_alias"),
    help="Alias of the lag history the lag data view points at.",
)
@env_option(
    "--file",
    "path",
    envvar="TINSTREAM_KIBANA_FILE",
    default=NDJSON_PATH,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="NDJSON saved objects.",
)
@env_option(
    "--overwrite/--no-overwrite",
    envvar="TINSTREAM_KIBANA_OVERWRITE",
    default=True,
    help="Replace objects that already exist.",
)
@env_option(
    "--wait",
    envvar="TINSTREAM_KIBANA_WAIT_S",
    default=0.0,
    type=click.FloatRange(0),
    help="Seconds to wait for Kibana to come up first.",
)
@json_flag
def import_(
    url: str,
    space: str | None,
    alias: str,
    lag_alias: str,
    path: Path,
    overwrite: bool,
    wait: float,
    as_json: bool,
) -> None:
    """Import the saved objects; explain each one Kibana refuses (exit status 1)."""
    settings = KibanaSettings(url=url, space=space)
    importer = KibanaImporter(settings)
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        obj = json.loads(line)
        if obj.get("id") == DATA_VIEW_ID:
            obj["attributes"]["title"] = alias
        elif obj.get("id") == LAG_DATA_VIEW_ID:
            obj["attributes"]["title"] = lag_alias
        lines.append(json.dumps(obj, ensure_ascii=False))
    try:
        if wait:
            importer.wait_until_available(wait)
        result = importer.import_objects("\n".join(lines) + "\n", overwrite=overwrite)
    except IndexerError as exc:
        message = f"kibana import failed: {exc}"
        if exc.retriable:
            # Most often: no Kibana there. The local stack runs none (no Kibana
            # package can be installed without Docker); compose runs one.
            message += (
                f"; is Kibana running at {url}? `tinstream stack` runs no Kibana: "
                "`docker compose -f deploy/docker-compose.yml up -d kibana` starts one"
            )
        if as_json:
            print_json({"error": message})
        else:
            click.echo(message, err=True)
        sys.exit(1)
    if as_json:
        print_json({"success_count": result.success_count, "problems": result.problems})
    else:
        click.echo(f"imported {result.success_count} of {len(lines)} objects into {url}")
        for problem in result.problems:
            click.echo(f"  {problem}", err=True)
    sys.exit(0 if result.ok else 1)
