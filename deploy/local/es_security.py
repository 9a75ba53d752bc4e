"""The secured local Elasticsearch's users: its superuser, tinstream's own user, and
the ``client.env`` file that hands the client settings over.

The superuser is ``elastic``, whose password Elasticsearch takes from its keystore's
``bootstrap.password`` (written from ``TINSTREAM_STACK_ES_PASSWORD`` through stdin,
never an argument).

tinstream's credentials are a user of the *file* realm, not an API key: API keys
live in the ``.security`` system index, whose analysis settings need the
``analysis-common`` module (``pattern_capture``, ``uax_url_email``), which the
integ-test-zip distribution on Maven Central does not carry; creating a key there
fails with ``Unknown filter type [pattern_capture]``. The file realm needs no index:
the user (``config/users``, a PBKDF2 hash), its role (``config/roles.yml``) and the
mapping (``config/users_roles``) are files the node reloads within seconds of a
change, so a password or a privilege can be changed while the node runs.

The role grants only what tinstream does: put its index templates and watch the
cluster (``monitor``, ``manage_index_templates``); create, write, manage (aliases,
blocks, migrations) and read its own indices and aliases. Nothing here puts a
secret into a message.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import shlex
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deploy.local.tls import write_private

SUPERUSER = "elastic"
CLIENT_USER = "tinstream"
CLUSTER_PRIVILEGES = ("monitor", "manage_index_templates")
INDEX_PRIVILEGES = ("create_index", "manage", "write", "read", "view_index_metadata")
# Elasticsearch's default for PBKDF2 hashes in the file realm.
_PBKDF2_ROUNDS = 10_000


class AdminError(Exception):
    """A request to the secured node failed (status 0: no answer)."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


def client_role(
    index_patterns: list[str], index_privileges: tuple[str, ...] = INDEX_PRIVILEGES
) -> dict[str, Any]:
    """The role descriptor of tinstream's user over these index patterns."""
    return {
        "cluster": list(CLUSTER_PRIVILEGES),
        "indices": [{"names": index_patterns, "privileges": list(index_privileges)}],
    }


def password_hash(password: str) -> str:
    """A file-realm hash Elasticsearch verifies: ``{PBKDF2}rounds$salt$key``
    (HMAC-SHA512, 32-byte salt and key, base64)."""
    salt = secrets.token_bytes(32)
    key = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, _PBKDF2_ROUNDS, 32)
    b64 = base64.b64encode
    return f"{{PBKDF2}}{_PBKDF2_ROUNDS}${b64(salt).decode()}${b64(key).decode()}"


@dataclass(frozen=True)
class FileRealm:
    """The node's file realm under its config directory (watched by the node)."""

    conf: Path

    def _read(self, name: str) -> dict[str, str]:
        path = self.conf / name
        if not path.exists():
            return {}
        lines = (line.partition(":") for line in path.read_text().splitlines())
        return {k.strip(): v.strip() for k, _, v in lines if k.strip() and not k.startswith("#")}

    def _roles(self) -> dict[str, Any]:
        path = self.conf / "roles.yml"
        text = path.read_text() if path.exists() else ""
        # The stack writes roles.yml as JSON (YAML's subset); anything else is replaced.
        try:
            roles = json.loads(text) if text.strip() else {}
        except ValueError:
            roles = {}
        return roles if isinstance(roles, dict) else {}

    def set_role(self, name: str, descriptor: dict[str, Any]) -> None:
        roles = {**self._roles(), name: descriptor}
        (self.conf / "roles.yml").write_text(json.dumps(roles, indent=2) + "\n")

    def set_user(self, name: str, password: str, roles: list[str]) -> None:
        users = {**self._read("users"), name: password_hash(password)}
        write_private(self.conf / "users", "".join(f"{u}:{h}\n" for u, h in users.items()))
        members: dict[str, list[str]] = {}
        for role, names in self._read("users_roles").items():
            members[role] = [u for u in names.split(",") if u and u != name]
        for role in roles:
            members.setdefault(role, []).append(name)
        write_private(
            self.conf / "users_roles",
            "".join(f"{r}:{','.join(u)}\n" for r, u in members.items() if u),
        )


@dataclass(frozen=True)
class Admin:
    """HTTPS requests to the node, trusting only the stack's CA; as ``elastic`` unless
    other credentials are given."""

    url: str
    ca: Path
    password: str

    def request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        user: tuple[str, str] | None = None,
        timeout_s: float = 10.0,
    ) -> dict[str, Any]:
        """The JSON answer; AdminError with the status and Elasticsearch's reason."""
        name, password = user or (SUPERUSER, self.password)
        token = base64.b64encode(f"{name}:{password}".encode()).decode()
        request = urllib.request.Request(
            self.url.rstrip("/") + path,
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"},
        )
        try:
            context = ssl.create_default_context(cafile=str(self.ca))
            with urllib.request.urlopen(request, timeout=timeout_s, context=context) as r:
                answer = json.load(r)
        except urllib.error.HTTPError as exc:
            raise AdminError(f"{method} {path}: {exc.code} {_reason(exc)}", exc.code) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise AdminError(f"{method} {path}: {exc}") from None
        return answer if isinstance(answer, dict) else {"answer": answer}

    def authenticates(self, user: tuple[str, str]) -> bool:
        """Whether the node takes these credentials now."""
        try:
            self.request("GET", "/_security/_authenticate", user=user)
        except AdminError as exc:
            if exc.status in (401, 403):
                return False
            raise
        return True

    def wait_authenticates(self, user: tuple[str, str], timeout_s: float = 30.0) -> bool:
        """Poll until the node takes them (it reloads its realm files every 5 s)."""
        deadline = time.monotonic() + timeout_s
        while not self.authenticates(user):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.5)
        return True


def _reason(exc: urllib.error.HTTPError) -> str:
    try:
        error = json.load(exc).get("error", {})
    except (ValueError, OSError):
        return str(exc.reason)
    if isinstance(error, dict):
        return f"{error.get('type')}: {error.get('reason')}"
    return str(error)


def new_password() -> str:
    return secrets.token_urlsafe(24)


def read_env_file(path: Path) -> dict[str, str]:
    """``KEY=value`` lines (values shell-quoted or not) as a dict; {} when absent."""
    if not path.exists():
        return {}
    out = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            words = shlex.split(value)
            out[key.strip()] = words[0] if words else ""
    return out


def write_env_file(path: Path, values: dict[str, str]) -> None:
    """``KEY=value`` lines a shell can source (``set -a; . file; set +a``), mode 600."""
    lines = ["# tinstream's client settings for the local stack: secret, mode 600"]
    lines += [f"{key}={shlex.quote(value)}" for key, value in values.items()]
    write_private(path, "\n".join(lines) + "\n")
