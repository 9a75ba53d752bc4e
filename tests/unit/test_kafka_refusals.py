"""Telling a refused client (credentials, TLS) from an unreachable broker, with
kafka-python's log records as it writes them, and no broker."""

from __future__ import annotations

import logging
import ssl
from pathlib import Path

import pytest
from kafka.errors import KafkaConnectionError, KafkaTimeoutError, SaslAuthenticationFailedError
from pydantic import SecretStr

from config import KafkaSettings
from streams.errors import KafkaRefused
from streams.kafka import _refusals_explained

SECRET = "n0t-in-any-message"
SETTINGS = KafkaSettings(
    bootstrap_servers="127.0.0.1:1",
    security_protocol="SASL_SSL",
    sasl_mechanism="SCRAM-SHA-512",
    sasl_username="alice",
    sasl_password=SecretStr(SECRET),
    ssl_cafile=Path("/etc/tinstream/ca.pem"),
)
manager = logging.getLogger("kafka.net.manager")


def test_a_refused_password_names_the_user_and_settings_never_the_secret() -> None:
    refusal = SaslAuthenticationFailedError("invalid credentials with SASL mechanism")
    with pytest.raises(KafkaRefused) as info, _refusals_explained(SETTINGS):
        manager.warning("Bootstrap connection to %s failed: %s", "bootstrap-0", refusal)
        manager.error("Bootstrap failed: %s", KafkaTimeoutError("Unable to bootstrap"))
        raise KafkaTimeoutError("Unable to bootstrap")
    message = str(info.value)
    assert "'alice'" in message and "TINSTREAM_KAFKA_SASL_PASSWORD" in message
    assert SECRET not in message and not info.value.retriable


def test_an_unknown_certificate_names_the_ca_setting() -> None:
    handshake = KafkaConnectionError("Handshake failed")
    handshake.__cause__ = ssl.SSLCertVerificationError("certificate verify failed")
    expected = "not signed by the CA in TINSTREAM_KAFKA_SSL_CAFILE"
    with pytest.raises(KafkaRefused, match=expected), _refusals_explained(SETTINGS):
        manager.warning("Bootstrap connection to %s failed: %s", "bootstrap-0", handshake)
        raise KafkaTimeoutError("Unable to bootstrap")


def test_an_unreachable_broker_stays_a_retriable_kafka_error() -> None:
    refused = KafkaConnectionError("111 ECONNREFUSED")
    with pytest.raises(KafkaTimeoutError), _refusals_explained(SETTINGS) as chatter:
        manager.warning("Bootstrap connection to %s failed: %s", "bootstrap-0", refused)
        manager.error("Bootstrap failed: %s", KafkaTimeoutError("Unable to bootstrap"))
        raise KafkaTimeoutError("Unable to bootstrap")
    # The cause is kept for the message, not the timeout that followed it.
    assert chatter.last is refused


def test_the_chatter_is_kept_from_the_console_and_the_logger_restored(
    caplog: pytest.LogCaptureFixture,
) -> None:
    kafka = logging.getLogger("kafka")
    kafka.setLevel(logging.CRITICAL)
    with caplog.at_level(logging.DEBUG), _refusals_explained(SETTINGS):
        manager.warning("Bootstrap bootstrap-0 not ready; waiting %.2f secs", 0.1)
    assert caplog.records == []
    assert kafka.level == logging.CRITICAL and kafka.propagate
    kafka.setLevel(logging.NOTSET)
