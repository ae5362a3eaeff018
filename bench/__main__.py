"""Run benchmarks: every bench/bench_<name>.py module exposes main() and prints its own figures.

    python -m bench                      # all of them
    python -m bench estimation           # one (the bench_ prefix is optional)
    python -m bench estimation -- --rows 100000 --no-r   # options after -- go to each main()
    python -m bench --list
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import bench


def available() -> list[str]:
    return sorted(
        module.name.removeprefix("bench_")
        for module in pkgutil.iter_modules(bench.__path__)
        if module.name.startswith("bench_")
    )


def run(argv: list[str]) -> int:
    names, passed_on = argv, []
    if "--" in argv:
        split = argv.index("--")
        names, passed_on = argv[:split], argv[split + 1 :]
    known = available()
    if "--list" in names:
        print("\n".join(known))
        return 0
    chosen = [name.removeprefix("bench_") for name in names] or known
    unknown = [name for name in chosen if name not in known]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(known)}", file=sys.stderr)
        return 2
    for name in chosen:
        module = importlib.import_module(f"bench.bench_{name}")
        sys.argv = [f"bench_{name}", *passed_on]
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        module.main()
        print(f"== {name} done in {time.perf_counter() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(run(sys.argv[1:]))
