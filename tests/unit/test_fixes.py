"""The library fixes refuse versions they were not written for, and those versions
are the ones pyproject.toml pins (one source of truth, checked here)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from streams.errors import LibraryVersionError
from streams.fixes import faust_consumer, kafka_clients
from streams.fixes.versions import require

ROOT = Path(__file__).resolve().parents[2]


def _pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pins: dict[str, str] = {}
    for requirement in project["project"]["dependencies"]:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:\[[^]]*\])?==([^,;\s]+)", requirement)
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


def _required(module: object) -> dict[str, str]:
    source = Path(str(getattr(module, "__file__", ""))).read_text(encoding="utf-8")
    return {
        name.lower(): version
        for name, version in re.findall(r'require\(\s*"([^"]+)",\s*"([^"]+)"', source)
    }


def test_each_fix_checks_the_version_pyproject_pins() -> None:
    pins = _pins()
    required = {**_required(faust_consumer), **_required(kafka_clients)}
    assert set(required) == {"faust-streaming", "aiokafka", "kafka-python"}
    for distribution, version in required.items():
        assert pins.get(distribution) == version, (
            f"{distribution}: the fix was written for {version}, pyproject pins "
            f"{pins.get(distribution)}"
        )


def test_another_version_is_refused_loudly() -> None:
    refused = r"written for faust-streaming 0\.15\.2.*re-check"
    with pytest.raises(LibraryVersionError, match=refused):
        require("faust-streaming", "0.15.2", "the consumer fixes")
    with pytest.raises(LibraryVersionError, match="not installed"):
        require("no-such-distribution", "1.0", "a fix")
    require("kafka-python", "3.0.12", "the client fixes")  # the installed one passes


def test_the_pipeline_app_makes_the_fixed_consumer() -> None:
    assert faust_consumer.Transport.Consumer is faust_consumer.Consumer
    import faust.transport.drivers.aiokafka as stock

    assert issubclass(faust_consumer.Consumer, stock.Consumer)
    assert faust_consumer.Consumer._new_offset is not stock.Consumer._new_offset


def test_the_worker_app_consumes_with_the_fixed_consumer(tmp_path: Path) -> None:
    from prometheus_client import CollectorRegistry

    from config import Settings, WorkerSettings
    from streams.pipeline import Pipeline

    settings = Settings(worker=WorkerSettings(data_dir=tmp_path))
    # No client is used while the app is built: stand-ins will do.
    pipeline = Pipeline(
        settings,
        object(),  # type: ignore[arg-type]
        object(),  # type: ignore[arg-type]
        object(),  # type: ignore[arg-type]
        object(),  # type: ignore[arg-type]
        registry=CollectorRegistry(),
    )
    assert isinstance(pipeline.app.transport, faust_consumer.Transport)
    assert isinstance(pipeline.app.consumer, faust_consumer.Consumer)
