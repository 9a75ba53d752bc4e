"""``python -m bench.pipeline``: the whole pipeline against the bare NLP, same articles.

On a running stack (``tinstream stack up``), in one run, on the same vntc-train
articles:

a. the bare enrichment in a loop, in this process (the baseline);
b. the full pipeline (publish → enrich → index → searchable) with one worker
   process: every article published at once, the clock stopped when the last
   one is searchable;
c. the same with two worker processes in one consumer group;
d. latency from publish to searchable at a fixed publishing rate of half of
   (b)'s throughput, on the warm one-worker pipeline (p50, p95, p99), with
   Elasticsearch's default refresh interval (1 s) deciding "searchable";
e. the peak RSS of every worker.

It prints a table (``--json``: the JSON report), writes the JSON and two PNG plots
(throughput over time, latency distribution) under ``--out``, and ends with the
line ``RESULT ratio_pipeline_vs_bare=X p99_s=Y rss_mib=Z``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.corpus import VNTC, vntc_articles
from config import ElasticsearchSettings, EnrichmentSettings, KafkaSettings, Settings
from deploy.local.harness import HarnessError, PrivateRun
from indexers.client import make_client
from streams.kafka import ensure_topics, make_producer
from streams.records import RawArticle

PARTITIONS = 6
# BENCH_PROFILE="-m cProfile -o worker.prof" runs the workers under a profiler.
_PROFILE = os.environ.get("BENCH_PROFILE", "").split()


@dataclass
class PipelineRun:
    workers: int
    articles: int
    seconds: float
    articles_per_s: float
    peak_rss_mib: list[float]
    # (seconds since publishing began, articles searchable)
    progress: list[tuple[float, int]] = field(default_factory=list)


def run_bare(articles: list[dict[str, Any]]) -> float:
    from config import EnrichmentSettings
    from nlp import Enricher

    enricher = Enricher.with_models(EnrichmentSettings())
    enricher.warm_up()
    started = time.perf_counter()
    for article in articles:
        enricher.enrich(RawArticle.from_mapping(article))
    return len(articles) / (time.perf_counter() - started)


def _peak_rss_mib(pid: int) -> float:
    """Peak RSS of a process and its children (the enrichment processes), summed."""
    total = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            total += int(line.split()[1]) / 1024
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            total += _peak_rss_mib(int(child))
    return total


def stack_settings(bootstrap_servers: str, es_url: str) -> Settings:
    """The configured settings, pointed at the stack of the command line."""
    defaults = Settings()
    return defaults.model_copy(
        update={
            "kafka": defaults.kafka.model_copy(update={"bootstrap_servers": bootstrap_servers}),
            "elasticsearch": defaults.elasticsearch.model_copy(update={"url": es_url}),
        }
    )


class Pipeline:
    """A private pipeline: its own topics, alias, group and worker processes.

    Names, environment and processes come from the tests' harness
    (``deploy.local.harness.PrivateRun``). The topics exist once it is made; the
    workers run from :meth:`start`, so a benchmark can fill a topic first and time
    only the draining of it.
    """

    def __init__(self, settings: Settings, workers: int) -> None:
        self.data = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
        # The configured linger, no lag history: the pipeline as deployed, minus the
        # writes of a monitoring index that is not what is measured.
        self.run = PrivateRun(
            settings,
            self.data,
            purpose="bench",
            partitions=PARTITIONS,
            indexer_linger_s=None,
            lag_history=False,
            # The worker's configured processes (by default one per CPU), as deployed.
            enrich_processes=None,
        )
        self.count = workers
        self.topics = self.run.topics()
        self.alias = self.run.alias
        ensure_topics(settings.kafka, self.topics)
        self.kafka = settings.kafka
        self.es = make_client(settings.elasticsearch)

    def start(self) -> Pipeline:
        """Start the workers; return once every partition of the group is assigned."""
        try:
            for n in range(self.count):
                self.run.start_worker(
                    python_args=_PROFILE, TINSTREAM_WORKER_DATA_DIR=str(self.data / f"w{n}")
                )
            self.run.wait_all_assigned()
        except HarnessError as exc:
            self.run.stop()
            raise SystemExit(f"{exc}\n(see {self.data})") from exc
        return self

    def producer(self) -> Any:
        return make_producer(self.kafka)

    def searchable(self, ids: list[str] | None = None) -> int:
        try:
            if ids is None:
                return int(self.es.count(index=self.alias)["count"])
            return int(self.es.count(index=self.alias, query={"ids": {"values": ids}})["count"])
        except Exception:  # noqa: BLE001 - the index appears with the first document
            return 0

    def visible(self, ids: list[str]) -> set[str]:
        response = self.es.search(
            index=self.alias, query={"ids": {"values": ids}}, size=len(ids), source=False
        )
        return {h["_id"] for h in response["hits"]["hits"]}

    def close(self) -> list[float]:
        rss = [_peak_rss_mib(proc.pid) for proc, _ in self.run.workers]
        self.run.stop(timeout_s=60)
        for index in self.es.indices.get(index=f"{self.alias}-v*", allow_no_indices=True):
            self.es.indices.delete(index=index)
        self.es.options(ignore_status=404).indices.delete_index_template(name=self.alias)
        self.es.close()
        return rss


def run_throughput(pipeline: Pipeline, articles: list[dict[str, Any]], workers: int) -> PipelineRun:
    producer = pipeline.producer()
    started = time.monotonic()
    for article in articles:
        raw = RawArticle.from_mapping(article)
        producer.send(pipeline.topics.raw, key=raw.id.encode(), value=raw.to_bytes())
    producer.flush(timeout=120)
    producer.close()
    progress: list[tuple[float, int]] = []
    deadline = started + 1800
    while True:
        done = pipeline.searchable()
        progress.append((round(time.monotonic() - started, 2), done))
        if done >= len(articles):
            break
        if time.monotonic() > deadline:
            raise SystemExit(f"only {done}/{len(articles)} searchable; see {pipeline.data}")
        time.sleep(0.25)  # polling interval of the deadline loop
    seconds = progress[-1][0]
    return PipelineRun(workers, len(articles), seconds, len(articles) / seconds, [], progress)


def run_latency(pipeline: Pipeline, articles: list[dict[str, Any]], rate: float) -> list[float]:
    """Publish at ``rate`` articles/s; each article's publish-to-searchable seconds."""
    producer = pipeline.producer()
    published: dict[str, float] = {}
    seen: dict[str, float] = {}
    started = time.monotonic()
    last_poll = 0.0
    for n, article in enumerate(articles):
        raw = RawArticle.from_mapping({**article, "id": f"{article['id']}-latency"})
        # Paced publishing: the n-th article leaves at n / rate seconds.
        while time.monotonic() < started + n / rate:
            if time.monotonic() - last_poll > 0.05:
                last_poll = time.monotonic()
                _poll(pipeline, published, seen)
            time.sleep(0.002)  # pacing of the publisher itself
        published[raw.id] = time.monotonic()
        producer.send(pipeline.topics.raw, key=raw.id.encode(), value=raw.to_bytes())
        producer.flush()
    producer.close()
    deadline = time.monotonic() + 120
    while len(seen) < len(published) and time.monotonic() < deadline:
        _poll(pipeline, published, seen)
        time.sleep(0.05)  # polling interval of the deadline loop
    return [seen[i] - published[i] for i in published if i in seen]


def _poll(pipeline: Pipeline, published: dict[str, float], seen: dict[str, float]) -> None:
    pending = [i for i in published if i not in seen]
    if not pending:
        return
    now = time.monotonic()
    for found in pipeline.visible(pending[:500]):
        seen[found] = now


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _plots(out: Path, runs: list[PipelineRun], latencies: list[float], bare: float) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5))
    for run in runs:
        ax.plot(*zip(*run.progress, strict=True), label=f"{run.workers} worker(s)")
    ax.set_xlabel("seconds since publishing began")
    ax.set_ylabel("articles searchable")
    ax.set_title(f"Throughput (bare enrichment: {bare:.1f} articles/s)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "throughput.png", dpi=100)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.hist(latencies, bins=40)
    for q, style in ((0.5, "--"), (0.95, "-."), (0.99, ":")):
        ax.axvline(_percentile(latencies, q), linestyle=style, color="k", label=f"p{int(q * 100)}")
    ax.set_xlabel("publish to searchable, seconds")
    ax.set_ylabel("articles")
    ax.set_title("Latency at half capacity, one worker")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "latency.png", dpi=100)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pipeline", description=__doc__)
    parser.add_argument("--es-url", default=ElasticsearchSettings().url)
    parser.add_argument("--bootstrap-servers", default=KafkaSettings().bootstrap_servers)
    parser.add_argument("--data", type=Path, default=VNTC)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--latency-articles", type=int, default=600)
    parser.add_argument("--out", type=Path, default=Path("bench/results/pipeline"))
    parser.add_argument("--json", action="store_true", help="print the JSON report, not a table")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    settings = stack_settings(args.bootstrap_servers, args.es_url)

    articles = vntc_articles(args.data, args.articles)
    print(f"(a) bare enrichment of {len(articles)} articles ...", file=sys.stderr)
    bare = run_bare(articles)
    runs: list[PipelineRun] = []
    latencies: list[float] = []
    rate = 0.0
    for workers in (1, 2):
        print(
            f"({'b' if workers == 1 else 'c'}) pipeline, {workers} worker(s) ...", file=sys.stderr
        )
        pipeline = Pipeline(settings, workers).start()
        try:
            run = run_throughput(pipeline, articles, workers)
            if workers == 1:
                rate = run.articles_per_s / 2
                print(f"(d) latency at {rate:.1f} articles/s ...", file=sys.stderr)
                latencies = run_latency(pipeline, articles[: args.latency_articles], rate)
        finally:
            run.peak_rss_mib = pipeline.close()
        runs.append(run)

    one, two = runs
    report: dict[str, Any] = {
        "articles": len(articles),
        # Per worker, as its settings resolve here (the bare loop is always one).
        "enrich_processes": EnrichmentSettings().process_count,
        "bare_articles_per_s": round(bare, 2),
        "runs": [asdict(r) for r in runs],
        "latency": {
            "rate_articles_per_s": round(rate, 2),
            "articles": len(latencies),
            "p50_s": round(_percentile(latencies, 0.5), 3),
            "p95_s": round(_percentile(latencies, 0.95), 3),
            "p99_s": round(_percentile(latencies, 0.99), 3),
            "mean_s": round(statistics.fmean(latencies), 3),
        },
        "ratio_pipeline_vs_bare": round(one.articles_per_s / bare, 3),
        "ratio_two_vs_one_worker": round(two.articles_per_s / one.articles_per_s, 3),
        "peak_rss_mib": round(max(r for run in runs for r in run.peak_rss_mib), 1),
    }
    (args.out / "pipeline.json").write_text(json.dumps(report, indent=2))
    _plots(args.out, runs, latencies, bare)

    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _table(report, bare, one, two, args.out)
    lat = report["latency"]
    print(
        f"RESULT ratio_pipeline_vs_bare={report['ratio_pipeline_vs_bare']} "
        f"p99_s={lat['p99_s']} rss_mib={report['peak_rss_mib']}"
    )
    return 0


def _table(
    report: dict[str, Any], bare: float, one: PipelineRun, two: PipelineRun, out: Path
) -> None:
    print(
        f"{report['articles']} vntc-train articles; "
        f"{report['enrich_processes']} enrichment process(es) per worker"
    )
    print(f"{'run':<28} {'articles/s':>10} {'seconds':>8} {'peak RSS MiB':>13}")
    print(f"{'(a) bare enrichment':<28} {bare:10.1f}")
    for run, label in ((one, "(b) pipeline, 1 worker"), (two, "(c) pipeline, 2 workers")):
        rss = "/".join(f"{r:.0f}" for r in run.peak_rss_mib)
        print(f"{label:<28} {run.articles_per_s:10.1f} {run.seconds:8.1f} {rss:>13}")
    lat = report["latency"]
    print(
        f"(d) latency at {lat['rate_articles_per_s']} articles/s ({lat['articles']} articles): "
        f"p50 {lat['p50_s']}s  p95 {lat['p95_s']}s  p99 {lat['p99_s']}s"
    )
    ratio, scaling = report["ratio_pipeline_vs_bare"], report["ratio_two_vs_one_worker"]
    print(f"ratio (b)/(a) {ratio}; (c)/(b) {scaling}")
    print(f"wrote {out / 'pipeline.json'}, throughput.png, latency.png")


if __name__ == "__main__":
    sys.exit(main())
