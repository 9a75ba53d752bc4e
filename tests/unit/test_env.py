"""Settings written as environment variables read back as the same settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr
from pydantic_settings import BaseSettings

from config import (
    ElasticsearchSettings,
    EnrichmentSettings,
    IndexerSettings,
    KafkaSettings,
    LagSettings,
    TopicSettings,
    WorkerSettings,
    to_env,
)

CHANGED: list[BaseSettings] = [
    KafkaSettings(
        bootstrap_servers="h:1,h:2",
        security_protocol="SASL_SSL",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username="u",
        sasl_password=SecretStr("mật khẩu"),
        ssl_cafile=Path("/tmp/ca.pem"),
    ),
    TopicSettings(raw="r", enriched="e", dead_letter="d", partitions=3, min_insync_replicas=2),
    ElasticsearchSettings(url="https://es:9200", api_key=SecretStr("k"), verify_certs=False),
    IndexerSettings(linger_s=0.2, refresh="wait_for"),
    EnrichmentSettings(processes=2, ner_model="underthesea"),
    LagSettings(history=False, window=5),
    WorkerSettings(app_id="a", data_dir=Path("/tmp/w"), log_level="debug"),
]


@pytest.mark.parametrize("settings", CHANGED, ids=lambda s: type(s).__name__)
def test_settings_survive_the_trip_through_the_environment(
    settings: BaseSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = to_env(settings)
    assert all(name.startswith("TINSTREAM_") for name in env)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert type(settings)() == settings


def test_none_is_left_out_and_secrets_are_written_for_the_child() -> None:
    env = to_env(KafkaSettings(sasl_password=SecretStr("s")))
    assert env["TINSTREAM_KAFKA_SASL_PASSWORD"] == "s"
    assert "TINSTREAM_KAFKA_SASL_USERNAME" not in env
