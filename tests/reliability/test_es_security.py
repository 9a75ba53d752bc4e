"""Elasticsearch with security on, started as a user would (``tinstream stack up
--es-security``, a private node on free ports, stopped at the end of the module):
HTTPS with the stack's CA, the superuser's password from the environment, an API
key for tinstream in ``client.env``.

- A worker whose key lacks ``write`` pauses the enriched partitions, says so in one
  line naming TINSTREAM_ES_API_KEY, dead-letters nothing, and resumes by itself
  once the key's privileges are restored (the update API key API: a real fix for a
  running worker). With that key: search (CLI and HTTP API, behind a bearer token),
  lag history and ``tinstream index migrate``.
- The same key then expires while the worker runs: one line, nothing acked; a
  running worker cannot be handed a new key (it reads its settings at start), so
  the fix is a restart with a good key, and the restarted worker indexes the rest.
- A wrong key, an expired key and a CA that did not sign the node's certificate
  end each command in one line naming the setting, within seconds.
- No secret (the superuser's password, the keys, the API token) reaches a log, an
  output or a ``--help``.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from pydantic import SecretStr

from config import ElasticsearchSettings, Settings
from deploy.local import Stack
from deploy.local.es_security import Admin, client_role, read_env_file
from deploy.local.harness import free_port
from deploy.local.tls import ensure_tls
from tests.integration.conftest import Run
from tests.reliability.conftest import Outcome
from tests.reliability.scenario import count, measure, sample_copies, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.reliability, pytest.mark.timeout(900)]

# A refusal, a wrong key or an untrusted certificate ends a command within this many
# seconds (no retry storm, no 60 s wait for a node that will never take the key).
FAIL_FAST_S = 25
# What the test runs' aliases look like: news-test-<id>, lag-test-<id>.
CLIENT_INDICES = "news-*,lag-*"
NO_WRITE = ("create_index", "manage", "read", "view_index_metadata")


@dataclass(frozen=True)
class Secured:
    """The private secured node and what ``stack up`` printed and wrote."""

    dir: Path
    url: str
    ca: Path
    password: str
    key: str
    up_output: str
    admin: Admin

    def es_settings(self, api_key: str, ca: Path | None = None) -> ElasticsearchSettings:
        return ElasticsearchSettings(
            url=self.url, ca_certs=ca or self.ca, api_key=SecretStr(api_key)
        )

    def client(self) -> Elasticsearch:
        """As the superuser: the test's own view of the node."""
        return Elasticsearch(self.url, ca_certs=str(self.ca), basic_auth=("elastic", self.password))


def _stack(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "streams.cli", "stack", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=480,
        check=False,
    )


@pytest.fixture(scope="module")
def secured(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Secured]:
    stack_dir = tmp_path_factory.mktemp("es-secured")
    password = secrets.token_urlsafe(18)
    port = free_port()
    env = {
        **os.environ,
        "TINSTREAM_STACK_DIR": str(stack_dir),
        "TINSTREAM_STACK_CACHE_DIR": str(stack.settings.cache_dir),
        # The test stack's Kafka, found healthy and reused: only the node starts.
        "TINSTREAM_STACK_KAFKA_PORT": str(stack.settings.kafka_port),
        "TINSTREAM_STACK_KAFKA_CONTROLLER_PORT": str(stack.settings.kafka_controller_port),
        "TINSTREAM_STACK_ES_PORT": str(port),
        "TINSTREAM_STACK_ES_TRANSPORT_PORT": str(free_port()),
        "TINSTREAM_STACK_ES_SECURITY": "true",
        "TINSTREAM_STACK_ES_PASSWORD": password,
        "TINSTREAM_STACK_ES_HEAP": "512m",
        "TINSTREAM_STACK_ES_CLIENT_INDICES": CLIENT_INDICES,
    }
    try:
        up = _stack(env, "up")
        assert up.returncode == 0, up.stdout + up.stderr
        client_env = stack_dir.resolve() / "client.env"
        values = read_env_file(client_env)
        url = f"https://127.0.0.1:{port}"
        ca = Path(values["TINSTREAM_ES_CA_CERTS"])
        yield Secured(
            dir=stack_dir.resolve(),
            url=url,
            ca=ca,
            password=password,
            key=values["TINSTREAM_ES_API_KEY"],
            up_output=up.stdout + up.stderr,
            admin=Admin(url, ca, password),
        )
    finally:
        _stack(env, "down")


def _http(port: int, path: str, token: str | None = None) -> tuple[int, dict[str, str], bytes]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return int(answer.status), dict(answer.headers), answer.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), dict(exc.headers), exc.read()


def _log(run: Run, worker: int) -> str:
    return run.workers[worker][1].read_text(errors="replace")


def test_the_client_settings_are_handed_over_privately(secured: Secured) -> None:
    client_env = secured.dir / "client.env"
    assert client_env.stat().st_mode & 0o777 == 0o600
    said = secured.up_output
    assert str(client_env) in said
    assert f"TINSTREAM_ES_URL={secured.url}" in said
    assert f"TINSTREAM_ES_CA_CERTS={secured.ca}" in said
    assert secured.key not in said and secured.password not in said
    # What a shell sources is what the client needs, and the node takes it.
    shell = subprocess.run(
        ["sh", "-c", f'set -a; . "{client_env}"; set +a; env'],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": os.environ["PATH"]},
    )
    assert f"TINSTREAM_ES_API_KEY={secured.key}" in shell.stdout.splitlines()
    assert secured.admin.authenticates(secured.key)
    # HTTP is refused: the node speaks TLS only.
    plain = secured.url.replace("https://", "http://")
    with pytest.raises((OSError, http.client.HTTPException)):
        urllib.request.urlopen(plain, timeout=5)


def test_a_key_refused_mid_stream_pauses_and_loses_nothing(
    secured: Secured,
    *,
    settings: Settings,
    make_run: Callable[..., Run],
    report: list[Outcome],
) -> None:
    es = secured.client()
    patterns = CLIENT_INDICES.split(",")
    created = secured.admin.create_key(patterns, name="no-write", index_privileges=NO_WRITE)
    key_id, key = created["id"], created["encoded"]
    token = secrets.token_urlsafe(16)
    run = make_run(settings.model_copy(update={"elasticsearch": secured.es_settings(key)}))
    run.start_worker(
        TINSTREAM_WORKER_API_TOKEN=token,
        TINSTREAM_INDEXER_RETRY_MAX_S="2",
        TINSTREAM_LAG_INTERVAL_S="2",
    )
    run.wait_ready(0)

    # 1. No write privilege: paused, one line naming the setting, nothing dead-lettered.
    ids = run.publish_samples()
    wait_for("the refusal said", lambda: "lack a privilege" in _log(run, 0), run, 90)
    log = _log(run, 0)
    assert "pausing" in log
    assert count(es, run.alias) == 0
    assert run.dead_letters(1, timeout_s=3) == []
    assert run.workers[0][0].poll() is None

    # 2. The key's privileges restored while the worker runs: it resumes by itself.
    restored = time.monotonic()
    secured.admin.request(
        "PUT",
        f"/_security/api_key/{key_id}",
        {"role_descriptors": {"no-write": _full_role(patterns)}},
    )
    run.wait_indexed(es, ids)
    outcome = measure("es-key-privilege-restored", run, es, set(ids), letters=0, since=restored)
    report.append(outcome)
    assert (outcome.lost, outcome.duplicated, outcome.indexed) == (0, 0, len(ids))
    said = [line for line in _log(run, 0).splitlines() if "TINSTREAM_ES_API_KEY" in line]
    assert len(said) == 1, said  # once for the whole outage, not once per retry
    assert "indices:data/write/bulk" in said[0]

    # 3. With that key: search from the CLI and the HTTP API (bearer token), lag
    # history, migration.
    found = run.cli("search", "", "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["total"] == len(ids)
    port = run.web_ports[0]
    status, headers, _ = _http(port, "/search")
    assert status == 401 and headers.get("WWW-Authenticate", "").startswith("Bearer")
    assert _http(port, "/search", "wrong")[0] == 401
    status, _, body = _http(port, "/search", token)
    assert status == 200 and json.loads(body)["total"] == len(ids)
    assert _http(port, "/health")[0] == 200 and _http(port, "/metrics")[0] == 200
    wait_for("lag history written", lambda: count(es, run.lag_alias) > 0, run, 90)
    migrated = run.cli("index", "migrate", "--json")
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    moved = json.loads(migrated.stdout)
    assert moved["documents"] == len(ids)
    assert list(es.indices.get_alias(name=run.alias)) == [moved["target"]]
    assert count(es, run.alias) == len(ids)

    # 4. The key expires while the worker runs: one line, nothing acked or lost. The
    # worker reads its key at start, so the fix is a restart with a good one.
    secured.admin.request("PUT", f"/_security/api_key/{key_id}", {"expiration": "1s"})
    wait_for("the key expired", lambda: not secured.admin.authenticates(key), run, 90)
    late = sample_copies(1, "late")
    run.publish(late)
    wait_for("the expiry said", lambda: "api key is expired" in _log(run, 0), run, 90)
    assert run.dead_letters(1, timeout_s=3) == []
    stopping = time.monotonic()
    run.workers[0][0].send_signal(signal.SIGTERM)
    run.workers[0][0].wait(timeout=45)
    assert time.monotonic() - stopping < 45, "a paused worker must stop within its deadline"
    restarted = time.monotonic()
    run.start_worker(TINSTREAM_ES_API_KEY=secured.key)
    every = ids + [a["id"] for a in late]
    run.wait_indexed(es, every, timeout_s=180)
    # Nothing skipped on the way either: a record a worker never processed would keep
    # its partition's commit below it (enriched 0@9 once, cleared by Faust's recovery).
    wait_for("every offset committed", lambda: run.backlog() == 0, run, 60)
    outcome = measure("es-key-expired-restart", run, es, set(every), letters=0, since=restarted)
    report.append(outcome)
    assert (outcome.lost, outcome.duplicated, outcome.indexed) == (0, 0, len(every))

    # 5. No secret anywhere a person or a log collector would read.
    helps = [
        run.cli(*command, "--help")
        for command in (("worker",), ("stack", "up"), ("index", "migrate"), ("search",))
    ]
    run.stop()
    texts = {
        "stack up": secured.up_output,
        **{
            f"worker log {n}": log.read_text(errors="replace")
            for n, (_, log) in enumerate(run.workers)
        },
        "search": found.stdout + found.stderr,
        "migrate": migrated.stdout + migrated.stderr,
        **{f"help {n}": h.stdout + h.stderr for n, h in enumerate(helps)},
    }
    for path in (secured.dir / "elasticsearch").glob("**/*.log"):
        texts[str(path)] = path.read_text(errors="replace")
    assert all(h.returncode == 0 for h in helps)
    _assert_no_secret(texts, secured, keys=(key,), others=(token,))
    es.close()


@pytest.mark.chaos_only  # 3 x ~20 s: a worker restart with a backlog, at three moments
@pytest.mark.parametrize("after_s", [0.0, 1.0, 2.5])
def test_a_worker_stopped_mid_enrichment_with_its_key_expired_leaves_nothing_behind(
    secured: Secured,
    *,
    settings: Settings,
    make_run: Callable[..., Run],
    after_s: float,
) -> None:
    """Stopped while 96 articles are still being enriched and Elasticsearch refuses
    its key, then restarted with a good key: every article is indexed and every offset
    committed, whatever the backlog the next worker starts with."""
    es = secured.client()
    created = secured.admin.create_key(CLIENT_INDICES.split(","), name="expiring")
    key_id, key = created["id"], created["encoded"]
    run = make_run(settings.model_copy(update={"elasticsearch": secured.es_settings(key)}))
    run.start_worker(TINSTREAM_INDEXER_RETRY_MAX_S="2")
    run.wait_ready(0)
    secured.admin.request("PUT", f"/_security/api_key/{key_id}", {"expiration": "1s"})
    wait_for("the key expired", lambda: not secured.admin.authenticates(key), run, 90)
    articles = sample_copies(3, "mid")
    run.publish(articles)
    wait_for("the expiry said", lambda: "api key is expired" in _log(run, 0), run, 90)
    # Stop at a moment of the enrichment (a deadline, not a wait for the world).
    deadline = time.monotonic() + after_s
    while time.monotonic() < deadline and run.workers[0][0].poll() is None:
        time.sleep(0.05)
    run.workers[0][0].send_signal(signal.SIGTERM)
    run.workers[0][0].wait(timeout=45)
    run.start_worker(TINSTREAM_ES_API_KEY=secured.key)
    run.wait_indexed(es, [a["id"] for a in articles], timeout_s=180)
    wait_for("every offset committed", lambda: run.backlog() == 0, run, 60)
    assert count(es, run.alias) == len(articles)
    es.close()


def _full_role(patterns: list[str]) -> dict[str, Any]:
    return client_role(patterns)


def _assert_no_secret(
    texts: dict[str, str],
    secured: Secured,
    keys: tuple[str, ...] = (),
    others: tuple[str, ...] = (),
) -> None:
    # A key is "id:secret" in base64; its secret half must not show either.
    secret_values = {secured.password, secured.key, *keys, *others}
    for key in (secured.key, *keys):
        decoded = base64.b64decode(key).decode(errors="replace")
        if ":" in decoded:
            secret_values.add(decoded.split(":", 1)[1])
    leaked = sorted(
        {name for name, text in texts.items() for value in secret_values if value in text}
    )
    assert leaked == [], f"a secret appears in {leaked}"


@pytest.mark.parametrize(
    ("case", "command"),
    [
        ("wrong-key", ("worker",)),
        ("wrong-key", ("search", "x")),
        ("wrong-key", ("index", "migrate")),
        ("expired-key", ("worker",)),
        ("untrusted-ca", ("worker",)),
        ("untrusted-ca", ("search", "x")),
    ],
)
def test_refused_credentials_and_certificates_end_in_one_line(
    secured: Secured,
    *,
    settings: Settings,
    make_run: Callable[..., Run],
    tmp_path: Path,
    case: str,
    command: tuple[str, ...],
) -> None:
    ca = None
    key = secured.key
    if case == "wrong-key":
        # A well-formed key the node never issued.
        key = base64.b64encode(
            f"{secrets.token_hex(10)}:{secrets.token_urlsafe(16)}".encode()
        ).decode()
    elif case == "expired-key":
        key = secured.admin.create_key(["news-*"], name="short", expiration="1s")["encoded"]
        deadline = time.monotonic() + 30
        while secured.admin.authenticates(key) and time.monotonic() < deadline:
            time.sleep(0.25)
    else:
        # A CA of its own, which did not sign the node's certificate.
        ca = ensure_tls(tmp_path / "other-ca").ca
    run = make_run(settings.model_copy(update={"elasticsearch": secured.es_settings(key, ca)}))
    started = time.monotonic()
    result = run.cli(*command)
    took = time.monotonic() - started
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert took < FAIL_FAST_S, f"{command} took {took:.1f}s to fail"
    last = result.stderr.strip().splitlines()[-1]
    if case == "untrusted-ca":
        assert "TLS certificate is not trusted by the CA in TINSTREAM_ES_CA_CERTS" in last, last
    else:
        assert "refused the credentials" in last and "TINSTREAM_ES_API_KEY" in last, last
    if case == "expired-key":
        assert "api key is expired" in last, last
    _assert_no_secret({"output": output}, secured, keys=(key,))
