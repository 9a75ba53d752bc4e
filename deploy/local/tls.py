"""The local stack's TLS material: a private CA and a certificate for its brokers.

Made once per stack directory with ``cryptography`` and kept: clients trust
``ca.pem`` (``TINSTREAM_KAFKA_SSL_CAFILE``); a broker presents ``broker.pem``
(its key and certificate chain, Kafka's PEM keystore) for 127.0.0.1 and localhost.
The private keys are readable by their owner only.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALID_DAYS = 825
_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z ]+)-----\r?\n.*?-----END \1-----", re.DOTALL)


@dataclass(frozen=True, slots=True)
class TlsFiles:
    ca: Path
    broker: Path


def ensure_tls(directory: Path) -> TlsFiles:
    """The CA and broker files under ``directory``, made if missing."""
    files = TlsFiles(ca=directory / "ca.pem", broker=directory / "broker.pem")
    if files.ca.exists() and files.broker.exists():
        return files
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "tinstream local CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        # Clients check the name they dialled: the brokers advertise 127.0.0.1.
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        # Server and client: brokers also dial each other (inter-broker listener).
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    write_private(
        directory / "ca-key.pem",
        ca_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    )
    # Kafka's PEM keystore: an unencrypted PKCS#8 key, then the chain.
    write_private(
        files.broker,
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        + cert.public_bytes(pem)
        + ca_cert.public_bytes(pem),
    )
    files.ca.write_bytes(ca_cert.public_bytes(pem))
    return files


def split_keystore(files: TlsFiles) -> tuple[bytes, bytes]:
    """The broker's key and its certificate chain as two PEM texts, for servers that
    take them apart (Elasticsearch's ``ssl.key`` and ``ssl.certificate``): the same
    node certificate, signed by the same CA."""
    key, chain = b"", b""
    for match in _PEM_BLOCK.finditer(files.broker.read_bytes()):
        if match.group(1).endswith(b"PRIVATE KEY"):
            key += match.group(0) + b"\n"
        elif match.group(1) == b"CERTIFICATE":
            chain += match.group(0) + b"\n"
    if not key or not chain:
        raise ValueError(f"{files.broker} holds no key and certificate")
    return key, chain


def write_private(path: Path, data: bytes | str) -> None:
    """Write a file only its owner can read (a key, a password), whatever was there."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data.encode() if isinstance(data, str) else data)
