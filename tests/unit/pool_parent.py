"""A worker stand-in for the pool tests: starts a pool, prints its pids, then waits.

``python -m tests.unit.pool_parent [--thread] [--exit]``: with ``--thread`` the pool
is started from a thread that then ends (so only the lifeline, not
PR_SET_PDEATHSIG, can take the processes down with this one); with ``--exit`` it
returns right after printing, without closing the pool (interpreter exit).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import threading

from streams.pool.pool import ProcessPool
from tests.unit import pool_tasks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--thread", action="store_true")
    parser.add_argument("--exit", action="store_true")
    args = parser.parse_args()
    pools: list[ProcessPool[tuple[str, str], str]] = []

    def start() -> None:
        pools.append(ProcessPool(args.processes, pool_tasks.task, initializer=pool_tasks.start))
        pools[0].warm_up(60)

    if args.thread:
        starter = threading.Thread(target=start)
        starter.start()
        starter.join()
    else:
        start()
    pool = pools[0]
    answers = asyncio.run(_ask(pool))
    sys.stdout.write(json.dumps({"pids": pool.pids(), "answers": answers}) + "\n")
    sys.stdout.flush()
    if args.exit:
        return
    sys.stdin.readline()  # until the test kills us, or closes our stdin
    pool.close()


async def _ask(pool: ProcessPool[tuple[str, str], str]) -> list[str]:
    return list(await asyncio.gather(*(pool.run(("pid", "")) for _ in range(4))))


if __name__ == "__main__":
    main()
