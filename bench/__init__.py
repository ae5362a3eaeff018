"""Benchmarks: `python -m bench [name ...] [-- options]` runs each bench/bench_<name>.py main()."""
