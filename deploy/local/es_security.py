"""The secured local Elasticsearch's administration: its superuser, tinstream's API
key and the ``client.env`` file that hands the client settings over.

The superuser is ``elastic``, whose password Elasticsearch takes from its keystore's
``bootstrap.password`` (written from ``TINSTREAM_STACK_ES_PASSWORD`` through stdin,
never an argument). With it the stack creates one API key for tinstream (keys live
in the ``.security`` index, which needs ``deploy.local.es_plugin`` on this
distribution) with only what tinstream does: put its index templates and watch the
cluster (``monitor``, ``manage_index_templates``); create, write, manage (aliases,
blocks, migrations) and read its own indices and aliases. Nothing here puts a
secret into a message.
"""

from __future__ import annotations

import base64
import json
import shlex
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deploy.local.tls import write_private

SUPERUSER = "elastic"
KEY_NAME = "tinstream"
CLUSTER_PRIVILEGES = ("monitor", "manage_index_templates")
INDEX_PRIVILEGES = ("create_index", "manage", "write", "read", "view_index_metadata")


class AdminError(Exception):
    """A request to the secured node failed (status 0: no answer)."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


def client_role(
    index_patterns: list[str], index_privileges: tuple[str, ...] = INDEX_PRIVILEGES
) -> dict[str, Any]:
    """The role descriptor of tinstream's API key over these index patterns."""
    return {
        "cluster": list(CLUSTER_PRIVILEGES),
        "indices": [{"names": index_patterns, "privileges": list(index_privileges)}],
    }


@dataclass(frozen=True)
class Admin:
    """HTTPS requests to the node, trusting only the stack's CA; as ``elastic``, or
    with an API key."""

    url: str
    ca: Path
    password: str

    def request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        api_key: str | None = None,
        timeout_s: float = 10.0,
    ) -> dict[str, Any]:
        """The JSON answer; AdminError with the status and Elasticsearch's reason."""
        if api_key is not None:
            authorization = f"ApiKey {api_key}"
        else:
            token = base64.b64encode(f"{SUPERUSER}:{self.password}".encode()).decode()
            authorization = f"Basic {token}"
        request = urllib.request.Request(
            self.url.rstrip("/") + path,
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={"Authorization": authorization, "Content-Type": "application/json"},
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

    def create_key(
        self,
        index_patterns: list[str],
        *,
        name: str = KEY_NAME,
        index_privileges: tuple[str, ...] = INDEX_PRIVILEGES,
        expiration: str | None = None,
    ) -> dict[str, Any]:
        """A new API key (``id``, ``api_key``, ``encoded``) with tinstream's role."""
        role = client_role(index_patterns, index_privileges)
        body: dict[str, Any] = {"name": name, "role_descriptors": {name: role}}
        if expiration is not None:
            body["expiration"] = expiration
        return self.request("POST", "/_security/api_key", body)

    def authenticates(self, api_key: str) -> bool:
        """Whether the node takes this key now (False: refused, expired or unknown)."""
        try:
            self.request("GET", "/_security/_authenticate", api_key=api_key)
        except AdminError as exc:
            if exc.status in (401, 403):
                return False
            raise
        return True


def _reason(exc: urllib.error.HTTPError) -> str:
    try:
        error = json.load(exc).get("error", {})
    except (ValueError, OSError):
        return str(exc.reason)
    if isinstance(error, dict):
        return f"{error.get('type')}: {error.get('reason')}"
    return str(error)


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
