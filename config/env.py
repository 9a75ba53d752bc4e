"""Settings back into environment variables: the one way a subprocess gets them.

A worker, a publisher or a test's CLI call is configured the way a user configures
it, through ``TINSTREAM_*`` variables. ``to_env`` writes those variables from
settings objects, with each class's own prefix and field names, so the names are
never spelled out twice (``tests/unit/test_env.py`` checks that reading them back
gives the same settings). Secrets are written as they are: the result is for a
child process's environment, never for a log.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from pydantic_settings import BaseSettings


def _text(value: Any) -> str:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Path):
        return str(value)
    return str(value)


def to_env(*settings: BaseSettings) -> dict[str, str]:
    """``TINSTREAM_*`` variables that reproduce these settings (fields that are None
    are left out, so the default, None, applies)."""
    env: dict[str, str] = {}
    for item in settings:
        prefix = str(item.model_config.get("env_prefix", ""))
        for name in type(item).model_fields:
            value = getattr(item, name)
            if value is None or isinstance(value, BaseSettings):
                continue
            env[f"{prefix}{name}".upper()] = _text(value)
    return env
