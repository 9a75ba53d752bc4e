"""A private pipeline on a running stack: the one harness of the tests and the benchmarks.

A :class:`PrivateRun` owns its names (topics, alias, lag-history alias, consumer
group, data directory), the environment its processes get (through
``config.to_env``, the one settings-to-environment function), and every process it
starts: workers and long-running commands. :meth:`PrivateRun.stop` ends them all,
whatever state they are in, so neither a failed test nor an interrupted benchmark
leaves a process behind. The integration tests subclass it (to fail with the
workers' logs through pytest); ``bench/pipeline.py`` uses it as is.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from config import Settings, TopicSettings, to_env

# Polling interval of the deadline loops: short enough not to slow a test down.
_POLL_S = 0.25


class HarnessError(Exception):
    """A process the harness started did not do what the run waits for."""

    retriable = False


def http_get(port: int, path: str) -> tuple[int, bytes]:
    """GET a path on 127.0.0.1:port: (status, body); (0, b"") when nothing answers."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()
    except (urllib.error.URLError, OSError):
        return 0, b""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PrivateRun:
    """One run's private pipeline: names, environment and the processes it started."""

    settings: Settings
    tmp: Path
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:10])
    # What the run is for, in its names: "test" → topics t<id>.raw, alias news-test-<id>.
    purpose: str = "test"
    partitions: int = 3
    # Of the topics the run creates (a 3-node cluster: 3 and 2).
    replication_factor: int = 1
    min_insync_replicas: int | None = None
    # The indexer's linger; None keeps the configured one (tests shorten it so that a
    # handful of articles is written at once rather than after the default wait).
    indexer_linger_s: float | None = 0.2
    lag_history: bool = True
    # Enrichment processes per worker; None keeps the configured default ("auto":
    # one per CPU). Tests use one: they check behaviour, and a second set of models
    # per worker only adds start-up time and memory to a suite on two CPUs.
    enrich_processes: int | None = 1
    workers: list[tuple[subprocess.Popen[bytes], Path]] = field(default_factory=list)
    # Commands left running (start_cli): ended, and their pipes closed, by stop(), so a
    # failed run leaves neither a process nor an open pipe behind.
    clis: list[subprocess.Popen[str]] = field(default_factory=list)
    web_ports: list[int] = field(default_factory=list)

    @property
    def raw(self) -> str:
        return f"{self.purpose[0]}{self.run_id}.raw"

    @property
    def enriched(self) -> str:
        return f"{self.purpose[0]}{self.run_id}.enriched"

    @property
    def dead_letter(self) -> str:
        return f"{self.purpose[0]}{self.run_id}.dead-letter"

    @property
    def alias(self) -> str:
        return f"news-{self.purpose}-{self.run_id}"

    @property
    def lag_alias(self) -> str:
        return f"lag-{self.purpose}-{self.run_id}"

    @property
    def app_id(self) -> str:
        return f"tinstream-{self.purpose}-{self.run_id}"

    def topics(self) -> TopicSettings:
        return TopicSettings(
            raw=self.raw,
            enriched=self.enriched,
            dead_letter=self.dead_letter,
            partitions=self.partitions,
            replication_factor=self.replication_factor,
            min_insync_replicas=self.min_insync_replicas,
        )

    def env(self) -> dict[str, str]:
        """The environment of this run's processes: its Kafka (secrets included), its
        own topics (the worker creates the same as topics() describes), alias, group
        and data directory."""
        s = self.settings
        indexer = s.indexer
        if self.indexer_linger_s is not None:
            indexer = indexer.model_copy(update={"linger_s": self.indexer_linger_s})
        processes = (
            {}
            if self.enrich_processes is None
            else {"TINSTREAM_ENRICH_PROCESSES": str(self.enrich_processes)}
        )
        return {
            **os.environ,
            **processes,
            **to_env(
                s.kafka,
                self.topics(),
                s.elasticsearch.model_copy(update={"alias": self.alias}),
                s.lag.model_copy(
                    update={"history_alias": self.lag_alias, "history": self.lag_history}
                ),
                s.worker.model_copy(
                    update={"app_id": self.app_id, "data_dir": self.tmp / "worker"}
                ),
                indexer,
            ),
        }

    def cli(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        """A ``tinstream`` command run to its end (at most 5 minutes)."""
        return subprocess.run(
            [sys.executable, "-m", "streams.cli", *args],
            env=self.env(),
            input=input,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def start_cli(self, *args: str, **pipes: Any) -> subprocess.Popen[str]:
        """A CLI command left running; by default its output is piped for communicate()."""
        pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **pipes}
        proc = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", *args],
            env=self.env(),
            stdin=subprocess.DEVNULL,
            text=True,
            **pipes,
        )
        self.clis.append(proc)
        return proc

    def start_worker(
        self, *, python_args: Sequence[str] = (), **extra_env: str
    ) -> subprocess.Popen[bytes]:
        """``tinstream worker`` on a free port, its output to a log under ``tmp``."""
        log = self.tmp / f"worker-{len(self.workers)}.log"
        port = free_port()
        self.web_ports.append(port)
        env = {**self.env(), "TINSTREAM_WORKER_WEB_PORT": str(port), **extra_env}
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, *python_args, "-m", "streams.cli", "worker"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        self.workers.append((proc, log))
        return proc

    def get(self, worker: int, path: str) -> tuple[int, bytes]:
        """GET a path of a worker's web server (see http_get)."""
        return http_get(self.web_ports[worker], path)

    def fail(self, message: str) -> None:
        """Stop waiting: raises, with the tail of every worker's log."""
        raise HarnessError(f"{message}\n{self.logs()}")

    def logs(self) -> str:
        return "\n".join(f"--- {log}\n{log.read_text()[-4000:]}" for _, log in self.workers)

    def wait_ready(self, worker: int, timeout_s: float = 180.0) -> dict[str, Any]:
        """Poll the worker's /ready until it has partitions and Elasticsearch; its report."""
        deadline = time.monotonic() + timeout_s
        while (answer := self.get(worker, "/ready"))[0] != 200:
            if self.workers[worker][0].poll() is not None:
                self.fail(f"worker {worker} exited while starting")
            if time.monotonic() > deadline:
                self.fail(f"worker {worker} not ready after {timeout_s:.0f}s: {answer}")
            time.sleep(_POLL_S)
        return dict(json.loads(answer[1]))

    def wait_all_assigned(self, timeout_s: float = 180.0) -> None:
        """Until every worker is ready and together they hold every raw and enriched partition."""
        deadline = time.monotonic() + timeout_s
        while True:
            reports = [self.get(n, "/ready") for n in range(len(self.workers))]
            if all(status == 200 for status, _ in reports):
                assigned = sum(int(json.loads(body).get("partitions", 0)) for _, body in reports)
                if assigned >= 2 * self.partitions:
                    return
            for n, (proc, _) in enumerate(self.workers):
                if proc.poll() is not None:
                    self.fail(f"worker {n} exited while starting")
            if time.monotonic() > deadline:
                self.fail(f"the workers did not hold every partition within {timeout_s:.0f}s")
            time.sleep(_POLL_S)

    def stop(self, timeout_s: float = 30.0) -> None:
        """End every process the run started: SIGTERM, SIGKILL after ``timeout_s``."""
        for cli in self.clis:
            if cli.poll() is None:
                cli.kill()
            cli.communicate()  # reaps it and closes its pipes
        for proc, _ in self.workers:
            if proc.poll() is None:
                proc.terminate()
        for proc, _ in self.workers:
            try:
                proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
