#!/usr/bin/env bash
# The README's "Use it in CI" recipe, run exactly as written (extracted from
# README.md), with tshark standing for scripts/tshark-tcplife so that the
# freshly built plugin is used.  It must pass on a capture whose connections
# all closed cleanly and fail on one with a refused connection, on a
# capture with no packet, and when tshark has no tcplife at all (a recipe
# without pipefail and that check passes every capture then).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

awk '/<!-- ci-recipe/ {on = 1; next} on && /^```sh/ {body = 1; next}
     body && /^```/ {exit} body {print}' "$top/README.md" > "$work/recipe.sh"
grep -q 'tcplife.stream.conn_state' "$work/recipe.sh" || { echo "FAIL: recipe not found in README"; exit 1; }
grep -q 'pipefail' "$work/recipe.sh" || { echo "FAIL: the recipe does not set pipefail"; exit 1; }

mkdir "$work/bin"
printf '#!/bin/sh\nTCPLIFE_TSHARK=%s exec "%s" "$@"\n' "$(command -v tshark)" "$top/scripts/tshark-tcplife" > "$work/bin/tshark"
chmod +x "$work/bin/tshark"

# The real tshark with no tcplife: an empty plugin folder and home, as
# nobody when root (root's tshark ignores WIRESHARK_PLUGIN_DIR).
mkdir -p "$work/bare/bin" "$work/bare/plugins" "$work/bare/home"
chmod 755 "$work" "$work/bare" "$work/bare/plugins"
chmod 777 "$work/bare/home"
as_nobody=
[[ $(id -u) -eq 0 ]] && as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
printf '#!/bin/sh\nexec %s env HOME=%s WIRESHARK_PLUGIN_DIR=%s %s "$@"\n' "$as_nobody" \
    "$work/bare/home" "$work/bare/plugins" "$(command -v tshark)" > "$work/bare/bin/tshark"
chmod 755 "$work/bare/bin/tshark"
if "$work/bare/bin/tshark" -G plugins 2>/dev/null | grep tcplife > /dev/null; then
    echo "FAIL: the bare tshark loads tcplife"; exit 1
fi

run_recipe() {  # capture [bin folder] -> exit status of the recipe
    install -m 644 "$top/sample-captures/$1" "$work/capture.pcap"
    (cd "$work" && PATH="${2:-$work/bin}:$PATH" bash recipe.sh) > "$work/out" 2>&1
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
# A tshark without tcplife: the recipe must stop, on a good capture too.
if run_recipe seed-baidu.pcap "$work/bare/bin"; then
    echo "FAIL: recipe passed with no tcplife loaded:"; cat "$work/out"; exit 1
fi
grep -q "tcplife is not loaded" "$work/out" || { echo "FAIL: no message without tcplife"; cat "$work/out"; exit 1; }
# A capture with no packet (its 24-byte pcap header only): nothing checked.
head -c 24 "$top/sample-captures/seed-baidu.pcap" > "$work/capture.pcap"
if (cd "$work" && PATH="$work/bin:$PATH" bash recipe.sh) > "$work/out" 2>&1; then
    echo "FAIL: recipe passed a capture with no packet:"; cat "$work/out"; exit 1
fi
grep -q "no TCP stream" "$work/out" || { echo "FAIL: no message for the empty capture"; cat "$work/out"; exit 1; }
echo "ci recipe: 2 passed, 4 rejected as expected (refused, abort, no tcplife, empty)"
