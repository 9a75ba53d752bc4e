"""The analysis plugin a secured node needs for API keys, and the node's own home.

Elasticsearch keeps API keys in its ``.security`` system index, whose settings use
the ``pattern_capture`` and ``unique`` token filters and the ``uax_url_email``
tokenizer of the ``analysis-common`` module; the integ-test-zip distribution (the
one on Maven Central) lacks that module, and creating a key fails with
``Unknown filter type [pattern_capture]``. ``es_analysis/SecurityIndexAnalysis.java``
provides the three through the stable plugin API, on Lucene's own classes that the
distribution ships. It is compiled here with the stack's JDK, once per version,
into the cache, and installed in a home of the secured node's own (links to the
distribution's ``bin``, ``lib`` and ``modules``, a ``plugins`` folder of its own),
so the shared distribution, which plain nodes run, stays untouched.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

from deploy.local.errors import StackError

NAME = "tinstream-security-analysis"
SOURCE = Path(__file__).with_name("es_analysis") / "SecurityIndexAnalysis.java"
_PACKAGE = "io.tinstream.esanalysis.SecurityIndexAnalysis"
# Extensible interface -> {component name: class}: what Elasticsearch's stable plugin
# registry reads instead of scanning the jar.
NAMED_COMPONENTS = {
    "org.elasticsearch.plugin.analysis.TokenFilterFactory": {
        "pattern_capture": f"{_PACKAGE}$PatternCapture",
        "unique": f"{_PACKAGE}$Unique",
    },
    "org.elasticsearch.plugin.analysis.TokenizerFactory": {
        "uax_url_email": f"{_PACKAGE}$UaxUrlEmail",
    },
}


def _jars(es_home: Path, *prefixes: str) -> list[Path]:
    jars = [j for j in sorted((es_home / "lib").glob("*.jar")) if j.name.startswith(prefixes)]
    if len(jars) < len(prefixes):
        raise StackError("elasticsearch", f"{es_home / 'lib'} lacks one of {prefixes}")
    return jars


def build_plugin(es_home: Path, java_home: Path, cache_dir: Path, es_version: str) -> Path:
    """The installed form of the plugin (a folder), built once per version."""
    out = cache_dir / f"{NAME}-{es_version}"
    done = out / ".complete"
    if done.exists():
        return out
    javac = java_home / "bin" / "javac"
    if not javac.exists():
        found = shutil.which("javac")
        if found is None:
            raise StackError(
                "elasticsearch",
                "--es-security builds a small analysis plugin and needs a JDK (javac); "
                "set TINSTREAM_STACK_JAVA_HOME to one",
            )
        javac = Path(found)
    shutil.rmtree(out, ignore_errors=True)
    classes = out / "classes"
    classes.mkdir(parents=True)
    classpath = _jars(
        es_home,
        "elasticsearch-plugin-api-",
        "elasticsearch-plugin-analysis-api-",
        "lucene-core-",
        "lucene-analysis-common-",
    )
    log = out / "javac.log"
    with log.open("wb") as handle:
        result = subprocess.run(
            [
                str(javac),
                "--release",
                "17",
                "-d",
                str(classes),
                "-cp",
                ":".join(str(j) for j in classpath),
                str(SOURCE),
            ],
            stdout=handle,
            stderr=subprocess.STDOUT,
            timeout=300,
            check=False,
        )
    if result.returncode != 0:
        raise StackError("elasticsearch", "compiling the security analysis plugin failed", log)
    with zipfile.ZipFile(out / f"{NAME}.jar", "w") as jar:
        for path in sorted(classes.rglob("*.class")):
            jar.write(path, path.relative_to(classes).as_posix())
    shutil.rmtree(classes)
    (out / "named_components.json").write_text(json.dumps(NAMED_COMPONENTS, indent=2) + "\n")
    (out / "stable-plugin-descriptor.properties").write_text(
        "\n".join(
            [
                "description=pattern_capture, unique and uax_url_email for the security index",
                "version=1",
                f"name={NAME}",
                "java.version=17",
                f"elasticsearch.version={es_version}",
                "",
            ]
        )
    )
    done.touch()
    return out


def node_home(es_home: Path, directory: Path, plugin: Path) -> Path:
    """A home for one node: the distribution's files by link, its own plugins."""
    home = directory / "home"
    home.mkdir(parents=True, exist_ok=True)
    for part in ("bin", "lib", "modules"):
        link = home / part
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(es_home / part, target_is_directory=True)
    plugins = home / "plugins"
    shutil.rmtree(plugins, ignore_errors=True)
    installed = plugins / NAME
    installed.mkdir(parents=True)
    for item in plugin.iterdir():
        if item.name != ".complete" and item.is_file() and not item.name.endswith(".log"):
            shutil.copy2(item, installed / item.name)
    return home
