"""The secured local Elasticsearch's files: the file realm (users, roles), the
client.env hand-over and the node's key and certificate."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pydantic import SecretStr

from config import StackSettings
from deploy.local.components import ElasticsearchNode
from deploy.local.es_security import (
    FileRealm,
    client_role,
    password_hash,
    read_env_file,
    write_env_file,
)
from deploy.local.tls import ensure_tls, split_keystore


def test_password_hash_is_elasticsearch_pbkdf2_and_verifies() -> None:
    hashed = password_hash("a-Password")
    prefix, salt, key = hashed.split("$")
    assert prefix == "{PBKDF2}10000"
    raw_salt = base64.b64decode(salt)
    assert len(raw_salt) == 32
    expected = hashlib.pbkdf2_hmac("sha512", b"a-Password", raw_salt, 10000, 32)
    assert base64.b64decode(key) == expected
    assert password_hash("a-Password") != hashed  # salted


def test_file_realm_users_and_roles(tmp_path: Path) -> None:
    realm = FileRealm(tmp_path)
    realm.set_role("tinstream", client_role(["news-*"]))
    realm.set_user("tinstream", "first-pass", ["tinstream"])
    realm.set_user("reader", "other-pass", ["tinstream", "viewer"])
    realm.set_user("tinstream", "second-pass", ["tinstream"])
    users = dict(line.split(":", 1) for line in (tmp_path / "users").read_text().splitlines())
    assert set(users) == {"tinstream", "reader"}
    assert "second-pass" not in (tmp_path / "users").read_text()
    members = (tmp_path / "users_roles").read_text().splitlines()
    assert sorted(members) == ["tinstream:reader,tinstream", "viewer:reader"]
    roles = json.loads((tmp_path / "roles.yml").read_text())
    assert roles["tinstream"]["cluster"] == ["monitor", "manage_index_templates"]
    assert "write" in roles["tinstream"]["indices"][0]["privileges"]
    assert "all" not in roles["tinstream"]["indices"][0]["privileges"]
    assert (tmp_path / "users").stat().st_mode & 0o777 == 0o600


def test_client_env_is_private_and_sourceable(tmp_path: Path) -> None:
    path = tmp_path / "client.env"
    values = {"TINSTREAM_ES_URL": "https://127.0.0.1:1", "TINSTREAM_ES_PASSWORD": "a b'c$d"}
    write_env_file(path, values)
    assert path.stat().st_mode & 0o777 == 0o600
    assert read_env_file(path) == values
    shell = subprocess.run(
        ["sh", "-c", f'set -a; . "{path}"; set +a; printf %s "$TINSTREAM_ES_PASSWORD"'],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": os.environ["PATH"]},
    )
    assert shell.stdout == "a b'c$d"


def test_node_key_and_chain_come_from_the_stack_ca(tmp_path: Path) -> None:
    files = ensure_tls(tmp_path)
    key, chain = split_keystore(files)
    assert key.startswith(b"-----BEGIN PRIVATE KEY-----") and b"CERTIFICATE" not in key
    serialization.load_pem_private_key(key, None)
    node, ca = x509.load_pem_x509_certificates(chain)
    assert ca.subject == x509.load_pem_x509_certificate(files.ca.read_bytes()).subject
    assert node.issuer == ca.subject


def test_secured_node_config_and_client_settings(tmp_path: Path) -> None:
    settings = StackSettings(
        dir=tmp_path, es_security=True, es_password=SecretStr("stack-pass"), es_port=29999
    )
    node = ElasticsearchNode(settings)
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    conf = node._write_config(home)
    config = (conf / "elasticsearch.yml").read_text()
    assert "xpack.security.enabled: true" in config
    assert "xpack.security.http.ssl.enabled: true" in config
    assert (conf / "certs" / "node-key.pem").stat().st_mode & 0o777 == 0o600
    assert "stack-pass" not in config
    assert node.url == "https://127.0.0.1:29999"
    env = node.client_env()
    assert env["TINSTREAM_ES_CA_CERTS"] == str(tmp_path.resolve() / "tls" / "ca.pem")
    assert "TINSTREAM_ES_PASSWORD" not in env
