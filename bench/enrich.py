"""``python -m bench.enrich``: tinstream's enrichment against underthesea's NER, same articles.

In one run, on the same articles of the shared news corpus:

* ``underthesea``: ``underthesea.ner`` sentence by sentence (the baseline);
* ``tinstream x1``: the full enrichment (NER, topic, sentiment, keywords) in one process;
* ``tinstream x2``: the same over a pool of two processes, in batches.

Each runs in a fresh process so that its peak RSS is its own. The models are
loaded before the clock starts. Figures are articles per second of wall time;
the machines are shared, so compare the ratios, not the absolute numbers.

With ``--cpu-time``, only the baseline and ``tinstream x1`` run, and each also
reports the CPU seconds its process spent (``time.process_time``): on a loaded
machine the wall clock slows the two sides by different amounts, while the CPU
time each needs stays close to what it needs alone, so the CPU ratio is the fair
figure there. ``--repeat N`` runs the sides N times, interleaved, and keeps each
side's run with the least CPU time.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import re
import resource
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Any

from config import DataSettings

# The baseline tags sentence by sentence, as underthesea is used.
SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s+|\n+")


BATCH = 20


def load_articles(path: Path, limit: int) -> list[dict[str, Any]]:
    from training.common import read_jsonl

    # The corpus's categories are the publishers': dropped, so the topic model runs.
    fields = ("id", "title", "content")
    return [{f: r[f] for f in fields} for r in islice(read_jsonl(path), limit)]


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- workers (module level so that a spawned process can import them) ---

_ENRICHER: Any = None


def _init_enricher() -> None:
    global _ENRICHER  # noqa: PLW0603 - one enricher per pool process, built once
    from config import EnrichmentSettings
    from nlp import Enricher

    _ENRICHER = Enricher.with_models(EnrichmentSettings())
    _ENRICHER.warm_up()


def _enrich_batch(batch: list[dict[str, Any]]) -> tuple[int, float, float]:
    """Enriches a batch: its size, the peak RSS, and the CPU seconds it took."""
    from streams.records import RawArticle

    cpu = time.process_time()
    for article in batch:
        _ENRICHER.enrich(RawArticle.from_mapping(article))
    return len(batch), _peak_rss_mib(), time.process_time() - cpu


def run_tinstream(articles: list[dict[str, Any]], processes: int) -> dict[str, float]:
    batches = [articles[i : i + BATCH] for i in range(0, len(articles), BATCH)]
    if processes == 1:
        _init_enricher()
        start = time.perf_counter()
        cpu = time.process_time()
        for batch in batches:
            _enrich_batch(batch)
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu
        return {"seconds": elapsed, "cpu_seconds": cpu, "rss_mib": _peak_rss_mib()}
    context = mp.get_context("spawn")
    with ProcessPoolExecutor(processes, context, initializer=_init_enricher) as pool:
        # Every process loads its models before the clock starts.
        list(pool.map(_enrich_batch, [[]] * processes * 2))
        start = time.perf_counter()
        results = list(pool.map(_enrich_batch, batches))
        elapsed = time.perf_counter() - start
    return {
        "seconds": elapsed,
        "cpu_seconds": sum(cpu for _, _, cpu in results),  # all processes together
        "rss_mib": max(rss for _, rss, _ in results),
    }


def run_underthesea(articles: list[dict[str, Any]], processes: int) -> dict[str, float]:
    from underthesea import ner

    ner("Hà Nội")
    start = time.perf_counter()
    cpu = time.process_time()
    for article in articles:
        for text in [article["title"], *SENTENCE_BREAK.split(article["content"])]:
            if text.strip():
                ner(text)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu
    return {"seconds": elapsed, "cpu_seconds": cpu, "rss_mib": _peak_rss_mib()}


RUNS: dict[str, tuple[Callable[[list[dict[str, Any]], int], dict[str, float]], int]] = {
    "underthesea": (run_underthesea, 1),
    "tinstream x1": (run_tinstream, 1),
    "tinstream x2": (run_tinstream, 2),
}


def _child(name: str, data: Path, limit: int, queue: Any) -> None:
    articles = load_articles(data, limit)
    run, processes = RUNS[name]
    queue.put(run(articles, processes))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.enrich", description=__doc__)
    parser.add_argument(
        "--data",
        type=Path,
        default=DataSettings().data / "news" / "vntc-train.jsonl.gz",
        help="news articles, JSON lines (env TINSTREAM_SHARED_DATA; default %(default)s)",
    )
    parser.add_argument(
        "--articles",
        type=int,
        default=int(os.environ.get("TINSTREAM_BENCH_ARTICLES", "1000")),
        help="how many articles (env TINSTREAM_BENCH_ARTICLES; default %(default)s)",
    )
    parser.add_argument(
        "--cpu-time",
        action="store_true",
        default=os.environ.get("TINSTREAM_BENCH_CPU_TIME", "") not in ("", "0"),
        help="compare CPU seconds of underthesea and tinstream x1 only "
        "(env TINSTREAM_BENCH_CPU_TIME; default %(default)s)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=int(os.environ.get("TINSTREAM_BENCH_REPEAT", "1")),
        help="run every side this many times, interleaved, and keep each side's run "
        "with the least CPU time: a load spike then spoils one run, not the figure "
        "(env TINSTREAM_BENCH_REPEAT; default %(default)s)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    context = mp.get_context("spawn")
    results: dict[str, dict[str, float]] = {}
    names = ["underthesea", "tinstream x1"] if args.cpu_time else list(RUNS)
    for _ in range(args.repeat):
        for name in names:
            print(f"running {name} ...", file=sys.stderr, flush=True)
            queue = context.Queue()
            child = context.Process(target=_child, args=(name, args.data, args.articles, queue))
            child.start()
            result = queue.get()
            child.join()
            result["articles_per_s"] = args.articles / result["seconds"]
            if name not in results or result["cpu_seconds"] < results[name]["cpu_seconds"]:
                results[name] = result

    base = results["underthesea"]
    x1 = results["tinstream x1"]
    summary: dict[str, Any] = {
        "articles": args.articles,
        "repeat": args.repeat,
        "cpus": os.cpu_count(),
        "runs": results,
        "ratio_x1_vs_underthesea": x1["articles_per_s"] / base["articles_per_s"],
        # The same work in CPU seconds: what each side needs, whatever else runs.
        "cpu_ratio_x1_vs_underthesea": base["cpu_seconds"] / x1["cpu_seconds"],
    }
    if "tinstream x2" in results:
        summary["ratio_x2_vs_x1"] = results["tinstream x2"]["articles_per_s"] / x1["articles_per_s"]
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        best = f", least CPU time of {args.repeat} runs each" if args.repeat > 1 else ""
        print(f"{args.articles} articles of {args.data}, {os.cpu_count()} CPUs{best}")
        print(f"{'run':<14} {'articles/s':>10} {'seconds':>8} {'CPU s':>8} {'peak RSS MiB':>13}")
        for name, r in results.items():
            print(
                f"{name:<14} {r['articles_per_s']:>10.1f} {r['seconds']:>8.1f} "
                f"{r['cpu_seconds']:>8.1f} {r['rss_mib']:>13.0f}"
            )
        print(f"ratio tinstream x1 / underthesea NER: {summary['ratio_x1_vs_underthesea']:.2f}")
        print(
            "CPU-time ratio (underthesea CPU s / tinstream x1 CPU s): "
            f"{summary['cpu_ratio_x1_vs_underthesea']:.2f}"
        )
        if "ratio_x2_vs_x1" in summary:
            print(f"ratio tinstream x2 / tinstream x1:    {summary['ratio_x2_vs_x1']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
