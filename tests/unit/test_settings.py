"""Settings: env prefix, frozen, secrets hidden."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from config import ElasticsearchSettings, KafkaSettings, Settings, TopicSettings
from streams.kafka import kafka_python_config


def test_env_prefix_per_concern(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TINSTREAM_KAFKA_BOOTSTRAP_SERVERS", "a:1, b:2")
    monkeypatch.setenv("TINSTREAM_TOPIC_PARTITIONS", "3")
    monkeypatch.setenv("TINSTREAM_ES_ALIAS", "news-test")
    settings = Settings()
    assert settings.kafka.servers() == ["a:1", "b:2"]
    assert settings.topics.partitions == 3
    assert settings.elasticsearch.alias == "news-test"


def test_settings_are_frozen() -> None:
    with pytest.raises(ValidationError):
        TopicSettings().raw = "other"


def test_secrets_never_show_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TINSTREAM_ES_API_KEY", "es-secret-key")
    monkeypatch.setenv("TINSTREAM_KAFKA_SASL_PASSWORD", "kafka-secret")
    monkeypatch.setenv("TINSTREAM_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
    monkeypatch.setenv("TINSTREAM_KAFKA_SASL_USERNAME", "app")
    settings = Settings()
    text = repr(settings) + str(settings) + settings.model_dump_json()
    assert "es-secret-key" not in text
    assert "kafka-secret" not in text
    # ...but the clients get them.
    assert kafka_python_config(settings.kafka)["sasl_plain_password"] == "kafka-secret"
    assert ElasticsearchSettings().api_key is not None


def test_invalid_values_are_refused() -> None:
    with pytest.raises(ValidationError):
        TopicSettings(partitions=0)
    with pytest.raises(ValidationError):
        KafkaSettings(security_protocol="TLS")  # type: ignore[arg-type]
