"""The local stack's Kafka configuration and TLS material, written without starting
anything: the quorum of a 3-node cluster, the SASL_SSL listeners, the files'
modes, and a certificate that clients dialling 127.0.0.1 accept."""

from __future__ import annotations

import ipaddress
import stat
import uuid
from pathlib import Path

import pytest
from cryptography import x509
from pydantic import SecretStr

from config import StackSettings
from deploy.local import Stack, StackError
from deploy.local.components import KafkaBroker, new_cluster_id
from deploy.local.tls import ensure_tls


def _properties(path: Path) -> dict[str, str]:
    lines = [line for line in path.read_text().splitlines() if "=" in line]
    return dict(line.split("=", 1) for line in lines)


def test_three_nodes_are_voters_with_replication_3_and_min_isr_2(tmp_path: Path) -> None:
    settings = StackSettings(
        dir=tmp_path, kafka_brokers=3, kafka_port=100, kafka_controller_port=101
    )
    stack = Stack(settings)
    assert [b.name for b in stack.brokers] == ["kafka-1", "kafka-2", "kafka-3"]
    assert stack.bootstrap_servers == "127.0.0.1:100,127.0.0.1:102,127.0.0.1:104"
    assert stack.client_env()["TINSTREAM_TOPIC_REPLICATION_FACTOR"] == "3"
    props = _properties(stack.brokers[1]._write_config())
    assert props["node.id"] == "2"
    assert props["controller.quorum.voters"] == "1@127.0.0.1:101,2@127.0.0.1:103,3@127.0.0.1:105"
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:102,CONTROLLER://127.0.0.1:103"
    assert props["default.replication.factor"] == props["offsets.topic.replication.factor"] == "3"
    assert props["min.insync.replicas"] == props["transaction.state.log.min.isr"] == "2"


def test_one_node_keeps_a_standalone_quorum(tmp_path: Path) -> None:
    (broker,) = Stack(StackSettings(dir=tmp_path)).brokers
    props = _properties(broker._write_config())
    assert broker.name == "kafka"
    assert "controller.quorum.voters" not in props
    assert props["min.insync.replicas"] == props["default.replication.factor"] == "1"


def test_sasl_ssl_listeners_and_private_files(tmp_path: Path) -> None:
    settings = StackSettings(
        dir=tmp_path, kafka_security="sasl_ssl", kafka_sasl_password=SecretStr("s3cr3t-Pw")
    )
    broker = KafkaBroker(settings)
    path = broker._write_config()
    props = _properties(path)
    assert props["listeners"].startswith("SASL_SSL://127.0.0.1:")
    assert props["listener.security.protocol.map"] == "SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT"
    assert props["sasl.enabled.mechanisms"] == "SCRAM-SHA-512"
    assert 'username="tinstream" password="s3cr3t-Pw";' in path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "tls" / "broker.pem").stat().st_mode) == 0o600
    env = Stack(settings).client_env()
    assert env["TINSTREAM_KAFKA_SSL_CAFILE"] == str(tmp_path.resolve() / "tls" / "ca.pem")
    assert "s3cr3t-Pw" not in str(env)


@pytest.mark.parametrize("password", [None, "", 'has"quote', "has space", "a,b"])
def test_sasl_ssl_refuses_a_missing_or_unquotable_password(
    tmp_path: Path, password: str | None
) -> None:
    settings = StackSettings(
        dir=tmp_path,
        kafka_security="sasl_ssl",
        kafka_sasl_password=None if password is None else SecretStr(password),
    )
    with pytest.raises(StackError) as info:
        KafkaBroker(settings)._write_config()
    assert password is None or not password or password not in str(info.value)


def test_the_broker_certificate_is_signed_by_the_ca_for_127_0_0_1(tmp_path: Path) -> None:
    files = ensure_tls(tmp_path)
    assert ensure_tls(tmp_path) == files  # made once, then kept
    ca = x509.load_pem_x509_certificate(files.ca.read_bytes())
    leaf, chain_ca = x509.load_pem_x509_certificates(
        files.broker.read_bytes().split(b"-----END PRIVATE KEY-----\n", 1)[1]
    )
    leaf.verify_directly_issued_by(ca)
    assert chain_ca == ca
    names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert ipaddress.ip_address("127.0.0.1") in names.get_values_for_type(x509.IPAddress)


def test_cluster_ids_never_start_with_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    # The first draw encodes to "-" first (0xfb...), which kafka-storage takes for an option.
    draws = iter([uuid.UUID(bytes=b"\xfb" + b"\x00" * 15), uuid.UUID(int=7)])
    monkeypatch.setattr(uuid, "uuid4", lambda: next(draws))
    cid = new_cluster_id()
    assert not cid.startswith("-") and len(cid) == 22
