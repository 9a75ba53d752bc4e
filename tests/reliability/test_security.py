"""Kafka with SASL/SCRAM over TLS, started by ``tinstream stack up --security
sasl_ssl``: the worker, the publisher and the lag command connect with the
credentials and CA from their settings; the password never shows in what they
print or log, in Kafka's logs, or in any ``--help``; a wrong password fails within
seconds, with a message that says which settings to check."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from pydantic import SecretStr

from config import KafkaSettings, Settings, StackSettings
from deploy.local import Stack
from tests.integration.conftest import Run
from tests.reliability.conftest import Outcome
from tests.reliability.scenario import measure

pytestmark = [pytest.mark.integration, pytest.mark.reliability, pytest.mark.timeout(600)]

# Beside the test stack (29092/29093) and the 3-node cluster (29392-29397).
SECURE_PORT = 29492
# A wrong password fails within this many seconds (Kafka's own retry would take 30-60).
FAIL_FAST_S = 20


@pytest.fixture(scope="module")
def password() -> str:
    return secrets.token_urlsafe(24)


def _stack_cli(
    stack_dir: Path, cache: Path, password: str, *args: str
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "TINSTREAM_STACK_DIR": str(stack_dir),
        "TINSTREAM_STACK_CACHE_DIR": str(cache),
        "TINSTREAM_STACK_KAFKA_PORT": str(SECURE_PORT),
        "TINSTREAM_STACK_KAFKA_CONTROLLER_PORT": str(SECURE_PORT + 1),
        "TINSTREAM_STACK_KAFKA_SECURITY": "sasl_ssl",
        "TINSTREAM_STACK_KAFKA_SASL_PASSWORD": password,
        "TINSTREAM_STACK_KAFKA_HEAP": "384m",
    }
    return subprocess.run(
        [sys.executable, "-m", "streams.cli", "stack", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def secured(
    stack: Stack, tmp_path_factory: pytest.TempPathFactory, password: str
) -> Iterator[tuple[Stack, str]]:
    """The SASL_SSL Kafka, started as a user would, and what ``stack up`` printed."""
    stack_dir = tmp_path_factory.mktemp("secured")
    cache = stack.settings.cache_dir
    # Its Elasticsearch is the test stack's (TINSTREAM_STACK_ES_PORT), found healthy
    # and reused: only the Kafka starts.
    up = _stack_cli(stack_dir, cache, password, "up")
    local = Stack(
        StackSettings(
            dir=stack_dir,
            kafka_port=SECURE_PORT,
            kafka_controller_port=SECURE_PORT + 1,
            kafka_security="sasl_ssl",
            kafka_sasl_password=SecretStr(password),
            cache_dir=cache,
        )
    )
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        yield local, up.stdout + up.stderr
    finally:
        _stack_cli(stack_dir, cache, password, "down")


def _kafka(local: Stack, password: str) -> KafkaSettings:
    env = local.client_env()
    return KafkaSettings(
        bootstrap_servers=env["TINSTREAM_KAFKA_BOOTSTRAP_SERVERS"],
        security_protocol="SASL_SSL",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username=env["TINSTREAM_KAFKA_SASL_USERNAME"],
        sasl_password=SecretStr(password),
        ssl_cafile=Path(env["TINSTREAM_KAFKA_SSL_CAFILE"]),
    )


def test_sasl_scram_over_tls(
    secured: tuple[Stack, str],
    password: str,
    *,
    settings: Settings,
    make_run: Callable[..., Run],
    es: Elasticsearch,
    report: list[Outcome],
) -> None:
    local, stack_output = secured
    assert "TINSTREAM_KAFKA_SSL_CAFILE=" in stack_output
    kafka = _kafka(local, password)
    run = make_run(settings.model_copy(update={"kafka": kafka}))

    worker = run.start_worker()
    since = time.monotonic()
    published = run.cli("publish", "deploy/samples/articles.jsonl", "--json")
    assert published.returncode == 0, published.stdout + published.stderr
    ids = json.loads(published.stdout)["ids"]
    run.wait_indexed(es, ids)
    outcome = measure("sasl-scram-tls", run, es, set(ids), letters=0, since=since)
    report.append(outcome)
    assert (outcome.lost, outcome.duplicated, outcome.indexed) == (0, 0, len(ids))

    group = run.env()["TINSTREAM_WORKER_APP_ID"]
    lag = run.cli("lag", "--group", group, "--json", "--samples", "1")
    report_json = json.loads(lag.stdout)
    assert {p["topic"] for p in report_json["partitions"]} >= {run.raw}, lag.stderr
    assert report_json["groups"][0]["status"] != "NOTFOUND"
    assert worker.poll() is None

    # The secret shows nowhere: what the commands printed and logged, Kafka's own
    # logs, and every --help (which shows settings' defaults, never their values).
    helps = [
        run.cli(*command, "--help")
        for command in (
            (),
            ("worker",),
            ("publish",),
            ("lag",),
            ("lag-exporter",),
            ("stack", "up"),
        )
    ]
    run.stop()
    texts = {
        "stack up": stack_output,
        "worker log": run.workers[0][1].read_text(),
        "publish": published.stdout + published.stderr,
        "lag": lag.stdout + lag.stderr,
        **{f"help {n}": h.stdout + h.stderr for n, h in enumerate(helps)},
    }
    for log in local.settings.dir.resolve().glob("kafka/**/*.log"):
        texts[str(log)] = log.read_text(errors="replace")
    assert all(h.returncode == 0 for h in helps)
    assert len(texts) > 8
    leaked = [name for name, text in texts.items() if password in text]
    assert leaked == [], f"the password appears in {leaked}"


@pytest.mark.parametrize(
    "command",
    [("publish", "deploy/samples/articles.jsonl"), ("lag", "--group", "g"), ("worker",)],
    ids=["publish", "lag", "worker"],
)
def test_a_wrong_password_fails_fast_and_clearly(
    secured: tuple[Stack, str],
    password: str,
    *,
    settings: Settings,
    make_run: Callable[..., Run],
    command: tuple[str, ...],
) -> None:
    local, _ = secured
    wrong = secrets.token_urlsafe(24)
    kafka = _kafka(local, password).model_copy(update={"sasl_password": SecretStr(wrong)})
    run = make_run(settings.model_copy(update={"kafka": kafka}))
    started = time.monotonic()
    result = run.cli(*command)
    took = time.monotonic() - started
    assert result.returncode == 1, result.stdout + result.stderr
    assert took < FAIL_FAST_S, f"{command[0]} took {took:.1f}s to fail"
    last = result.stderr.strip().splitlines()[-1]
    assert "refused the credentials of user 'tinstream' (SCRAM-SHA-512)" in last, last
    assert "TINSTREAM_KAFKA_SASL_PASSWORD" in last
    output = result.stdout + result.stderr
    assert wrong not in output and password not in output
