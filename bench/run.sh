#!/usr/bin/env bash
# tcplife's benchmark: see bench/run.py.  Examples:
#   bench/run.sh --quick        # instruction counts of every comparison (< 10 min); JSON in /var/tmp/tcplife-bench
#   bench/run.sh                # full run (~25-30 min on 2 cores); JSON in /var/tmp/tcplife-bench/results-<ver>.json
#   bench/run.sh --combine results-4.0.json results-4.6.json --write
#                               # BENCHMARKS.md, the two Wireshark versions side by side
#   bench/run.sh --tiny         # smoke test on ~2k-packet captures (seconds)
# Wireshark 4.6 (tests/matrix's sid chroot; /src is read-only there, the JSON goes to /var/tmp):
#   tests/matrix/run-matrix.sh sid -- bash -c 'cmake -S /src -B /tmp/bench-build -DCMAKE_BUILD_TYPE=RelWithDebInfo \
#       && cmake --build /tmp/bench-build -j2 --target tcplife && bench/run.sh --quick --plugin /tmp/bench-build/tcplife.so \
#       --gd-tcflag /tmp/gd_tcflag/gd_tcflag.lua'
exec /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/run.py" "$@"
