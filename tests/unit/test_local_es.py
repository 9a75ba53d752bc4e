"""The local stack's Elasticsearch nodes, configured without starting Elasticsearch:
one node keeps single-node discovery, 2 or 3 form a cluster on their own ports and
directories, clients get every node's URL, and ``stack down`` stops every node."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import SecretStr, ValidationError

from config import ElasticsearchSettings, StackSettings
from deploy.local import Stack, StackError, process
from deploy.local.components import ElasticsearchNode
from indexers.client import make_client
from streams.cli.main import cli


def _config(node: ElasticsearchNode, tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True, exist_ok=True)
    conf = node._write_config(home)
    lines = (conf / "elasticsearch.yml").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if ": " in line)


def test_one_node_keeps_single_node_discovery(tmp_path: Path) -> None:
    stack = Stack(StackSettings(dir=tmp_path, es_port=100, es_transport_port=200))
    (node,) = stack.es_nodes
    config = _config(node, tmp_path)
    assert node.name == "elasticsearch" and node.dir == tmp_path.resolve() / "elasticsearch"
    assert config["discovery.type"] == "single-node"
    assert "discovery.seed_hosts" not in config and "cluster.initial_master_nodes" not in config
    assert (config["http.port"], config["transport.port"]) == ("100", "200")
    assert stack.es_url == "http://127.0.0.1:100"
    assert "TINSTREAM_ES_URL" not in stack.client_env()


def test_three_nodes_get_their_own_ports_and_dirs_and_find_each_other(tmp_path: Path) -> None:
    settings = StackSettings(
        dir=tmp_path, es_nodes=3, es_port=100, es_transport_port=200, es_heap="384m"
    )
    stack = Stack(settings)
    assert [n.name for n in stack.es_nodes] == [
        "elasticsearch-1",
        "elasticsearch-2",
        "elasticsearch-3",
    ]
    assert stack.elasticsearch is stack.es_nodes[0]
    assert stack.components[-3:] == stack.es_nodes
    configs = [_config(node, tmp_path) for node in stack.es_nodes]
    assert [c["node.name"] for c in configs] == [n.node_name for n in stack.es_nodes]
    assert [(c["http.port"], c["transport.port"]) for c in configs] == [
        ("100", "200"),
        ("101", "201"),
        ("102", "202"),
    ]
    assert len({c["path.data"] for c in configs}) == len({c["path.logs"] for c in configs}) == 3
    for node, config in zip(stack.es_nodes, configs, strict=True):
        assert config["path.data"] == str(node.dir / "data")
        assert config["cluster.name"] == "tinstream-local"
        assert "discovery.type" not in config
        assert config["discovery.seed_hosts"] == (
            '["127.0.0.1:200", "127.0.0.1:201", "127.0.0.1:202"]'
        )
        assert config["cluster.initial_master_nodes"] == (
            '["tinstream-local-1", "tinstream-local-2", "tinstream-local-3"]'
        )
        # Default roles: every node master-eligible and a data node.
        assert "node.roles" not in config
        heap = node.dir / "config" / "jvm.options.d" / "heap.options"
        assert heap.read_text() == "-Xms384m\n-Xmx384m\n"
    env = stack.client_env()
    assert env["TINSTREAM_ES_URL"] == (
        "http://127.0.0.1:100,http://127.0.0.1:101,http://127.0.0.1:102"
    )
    assert env["TINSTREAM_ES_REPLICAS"] == "1"


def test_several_secured_nodes_are_refused(tmp_path: Path) -> None:
    settings = StackSettings(
        dir=tmp_path, es_nodes=2, es_security=True, es_password=SecretStr("stack-pass")
    )
    with pytest.raises(StackError, match="--es-nodes 1"):
        _config(Stack(settings).es_nodes[1], tmp_path)


@pytest.mark.parametrize("nodes", [0, 4])
def test_one_to_three_nodes(nodes: int) -> None:
    with pytest.raises(ValidationError):
        StackSettings(es_nodes=nodes)


def test_the_nodes_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TINSTREAM_STACK_ES_NODES", "2")
    assert StackSettings().es_nodes == 2


def test_a_comma_separated_url_gives_the_client_every_node() -> None:
    settings = ElasticsearchSettings(url=" http://127.0.0.1:1, http://127.0.0.1:2 ,")
    assert settings.hosts() == ["http://127.0.0.1:1", "http://127.0.0.1:2"]
    client = make_client(settings)
    try:
        ports = sorted(node.config.port for node in client.transport.node_pool.all())
    finally:
        client.close()
    assert ports == [1, 2]
    assert ElasticsearchSettings(url="http://127.0.0.1:3").hosts() == ["http://127.0.0.1:3"]


def test_stack_status_lists_every_node(tmp_path: Path) -> None:
    # Nothing listens on these ports: every component is down, and listed.
    result = CliRunner().invoke(
        cli,
        [
            "stack",
            "status",
            "--json",
            "--dir",
            str(tmp_path),
            "--kafka-port",
            "1",
            "--es-port",
            "2",
            "--es-nodes",
            "3",
        ],
    )
    assert result.exit_code == 1, result.output
    listed = json.loads(result.output)
    assert [s["name"] for s in listed] == [
        "kafka",
        "elasticsearch-1",
        "elasticsearch-2",
        "elasticsearch-3",
    ]
    assert not any(s["healthy"] for s in listed)


def test_down_stops_every_node_an_earlier_bigger_cluster_included(tmp_path: Path) -> None:
    sleep = shutil.which("sleep")
    assert sleep is not None
    # Stand-ins for the nodes: elasticsearch-3 is left from an earlier --es-nodes 3.
    pid_files = [tmp_path / f"elasticsearch-{n}" / "pid" for n in (1, 2, 3)]
    try:
        for pid_file in pid_files:
            pid_file.parent.mkdir()
            process.start([sleep, "600"], pid_file=pid_file, out_file=pid_file.parent / "out")
        pids = [process.read_pid(f) for f in pid_files]
        stopped = Stack(StackSettings(dir=tmp_path, es_nodes=2, kafka_port=1)).down()
        assert stopped == ["elasticsearch-1", "elasticsearch-2", "elasticsearch-3"]
        assert not any(process.alive(pid) for pid in pids)
        assert not any(f.exists() for f in pid_files)
    finally:
        process.stop_all(pid_files, timeout_s=5)
