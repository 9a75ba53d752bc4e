"""Shared CLI options: each flag has an env fallback and shows its default in --help."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import BaseModel

from config import DataSettings
from config.settings import PROCESSES_MAX

F = TypeVar("F", bound=Callable[..., Any])


def default_of(model: type[BaseModel], name: str) -> Any:
    """The class default of a settings field (the environment is read later, once)."""
    field = model.model_fields[name]
    if field.default_factory is not None:
        return field.default_factory()  # type: ignore[call-arg]
    return field.default


class ProcessCount(click.ParamType):
    """A process count: ``auto`` or a whole number from 0 to PROCESSES_MAX."""

    name = "auto|N"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, int) or value == "auto":
            number = value
        else:
            try:
                number = int(str(value))
            except ValueError:
                self.fail(f"{value!r} is neither 'auto' nor a whole number", param, ctx)
        if number != "auto" and not 0 <= number <= PROCESSES_MAX:
            self.fail(f"{number} is not in 0..{PROCESSES_MAX}", param, ctx)
        return number


def env_option(*decls: str, envvar: str, **kwargs: Any) -> Callable[[F], F]:
    return click.option(*decls, envvar=envvar, show_envvar=True, show_default=True, **kwargs)


def json_flag(f: F) -> F:
    return click.option(
        "--json",
        "as_json",
        is_flag=True,
        envvar="TINSTREAM_JSON",
        show_envvar=True,
        help="Print machine-readable JSON instead of text.",
    )(f)


def print_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def setup_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper()),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # The clients' connection chatter buries what matters at INFO.
    for noisy in ("kafka", "aiokafka", "elastic_transport", "urllib3"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))
    if logging.getLogger().level >= logging.WARNING:
        # Each retry of an unreachable node is a warning with a traceback; the command
        # says what failed in one line of its own (--log-level info shows them).
        logging.getLogger("elastic_transport").setLevel(logging.ERROR)


def bootstrap_servers_option(f: F) -> F:
    from config import KafkaSettings

    return env_option(
        "--bootstrap-servers",
        envvar="TINSTREAM_KAFKA_BOOTSTRAP_SERVERS",
        default=default_of(KafkaSettings, "bootstrap_servers"),
        help="Kafka brokers.",
    )(f)


def es_url_option(f: F) -> F:
    from config import ElasticsearchSettings

    return env_option(
        "--es-url",
        envvar="TINSTREAM_ES_URL",
        default=default_of(ElasticsearchSettings, "url"),
        help="Elasticsearch URL.",
    )(f)


def web_port_option(help: str) -> Callable[[F], F]:
    """``--web-port``: the worker's web server (TINSTREAM_WORKER_WEB_PORT), for
    ``worker`` and ``demo`` alike."""
    from config import WorkerSettings

    return env_option(
        "--web-port",
        envvar="TINSTREAM_WORKER_WEB_PORT",
        type=click.IntRange(1, 65535),
        default=default_of(WorkerSettings, "web_port"),
        help=help,
    )


def stack_dir_option(dest: str, help: str) -> Callable[[F], F]:
    """``--dir``: the stack's directory (TINSTREAM_STACK_DIR), passed as ``dest``."""
    from config import StackSettings

    return env_option(
        "--dir",
        dest,
        envvar="TINSTREAM_STACK_DIR",
        type=click.Path(path_type=Path),
        default=default_of(StackSettings, "dir"),
        help=help,
    )


def alias_option(help: str) -> Callable[[F], F]:
    """``--index``: the articles' alias (TINSTREAM_ES_ALIAS), passed as ``alias``."""
    from config import ElasticsearchSettings

    return env_option(
        "--index",
        "alias",
        envvar="TINSTREAM_ES_ALIAS",
        default=default_of(ElasticsearchSettings, "alias"),
        help=help,
    )


_SHARED_DATA_HELP = "the shared data folder (read by path, never copied)"


def shared_data_option(help_text: str = _SHARED_DATA_HELP) -> Callable[[F], F]:
    """``--data``: the shared data folder (``TINSTREAM_SHARED_DATA``), for train and evaluate."""
    return env_option(
        "--data",
        "data",
        envvar="TINSTREAM_SHARED_DATA",
        default=DataSettings.model_fields["data"].default,
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help=help_text,
    )
