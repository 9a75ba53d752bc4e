"""deploy/docker-compose.yml against the Compose specification's JSON schema.

No Docker on the test machines: the schema (vendored in tests/data/compose, with its
source and licence) is what ``docker compose config`` checks the file's shape with.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "tests" / "data" / "compose" / "compose-spec.json"
COMPOSE_FILES = sorted((ROOT / "deploy").glob("*compose*.yml"))


def _validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    # It declares draft-07 by a URL jsonschema does not recognise (no trailing "#").
    assert "draft-07" in schema["$schema"]
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def _errors(document: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
        for e in _validator().iter_errors(document)
    ]


def test_there_is_a_compose_file() -> None:
    assert [p.name for p in COMPOSE_FILES] == ["docker-compose.yml"]


@pytest.mark.parametrize("path", COMPOSE_FILES, ids=lambda p: p.name)
def test_compose_file_follows_the_compose_specification(path: Path) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert _errors(document) == []
    # What the file is for: the services the README and the Dockerfile speak of.
    assert {"kafka", "elasticsearch", "worker"} <= set(document["services"])


def test_the_schema_refuses_what_compose_refuses() -> None:
    """The check has teeth: a misspelt key and a wrong type are reported."""
    path = COMPOSE_FILES[0]
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    service = next(iter(document["services"]))
    document["services"][service]["restart_policy"] = "always"  # a deploy: key, not here
    document["services"][service]["ports"] = "19092:19092"  # must be a list
    errors = _errors(document)
    assert any("restart_policy" in e for e in errors), errors
    assert any(e.startswith(f"services/{service}/ports") for e in errors), errors
