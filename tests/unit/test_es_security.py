"""The secured local Elasticsearch's files: the API key's role, the analysis plugin,
the client.env hand-over and the node's key and certificate."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pydantic import SecretStr

from config import StackSettings
from deploy.local.components import ElasticsearchNode
from deploy.local.es_plugin import NAMED_COMPONENTS, SOURCE
from deploy.local.es_security import client_role, read_env_file, write_env_file
from deploy.local.tls import ensure_tls, split_keystore


def test_the_key_role_grants_only_what_tinstream_does() -> None:
    role = client_role(["news-*", "tinstream-lag*"])
    assert role["cluster"] == ["monitor", "manage_index_templates"]
    (indices,) = role["indices"]
    assert indices["names"] == ["news-*", "tinstream-lag*"]
    assert set(indices["privileges"]) == {
        "create_index",
        "manage",
        "write",
        "read",
        "view_index_metadata",
    }


def test_the_plugin_names_the_components_its_source_declares() -> None:
    source = SOURCE.read_text()
    for components in NAMED_COMPONENTS.values():
        for name, cls in components.items():
            assert f'@NamedComponent("{name}")' in source
            assert f"class {cls.rsplit('$', 1)[1]} " in source


def test_client_env_is_private_and_sourceable(tmp_path: Path) -> None:
    path = tmp_path / "client.env"
    values = {"TINSTREAM_ES_URL": "https://127.0.0.1:1", "TINSTREAM_ES_API_KEY": "a b'c$d="}
    write_env_file(path, values)
    assert path.stat().st_mode & 0o777 == 0o600
    assert read_env_file(path) == values
    shell = subprocess.run(
        ["sh", "-c", f'set -a; . "{path}"; set +a; printf %s "$TINSTREAM_ES_API_KEY"'],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": os.environ["PATH"]},
    )
    assert shell.stdout == "a b'c$d="


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
    assert set(env) == {"TINSTREAM_ES_URL", "TINSTREAM_ES_CA_CERTS"}
