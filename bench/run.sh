#!/usr/bin/env bash
# tcplife's benchmark: see bench/run.py.  Examples:
#   bench/run.sh --write        # full run (~30 min on 2 cores), regenerates BENCHMARKS.md
#   bench/run.sh --tiny         # smoke test on ~2k-packet captures (seconds)
exec /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/run.py" "$@"
