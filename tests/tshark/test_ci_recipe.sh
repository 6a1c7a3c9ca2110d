#!/usr/bin/env bash
# The README's "Use it in CI" recipe, run exactly as written (extracted from
# README.md), with tshark standing for scripts/tshark-tcplife so that the
# freshly built plugin is used.  It must pass on a capture whose connections
# all closed cleanly and fail on one with a refused connection.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

awk '/<!-- ci-recipe/ {on = 1; next} on && /^```sh/ {body = 1; next}
     body && /^```/ {exit} body {print}' "$top/README.md" > "$work/recipe.sh"
grep -q 'tcplife.stream.conn_state' "$work/recipe.sh" || { echo "FAIL: recipe not found in README"; exit 1; }

mkdir "$work/bin"
printf '#!/bin/sh\nTCPLIFE_TSHARK=%s exec "%s" "$@"\n' "$(command -v tshark)" "$top/scripts/tshark-tcplife" > "$work/bin/tshark"
chmod +x "$work/bin/tshark"

run_recipe() {  # capture -> exit status of the recipe
    cp "$top/sample-captures/$1" "$work/capture.pcap"
    (cd "$work" && PATH="$work/bin:$PATH" bash recipe.sh) > "$work/out" 2>&1
}

# seed-baidu: one stream, SF (contract).  fin-ack-three-way: SF too.
for good in seed-baidu.pcap fin-ack-three-way.pcap; do
    run_recipe "$good" || { echo "FAIL: recipe rejected $good:"; cat "$work/out"; exit 1; }
done
# refused: both streams REJ, reset kind refused.  abort: RSTO.
for bad in refused.pcap abort.pcap; do
    if run_recipe "$bad"; then echo "FAIL: recipe accepted $bad:"; cat "$work/out"; exit 1; fi
    grep -q "unclean or refused" "$work/out" || { echo "FAIL: no message for $bad"; cat "$work/out"; exit 1; }
done
echo "ci recipe: 2 passed, 2 rejected as expected"
