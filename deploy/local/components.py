"""The two services of the local stack: how each is configured, started and checked."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from config import StackSettings
from deploy.local import process
from deploy.local.errors import StackError
from deploy.local.es_plugin import build_plugin, node_home
from deploy.local.es_security import Admin, AdminError, read_env_file, write_env_file
from deploy.local.tls import ensure_tls, split_keystore, write_private

# Kafka 4 brokers and Elasticsearch 8.x both need Java 17 or newer.
MIN_JAVA = 17
# The stack's SASL mechanism with --security sasl_ssl.
SASL_MECHANISM = "SCRAM-SHA-512"


@dataclass(frozen=True, slots=True)
class Health:
    ok: bool
    detail: str


class Component:
    """A service run as a background process group with files under ``.stack/NAME``."""

    name = "component"

    def __init__(self, settings: StackSettings) -> None:
        self.settings = settings
        self.dir = settings.dir.resolve() / self.name
        self.pid_file = self.dir / "pid"
        self.out_file = self.dir / "console.log"

    @property
    def log_file(self) -> Path:
        return self.out_file

    def pid(self) -> int | None:
        pid = process.read_pid(self.pid_file)
        return pid if process.alive(pid) else None

    def health(self) -> Health:
        raise NotImplementedError

    def start(self, java_home: Path, home: Path) -> None:
        raise NotImplementedError

    def stop(self) -> bool:
        return process.stop(self.pid_file)


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(1.0)
        return s.connect_ex(("127.0.0.1", port)) == 0


class KafkaBroker(Component):
    """One node of a KRaft Kafka cluster, broker and controller in one process.

    With one node the quorum is bootstrapped ``--standalone``; with several, every
    node is a voter (a static quorum), so the cluster keeps a controller majority
    with one node down, and the topics' replication defaults to 3 (or the number
    of nodes) with ``min.insync.replicas`` 2.
    """

    name = "kafka"

    def __init__(self, settings: StackSettings, node_id: int = 1) -> None:
        self.node_id = node_id
        self.nodes = settings.kafka_brokers
        if self.nodes > 1:
            self.name = f"kafka-{node_id}"
        super().__init__(settings)
        self.port = settings.kafka_port + 2 * (node_id - 1)
        self.controller_port = settings.kafka_controller_port + 2 * (node_id - 1)
        # Shared by every node of one cluster; set by the Stack before start().
        self.cluster_id = ""

    @property
    def log_file(self) -> Path:
        return self.dir / "logs" / "server.log"

    def _quorum(self) -> str:
        s = self.settings
        if self.nodes == 1:
            return f"controller.quorum.bootstrap.servers=127.0.0.1:{self.controller_port}"
        voters = ",".join(
            f"{n}@127.0.0.1:{s.kafka_controller_port + 2 * (n - 1)}"
            for n in range(1, self.nodes + 1)
        )
        return f"controller.quorum.voters={voters}"

    @property
    def secured(self) -> bool:
        return self.settings.kafka_security == "sasl_ssl"

    def _password(self) -> str:
        secret = self.settings.kafka_sasl_password
        if secret is None or not secret.get_secret_value():
            raise StackError(
                self.name, "--security sasl_ssl needs TINSTREAM_STACK_KAFKA_SASL_PASSWORD"
            )
        password = secret.get_secret_value()
        # Both are written into a JAAS line and a --add-scram argument, which do not quote.
        for what, value in (
            ("username", self.settings.kafka_sasl_username),
            ("password", password),
        ):
            if not value or any(c in value for c in '"\\,[]=') or any(c.isspace() for c in value):
                raise StackError(
                    self.name,
                    f"the SASL {what} must be non-empty, without quotes, backslashes, "
                    "commas, brackets, '=' or spaces",
                )
        return password

    def _listeners(self) -> list[str]:
        controller = f"CONTROLLER://127.0.0.1:{self.controller_port}"
        if not self.secured:
            return [
                f"listeners=PLAINTEXT://127.0.0.1:{self.port},{controller}",
                f"advertised.listeners=PLAINTEXT://127.0.0.1:{self.port}",
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
            ]
        tls = ensure_tls(self.tls_dir)
        user = self.settings.kafka_sasl_username
        return [
            # Clients and brokers: SCRAM over TLS only. The controller listener (KRaft
            # voters among themselves) stays on loopback in plain text.
            f"listeners=SASL_SSL://127.0.0.1:{self.port},{controller}",
            f"advertised.listeners=SASL_SSL://127.0.0.1:{self.port}",
            "controller.listener.names=CONTROLLER",
            "listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT",
            "inter.broker.listener.name=SASL_SSL",
            f"sasl.enabled.mechanisms={SASL_MECHANISM}",
            f"sasl.mechanism.inter.broker.protocol={SASL_MECHANISM}",
            "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config="
            "org.apache.kafka.common.security.scram.ScramLoginModule required "
            f'username="{user}" password="{self._password()}";',
            "ssl.keystore.type=PEM",
            f"ssl.keystore.location={tls.broker}",
            "ssl.truststore.type=PEM",
            f"ssl.truststore.location={tls.ca}",
        ]

    @property
    def tls_dir(self) -> Path:
        """The CA and certificate every node of the stack shares."""
        return self.settings.dir.resolve() / "tls"

    def client_options(self) -> dict[str, Any]:
        """kafka-python options for a client of this node."""
        options: dict[str, Any] = {"bootstrap_servers": f"127.0.0.1:{self.port}"}
        if self.secured:
            options |= {
                "security_protocol": "SASL_SSL",
                "ssl_cafile": str(self.tls_dir / "ca.pem"),
                "sasl_mechanism": SASL_MECHANISM,
                "sasl_plain_username": self.settings.kafka_sasl_username,
                "sasl_plain_password": self._password(),
            }
        return options

    def _write_config(self) -> Path:
        data = self.dir / "data"
        logs = self.dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        properties = self.dir / "server.properties"
        # acks=all then survives one node down, and a write is on two nodes at least.
        replicas, min_isr = min(3, self.nodes), min(2, self.nodes)
        # With SASL the file holds the broker's password: its owner's only.
        write_private(
            properties,
            "\n".join(
                [
                    "process.roles=broker,controller",
                    f"node.id={self.node_id}",
                    self._quorum(),
                    *self._listeners(),
                    f"log.dirs={data}",
                    "num.partitions=1",
                    # Topics come from tinstream with the partitions it was asked for;
                    # a typo in a topic name must not create a topic silently.
                    "auto.create.topics.enable=false",
                    f"default.replication.factor={replicas}",
                    f"min.insync.replicas={min_isr}",
                    f"offsets.topic.replication.factor={replicas}",
                    f"transaction.state.log.replication.factor={replicas}",
                    f"transaction.state.log.min.isr={min_isr}",
                    f"share.coordinator.state.topic.replication.factor={replicas}",
                    f"share.coordinator.state.topic.min.isr={min_isr}",
                    "group.initial.rebalance.delay.ms=0",
                    f"message.max.bytes={16 * 1024 * 1024 + 1024}",
                    "",
                ]
            ),
        )
        (self.dir / "log4j2.properties").write_text(
            "\n".join(
                [
                    "status = warn",
                    "appender.file.type = RollingFile",
                    "appender.file.name = file",
                    f"appender.file.fileName = {logs}/server.log",
                    f"appender.file.filePattern = {logs}/server.log.%i",
                    "appender.file.layout.type = PatternLayout",
                    "appender.file.layout.pattern = [%d] %p %m (%c)%n",
                    "appender.file.policies.type = Policies",
                    "appender.file.policies.size.type = SizeBasedTriggeringPolicy",
                    "appender.file.policies.size.size = 50MB",
                    "appender.file.strategy.type = DefaultRolloverStrategy",
                    "appender.file.strategy.max = 3",
                    "rootLogger.level = INFO",
                    "rootLogger.appenderRef.file.ref = file",
                    "logger.kafka.name = kafka",
                    "logger.kafka.level = INFO",
                    "logger.apache.name = org.apache.kafka",
                    "logger.apache.level = INFO",
                    "",
                ]
            )
        )
        return properties

    def _java(self, java_home: Path, libs: Path, *args: str) -> list[str]:
        return [
            str(java_home / "bin" / "java"),
            f"-Xms{self.settings.kafka_heap}",
            f"-Xmx{self.settings.kafka_heap}",
            "-XX:+UseG1GC",
            f"-Dlog4j2.configurationFile={self.dir / 'log4j2.properties'}",
            "-cp",
            f"{libs}/*",
            *args,
        ]

    def start(self, java_home: Path, home: Path) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        properties = self._write_config()
        if not (self.dir / "data" / "meta.properties").exists():
            # A new log directory: format it for this node's KRaft quorum.
            cid = self.cluster_id or new_cluster_id()
            fmt = self.dir / "format.log"
            args = ["format", "-t", cid, "-c", str(properties)]
            if self.nodes == 1:
                args.append("--standalone")
            if self.secured:
                # KRaft creates SCRAM users with the cluster: no client can reach a
                # SASL-only listener to create the first. (The argument is visible
                # to this machine's `ps` while the formatting runs, a few seconds.)
                user = self.settings.kafka_sasl_username
                args += [
                    "--add-scram",
                    f"{SASL_MECHANISM}=[name={user},password={self._password()}]",
                ]
            result = _run(self._java(java_home, home, "kafka.tools.StorageTool", *args), fmt)
            if result != 0:
                raise StackError("kafka", "formatting the KRaft log directory failed", fmt)
        process.start(
            self._java(java_home, home, "kafka.Kafka", str(properties)),
            pid_file=self.pid_file,
            out_file=self.out_file,
        )

    def health(self) -> Health:
        port = self.port
        if not _port_open(port):
            return Health(False, f"nothing listens on 127.0.0.1:{port}")
        try:
            admin = KafkaAdminClient(
                **self.client_options(),
                request_timeout_ms=5000,
                # A port held by something that is not Kafka must not stall `up` for 30 s.
                bootstrap_timeout_ms=5000,
                client_id="tinstream-stack",
            )
            try:
                cluster = admin.describe_cluster()
            finally:
                admin.close()
        except (KafkaError, OSError, ValueError) as exc:
            return Health(False, f"no metadata from 127.0.0.1:{port}: {exc}")
        brokers = len(cluster.get("brokers", []))
        return Health(
            brokers > 0, f"{brokers} broker(s), controller {cluster.get('controller_id')}"
        )


def new_cluster_id() -> str:
    """A KRaft cluster id: 16 random bytes, URL-safe base64 without padding.

    Never one that starts with "-" (1 in 64): kafka-storage would read it as an
    option and refuse to format. Kafka's own Uuid.randomUuid() skips those too."""
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cid.startswith("-"):
            return cid


def _run(argv: list[str], log_file: Path) -> int:
    with log_file.open("wb") as out:
        return subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT, check=False).returncode


class ElasticsearchNode(Component):
    """One Elasticsearch node on loopback: security off, or, with ``es_security``,
    HTTPS with the stack's CA, the superuser ``elastic`` and an API key for
    tinstream (see deploy.local.es_security and es_plugin).

    With one node (``es_nodes`` 1) it runs with single-node discovery. With 2 or 3,
    each node has its own directory (config, data, logs) beside the others and the
    same distribution; they discover each other on their transport ports, and every
    node is master-eligible and holds data (the default roles), so that 3 nodes keep
    a master quorum, and an index with a replica all its shards, with one node down.
    """

    name = "elasticsearch"

    def __init__(self, settings: StackSettings, node_id: int = 1) -> None:
        self.node_id = node_id
        self.nodes = settings.es_nodes
        if self.nodes > 1:
            self.name = f"elasticsearch-{node_id}"
        super().__init__(settings)
        self.port = settings.es_port + node_id - 1
        self.transport_port = settings.es_transport_port + node_id - 1

    @property
    def node_name(self) -> str:
        """The node's name in the cluster (what _cat/shards shows)."""
        return "tinstream-local" if self.nodes == 1 else f"tinstream-local-{self.node_id}"

    @property
    def log_file(self) -> Path:
        # Elasticsearch names its log after the cluster, which every node shares.
        return self.dir / "logs" / "tinstream-local.log"

    @property
    def secured(self) -> bool:
        return self.settings.es_security

    @property
    def url(self) -> str:
        scheme = "https" if self.secured else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    def _discovery(self) -> list[str]:
        if self.nodes == 1:
            return ["discovery.type: single-node"]
        s = self.settings
        seeds = ", ".join(f'"127.0.0.1:{s.es_transport_port + n}"' for n in range(self.nodes))
        masters = ", ".join(f'"tinstream-local-{n}"' for n in range(1, self.nodes + 1))
        return [
            f"discovery.seed_hosts: [{seeds}]",
            # Read when the cluster first forms only (later starts join the cluster
            # their data directory already belongs to).
            f"cluster.initial_master_nodes: [{masters}]",
        ]

    @property
    def tls_dir(self) -> Path:
        """The CA and node certificate the whole stack shares (Kafka's too)."""
        return self.settings.dir.resolve() / "tls"

    @property
    def client_env_file(self) -> Path:
        return self.settings.dir.resolve() / "client.env"

    def _password(self) -> str:
        secret = self.settings.es_password
        if secret is None or len(secret.get_secret_value()) < 6:
            # Elasticsearch refuses a bootstrap password shorter than 6 characters.
            raise StackError(
                self.name,
                "--es-security needs TINSTREAM_STACK_ES_PASSWORD, 6 characters or more",
            )
        return secret.get_secret_value()

    def admin(self) -> Admin:
        return Admin(self.url, self.tls_dir / "ca.pem", self._password())

    def _security_config(self, conf: Path) -> list[str]:
        if not self.secured:
            return ["xpack.security.enabled: false"]
        # Elasticsearch reads key material from its config directory only.
        key, chain = split_keystore(ensure_tls(self.tls_dir))
        certs = conf / "certs"
        certs.mkdir(exist_ok=True)
        write_private(certs / "node-key.pem", key)
        (certs / "node-chain.pem").write_bytes(chain)
        (certs / "ca.pem").write_bytes((self.tls_dir / "ca.pem").read_bytes())
        return [
            "xpack.security.enabled: true",
            "xpack.security.http.ssl.enabled: true",
            "xpack.security.http.ssl.key: certs/node-key.pem",
            "xpack.security.http.ssl.certificate: certs/node-chain.pem",
            "xpack.security.http.ssl.certificate_authorities: certs/ca.pem",
            # One node on loopback: no transport TLS to set up (single-node discovery).
            "xpack.security.transport.ssl.enabled: false",
            "xpack.security.authc.api_key.enabled: true",
        ]

    def _write_config(self, home: Path) -> Path:
        s = self.settings
        if self.secured and self.nodes > 1:
            # Several nodes with security need TLS between them too, which the stack
            # does not set up: a secured stack has one node.
            raise StackError(self.name, "--es-security runs one node: use --es-nodes 1")
        conf = self.dir / "config"
        if not conf.exists():
            shutil.copytree(home / "config", conf)
        (self.dir / "data").mkdir(parents=True, exist_ok=True)
        (self.dir / "logs").mkdir(parents=True, exist_ok=True)
        (conf / "elasticsearch.yml").write_text(
            "\n".join(
                [
                    "cluster.name: tinstream-local",
                    f"node.name: {self.node_name}",
                    *self._discovery(),
                    f"path.data: {self.dir / 'data'}",
                    f"path.logs: {self.dir / 'logs'}",
                    "network.host: 127.0.0.1",
                    f"http.port: {self.port}",
                    f"transport.port: {self.transport_port}",
                    *self._security_config(conf),
                    # A nearly full disk on a shared machine must not turn indices read-only.
                    "cluster.routing.allocation.disk.threshold_enabled: false",
                    "",
                ]
            )
        )
        options = conf / "jvm.options.d"
        options.mkdir(exist_ok=True)
        (options / "heap.options").write_text(f"-Xms{s.es_heap}\n-Xmx{s.es_heap}\n")
        return conf

    def _write_keystore(self, home: Path, env: dict[str, str]) -> None:
        """The superuser's password as the keystore's ``bootstrap.password``, given on
        stdin (never an argument another user's ``ps`` could show)."""
        keystore = Path(env["ES_PATH_CONF"]) / "elasticsearch.keystore"
        keystore.unlink(missing_ok=True)
        tool = str(home / "bin" / "elasticsearch-keystore")
        log = self.dir / "keystore.log"
        with log.open("wb") as out:
            for args, given in (
                (["create"], b""),
                (["add", "--stdin", "bootstrap.password"], self._password().encode()),
            ):
                done = subprocess.run(
                    [tool, *args],
                    input=given,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    env=env,
                    timeout=120,
                    check=False,
                )
                if done.returncode != 0:
                    raise StackError(self.name, f"elasticsearch-keystore {args[0]} failed", log)
        os.chmod(keystore, 0o600)

    def start(self, java_home: Path, home: Path) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        conf = self._write_config(home)
        env = {
            **os.environ,
            "ES_JAVA_HOME": str(java_home),
            "ES_PATH_CONF": str(conf),
            "ES_JAVA_OPTS": "",
        }
        env.pop("JAVA_HOME", None)
        if self.secured:
            # API keys need the security index, which needs this plugin (es_plugin).
            version = home.name.removeprefix("elasticsearch-")
            plugin = build_plugin(home, java_home, self.settings.cache_dir, version)
            home = node_home(home, self.dir, plugin)
            self._write_keystore(home, env)
        argv = [str(home / "bin" / "elasticsearch"), "-p", str(self.dir / "server.pid")]
        if os.geteuid() == 0:
            # Elasticsearch refuses to run as root. In a user namespace it sees an
            # ordinary uid while the files it uses stay ours, wherever they live.
            unshare = shutil.which("unshare")
            if unshare is None:
                raise StackError("elasticsearch", "running as root needs util-linux unshare")
            argv = [unshare, "--user", "--map-user=1000", "--map-group=1000", *argv]
        process.start(argv, pid_file=self.pid_file, out_file=self.out_file, env=env)

    def health(self) -> Health:
        if self.secured:
            try:
                body = self.admin().request("GET", "/_cluster/health", timeout_s=5)
            except AdminError as exc:
                if exc.status == 401:
                    return Health(False, "the node refused TINSTREAM_STACK_ES_PASSWORD")
                return Health(False, f"no answer from {self.url}: {exc}")
        else:
            url = f"{self.url}/_cluster/health"
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    body = json.load(response)
            except (urllib.error.URLError, OSError, ValueError) as exc:
                return Health(False, f"no answer from {url}: {exc}")
        status = body.get("status")
        return Health(status in ("yellow", "green"), f"cluster health {status}")

    def client_env(self) -> dict[str, str]:
        """The non-secret client settings of this node."""
        env = {"TINSTREAM_ES_URL": self.url}
        if self.secured:
            env["TINSTREAM_ES_CA_CERTS"] = str(self.tls_dir / "ca.pem")
        return env

    def ensure_client_env(self) -> Path:
        """``client.env`` with the URL, the CA and an API key for tinstream: the key
        already there if the node still takes it, else a new one."""
        admin = self.admin()
        path = self.client_env_file
        key = read_env_file(path).get("TINSTREAM_ES_API_KEY")
        try:
            if not key or not admin.authenticates(key):
                patterns = [p.strip() for p in self.settings.es_client_indices.split(",")]
                key = str(admin.create_key([p for p in patterns if p])["encoded"])
        except AdminError as exc:
            raise StackError(self.name, f"cannot create tinstream's API key: {exc}") from None
        write_env_file(path, {**self.client_env(), "TINSTREAM_ES_API_KEY": key})
        return path
