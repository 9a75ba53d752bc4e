"""Fetch the stack's components from Maven Central into a cache outside the repository."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from deploy.local.errors import StackError

log = logging.getLogger(__name__)

POM = Path(__file__).with_name("pom.xml")
_NS = {"m": "http://maven.apache.org/POM/4.0.0"}


@dataclass(frozen=True, slots=True)
class Versions:
    kafka: str
    elasticsearch: str


def pinned_versions(pom: Path = POM) -> Versions:
    """The versions pinned in the pom, the single place they are written."""
    props = ET.parse(pom).getroot().find("m:properties", _NS)
    if props is None:
        raise StackError("maven", f"{pom} has no <properties>")

    def prop(name: str) -> str:
        node = props.find(f"m:{name}", _NS)
        if node is None or not (node.text or "").strip():
            raise StackError("maven", f"{pom} does not pin {name}")
        return (node.text or "").strip()

    return Versions(kafka=prop("kafka.version"), elasticsearch=prop("elasticsearch.version"))


def _mvn(args: list[str], component: str, log_file: Path) -> None:
    # Maven's own build output (plugin markers) beside the log, in the cache.
    build = log_file.parent / "maven-build"
    mvn = shutil.which("mvn")
    if mvn is None:
        raise StackError(component, "Maven (mvn) is not on PATH; it fetches the stack's jars")
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("wb") as out:
        result = subprocess.run(
            [mvn, "-B", "-q", "-f", str(POM), f"-Dtinstream.build.directory={build}", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    if result.returncode != 0:
        raise StackError(
            component, f"Maven failed to fetch it (exit {result.returncode})", log_file
        )


def fetch_kafka(cache_dir: Path, versions: Versions) -> Path:
    """The directory of Kafka's jars, fetched once per version."""
    libs = cache_dir / f"kafka-{versions.kafka}" / "libs"
    done = libs.parent / ".complete"
    if done.exists():
        return libs
    log.info("fetching Kafka %s with Maven into %s", versions.kafka, libs)
    tmp = libs.with_name("libs.partial")
    shutil.rmtree(tmp, ignore_errors=True)
    _mvn(
        [
            "dependency:copy-dependencies",
            "-DincludeScope=runtime",
            "-DincludeTypes=jar",
            f"-DoutputDirectory={tmp}",
        ],
        "kafka",
        cache_dir / "fetch-kafka.log",
    )
    shutil.rmtree(libs, ignore_errors=True)
    os.replace(tmp, libs)
    done.touch()
    return libs


def fetch_elasticsearch(cache_dir: Path, versions: Versions) -> Path:
    """The unpacked Elasticsearch home, fetched once per version."""
    root = cache_dir / f"elasticsearch-{versions.elasticsearch}"
    home = root / f"elasticsearch-{versions.elasticsearch}"
    done = root / ".complete"
    if done.exists():
        return home
    log.info("fetching Elasticsearch %s with Maven into %s", versions.elasticsearch, root)
    tmp = root.with_name(root.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    _mvn(
        ["dependency:unpack-dependencies", "-DincludeTypes=zip", f"-DoutputDirectory={tmp}"],
        "elasticsearch",
        cache_dir / "fetch-elasticsearch.log",
    )
    # Zip entries lose their execute bits on some unpackers.
    for script in (tmp / home.name / "bin").iterdir():
        if not script.name.endswith(".bat"):
            script.chmod(0o755)
    shutil.rmtree(root, ignore_errors=True)
    os.replace(tmp, root)
    done.touch()
    return home
