#!/bin/bash
# Record real Linux-kernel TCP lifecycles into pcap files.
#
#   tests/record/record.sh [SCENARIO...] OUTDIR
#
# Each scenario runs in two fresh network namespaces (client 10.200.1.1 /
# fd00:200::1, server 10.200.1.2 / fd00:200::2) joined by a pair of TUN
# devices and tunfwd.py, a userspace wire that applies the scenario's
# impairment by packet kind and count.  No traffic leaves those namespaces.
# dumpcap captures (filter "tcp", -s 0, pcap, raw-IP link type) inside one
# namespace, on the side that shows the lifecycle facts; the result is
# OUTDIR/linux-SCENARIO.pcap.  Needs root, ip, dumpcap, editcap, tshark,
# /usr/bin/python3.  See README.md beside this file.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
ALL="client-close server-close fin-ack-merged half-close refused linger-abort
close-unread lost-syn lost-synack unanswered-syn simultaneous-open
simultaneous-close data-loss dup-reorder lost-fin keepalive zero-window
fastopen port-reuse interleaved ipv6 midstream rst-synsent rst-outside-window
rst-in-window rst-exact"

if [ $# -lt 1 ]; then
    echo "usage: $0 [SCENARIO...] OUTDIR" >&2
    exit 2
fi
OUTDIR=${!#}
SCENARIOS=("${@:1:$#-1}")
[ ${#SCENARIOS[@]} -gt 0 ] || read -r -a SCENARIOS <<<"$(echo $ALL)"
for s in "${SCENARIOS[@]}"; do
    case " $(echo $ALL) " in *" $s "*) ;; *) echo "unknown scenario: $s" >&2; exit 2;; esac
done
[ "$(id -u)" = 0 ] || { echo "$0: must run as root" >&2; exit 2; }
mkdir -p "$OUTDIR"

TMP=$(mktemp -d /tmp/tcplife-record.XXXXXX)
NS_C=tlc$$
NS_S=tls$$
PIDS=()

cleanup() {
    local p
    for p in "${PIDS[@]}"; do
        kill "$p" 2>/dev/null || true
    done
    for p in "${PIDS[@]}"; do
        wait "$p" 2>/dev/null || true
    done
    PIDS=()
    ip netns del "$NS_C" 2>/dev/null || true
    ip netns del "$NS_S" 2>/dev/null || true
}
# KEEP_TMP=1 keeps the work folder (forwarder, dumpcap and peer logs).
trap 'cleanup; [ -n "${KEEP_TMP:-}" ] && echo "kept $TMP" >&2 || rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

# wait_for FILE [PATTERN] [TENTHS]: until FILE exists (and holds PATTERN).
wait_for() {
    local f=$1 pat=${2:-} n=${3:-50}
    while [ "$n" -gt 0 ]; do
        if [ -e "$f" ] && { [ -z "$pat" ] || grep -q "$pat" "$f"; }; then
            return 0
        fi
        sleep 0.1
        n=$((n - 1))
    done
    echo "timed out waiting for $f ${pat:+($pat)}" >&2
    return 1
}

record_one() {
    local name=$1 rules="" side=client fam=4 cli srv capdev capns
    case $name in
        lost-syn)           rules=drop-syn:1 ;;
        lost-synack)        rules=drop-synack:1; side=server ;;
        unanswered-syn)     rules=drop-syn:all ;;
        simultaneous-open)  rules=cross-syn ;;
        simultaneous-close) rules=cross-fin ;;
        data-loss)          rules=drop-data:2 ;;
        dup-reorder)        rules=dup-data:2,swap-data:3; side=server ;;
        lost-fin)           rules=drop-fin:1 ;;
        ipv6)               fam=6 ;;
        rst-synsent)        rules=inject-rst-syn:1001 ;;
        rst-outside-window) rules=inject-rst-data:2:1073741824 ;;
        rst-in-window)      rules=inject-rst-data:2:100 ;;
        rst-exact)          rules=inject-rst-data:2:0 ;;
    esac
    if [ $fam = 6 ]; then cli=fd00:200::1; srv=fd00:200::2; else cli=10.200.1.1; srv=10.200.1.2; fi
    local work=$TMP/$name
    mkdir -p "$work"

    ip netns add "$NS_C"
    ip netns add "$NS_S"
    for ns in "$NS_C" "$NS_S"; do
        ip -n "$ns" link set lo up
        ip netns exec "$ns" sysctl -qw net.ipv4.tcp_fastopen=3
    done

    $PY "$HERE/tunfwd.py" "$NS_C" tlc "$NS_S" tls "$work/fwd.ready" 40 "$rules" \
        2>"$work/fwd.log" &
    PIDS+=($!)
    wait_for "$work/fwd.ready"
    if [ $fam = 6 ]; then
        ip -n "$NS_C" -6 addr add $cli/64 dev tlc nodad
        ip -n "$NS_S" -6 addr add $srv/64 dev tls nodad
    else
        ip -n "$NS_C" addr add $cli/24 dev tlc
        ip -n "$NS_S" addr add $srv/24 dev tls
    fi
    ip -n "$NS_C" link set tlc up
    ip -n "$NS_S" link set tls up

    if [ $side = client ]; then capns=$NS_C; capdev=tlc; else capns=$NS_S; capdev=tls; fi
    ip netns exec "$capns" dumpcap -q -P -a duration:60 -i $capdev -s 0 -f tcp \
        -w "$work/cap.pcap" 2>"$work/dumpcap.log" &
    local cap=$!
    PIDS+=($cap)
    wait_for "$work/dumpcap.log" "Capturing on"
    sleep 0.3

    local t0
    t0=$($PY -c 'import time; print(time.time() + 1.0)')
    ip netns exec "$NS_S" timeout 25 $PY "$HERE/peers.py" server "$name" $cli $srv "$work" "$t0" \
        >"$work/server.log" 2>&1 &
    local server=$!
    PIDS+=($server)
    wait_for "$work/server.ready" || { cat "$work/server.log" >&2; return 1; }
    ip netns exec "$NS_C" timeout 25 $PY "$HERE/peers.py" client "$name" $cli $srv "$work" "$t0" \
        >"$work/client.log" 2>&1 || { cat "$work/client.log" >&2; return 1; }
    wait $server || { cat "$work/server.log" >&2; return 1; }
    sleep 0.5
    kill -INT $cap
    wait $cap || true
    cleanup

    local out=$OUTDIR/linux-$name.pcap
    if [ "$name" = midstream ]; then
        # Keep from the first server data segment at or after frame 21 up to
        # the frame before the first FIN: no handshake, still open at the end.
        local first last
        first=$(tshark -r "$work/cap.pcap" -Y 'frame.number >= 21 && tcp.srcport == 5000 && tcp.len > 0' \
                -T fields -e frame.number 2>/dev/null | head -1)
        last=$(tshark -r "$work/cap.pcap" -Y 'tcp.flags.fin == 1' -T fields -e frame.number 2>/dev/null | head -1)
        editcap -r "$work/cap.pcap" "$out" "$first-$((last - 1))"
    else
        cp "$work/cap.pcap" "$out"
    fi
    echo "$name: $(tshark -r "$out" 2>/dev/null | wc -l) frames -> $out (forwarder: $(grep -c -E "DROP|DUP|hold|INJECT" "$work/fwd.log") impairment actions)"
}

start=$(date +%s)
for s in "${SCENARIOS[@]}"; do
    record_one "$s"
done
echo "recorded ${#SCENARIOS[@]} scenario(s) in $(( $(date +%s) - start )) s"
