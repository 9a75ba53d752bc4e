"""The CLI: the offline enrich contract (with the real stock model), help shows env vars."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from streams.cli.main import cli

ARTICLE = {
    "id": "t1",
    "title": "Thủ tướng thăm Đà Nẵng",
    "content": "Chiều nay, ông Nguyễn Văn An đến thành phố Đà Nẵng làm việc.",
    "source": "Tin thử",
    "url": "https://tin.example/1",
}
REQUIRED = {
    "id",
    "language",
    "entities",
    "mentions",
    "persons",
    "locations",
    "organizations",
    "keywords",
    "sentiment",
    "category",
    "enriched_at",
    "pipeline_version",
}


def test_enrich_contract_order_and_invalid_lines() -> None:
    lines = [
        json.dumps(ARTICLE),
        "{not json",
        json.dumps({"title": "x"}),
        json.dumps({**ARTICLE, "id": "t2"}),
    ]
    result = CliRunner().invoke(cli, ["enrich"], input="\n".join(lines) + "\n")
    assert result.exit_code == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["t1", "t2"]
    first = out[0]
    assert first.keys() >= REQUIRED
    for key in ("title", "content", "source", "url"):
        assert first[key] == ARTICLE[key]
    assert first["language"] == "vi"
    assert "Đà Nẵng" in first["locations"]
    for m in first["mentions"]:
        assert first[m["field"]][m["start"] : m["end"]] == m["text"]
        assert m["type"] in ("PER", "LOC", "ORG")
    for e in first["entities"]:
        assert set(e) == {"text", "type", "count", "aliases"}
    assert "line 2: invalid JSON" in result.stderr
    assert "line 3: missing required field 'content'" in result.stderr


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            out.extend(_commands(command, f"{prefix}{name} "))
        else:
            out.append((prefix + name, command))
    return out


def test_every_flag_has_an_env_fallback_and_shows_its_default() -> None:
    for name, command in _commands(cli):
        for param in command.params:
            if not isinstance(param, click.Option):
                continue
            assert param.envvar and str(param.envvar).startswith("TINSTREAM_"), (name, param.name)
            assert param.show_envvar, (name, param.name)
            assert param.show_default or param.is_flag, (name, param.name)
        result = CliRunner().invoke(cli, [*name.split(), "--help"])
        assert result.exit_code == 0, name


def test_search_with_elasticsearch_down_says_so_in_one_line_without_tracebacks() -> None:
    import socket
    import subprocess
    import sys

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = subprocess.run(
        [sys.executable, "-m", "streams.cli", "search", "ha noi", "--es-url", f"http://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "failed" in lines[0], result.stderr


def test_search_output_names_the_filters_a_page_past_the_end_and_keeps_fragments_on_a_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from indexers.search import SearchHit, SearchRequest, SearchResult
    from streams.cli.search_cmd import _filters_said, print_result

    request = SearchRequest(locations=("Hà Nội",), sentiments=("negative",), page=2)
    fragments = {"content": ["dòng một\ndòng <em>hai</em>"]}
    hit = SearchHit("a1", 1.0, "Tiêu đề", None, highlight=fragments)
    print_result("", SearchResult(2, [hit], {}, page=2, size=10), _filters_said(request))
    out = capsys.readouterr().out
    first = out.splitlines()[0]
    assert first == (
        "2 article(s) match the filters (location=Hà Nội, sentiment=negative): "
        "page 2 is past the last page, 1"
    )
    assert "… dòng một dòng *hai* …" in out


def test_kibana_import_without_kibana_says_how_to_get_one_and_keeps_json() -> None:
    import json
    import socket
    import subprocess
    import sys

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    command = [sys.executable, "-m", "streams.cli", "kibana", "import", "--url", url]
    result = subprocess.run(
        [*command, "--wait", "0", "--json"], check=False, capture_output=True, text=True,
        timeout=60,
    )
    assert result.returncode == 1
    error = json.loads(result.stdout)["error"]
    assert "cannot reach Kibana" in error and "docker compose" in error


def test_train_ner_flags_default_to_the_training_options() -> None:
    """The CLI's defaults are TrainingOptions' own (one source of truth, checked here)."""
    from streams.cli.train_cmd import ner
    from training.ner import TrainingOptions

    defaults = {p.name: p.default for p in ner.params}
    options = TrainingOptions()
    assert defaults["folds"] == options.folds
    assert defaults["iterations"] == options.iterations
    assert defaults["l2"] == options.l2_penalty
    assert defaults["org_repeat"] == options.org_repeat
