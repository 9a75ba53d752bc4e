"""Workers the stack started: detached, recorded under ``<stack dir>/workers``, stopped with it.

Each worker has a folder ``workers/worker-PORT`` with its pid file, its log, Faust's
data directory and ``worker.json`` (pid, port, start time, log), so that
``tinstream stack status`` can list it and ``tinstream stack down`` can stop its
whole process group (its enrichment processes included), as it does Kafka's.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from deploy.local import process


@dataclass(frozen=True, slots=True)
class WorkerRecord:
    """What was started: enough to find, check and stop it later."""

    name: str
    pid: int
    port: int
    started_at: float
    log_file: Path
    dir: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def alive(self) -> bool:
        return process.alive(self.pid)

    def to_dict(self) -> dict[str, object]:
        out = asdict(self)
        return {**out, "log_file": str(self.log_file), "dir": str(self.dir), "url": self.url}


def port_free(host: str, port: int) -> bool:
    """Whether a server could listen on ``host:port`` now (as the worker's web server
    binds, with SO_REUSEADDR: a port in TIME_WAIT is free, one listened on is not)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


class Workers:
    """The workers recorded in one stack directory."""

    def __init__(self, stack_dir: Path) -> None:
        self.dir = stack_dir.resolve() / "workers"

    def folder(self, port: int) -> Path:
        return self.dir / f"worker-{port}"

    def start(self, argv: Sequence[str], *, port: int, env: Mapping[str, str]) -> WorkerRecord:
        """Start ``argv`` detached in its own process group and record it. The worker
        learns its port and data directory from TINSTREAM_WORKER_WEB_PORT and
        TINSTREAM_WORKER_DATA_DIR, set here."""
        folder = self.folder(port)
        folder.mkdir(parents=True, exist_ok=True)
        log_file = folder / "worker.log"
        env = {
            **env,
            "TINSTREAM_WORKER_WEB_PORT": str(port),
            "TINSTREAM_WORKER_DATA_DIR": str(folder / "data"),
        }
        pid = process.start(argv, pid_file=folder / "pid", out_file=log_file, env=env)
        record = WorkerRecord(folder.name, pid, port, time.time(), log_file, folder)
        (folder / "worker.json").write_text(json.dumps(record.to_dict(), indent=2))
        return record

    def records(self) -> list[WorkerRecord]:
        out = []
        for meta in sorted(self.dir.glob("worker-*/worker.json")):
            try:
                data = json.loads(meta.read_text())
                out.append(
                    WorkerRecord(
                        name=str(data["name"]),
                        pid=int(data["pid"]),
                        port=int(data["port"]),
                        started_at=float(data["started_at"]),
                        log_file=Path(data["log_file"]),
                        dir=meta.parent,
                    )
                )
            except (OSError, ValueError, KeyError, TypeError):
                continue  # a record half written or edited by hand: not ours to act on
        return out

    def stop(self, records: Sequence[WorkerRecord], *, timeout_s: float = 30.0) -> list[str]:
        """SIGTERM each worker's process group, SIGKILL what is left after
        ``timeout_s``; forget them (their logs stay). The names of those running."""
        pid_files = [r.dir / "pid" for r in records]
        stopped = {f.parent.name for f in process.stop_all(pid_files, timeout_s=timeout_s)}
        for record in records:
            (record.dir / "worker.json").unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                shutil.rmtree(record.dir / "data")
        return sorted(stopped)

    def stop_all(self, *, timeout_s: float = 30.0) -> list[str]:
        return self.stop(self.records(), timeout_s=timeout_s)


def describe(record: WorkerRecord) -> str:
    """One line for ``stack status``."""
    since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(record.started_at))
    state = "alive" if record.alive else "EXITED"
    return (
        f"{record.name:<14} pid={record.pid:<8} {state:<8} port {record.port}, since {since}, "
        f"log {record.log_file}"
    )
