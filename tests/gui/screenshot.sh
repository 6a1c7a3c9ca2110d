#!/usr/bin/env bash
# Screenshots of tcplife in the Wireshark GUI, for docs/screenshots/.
#
#   tests/gui/screenshot.sh     (plugin: $TCPLIFE_PLUGIN, or build/tcplife.so;
#                                profile: $TCPLIFE_PROFILE_ZIP, or
#                                tcplife-profile.zip next to the plugin)
#
# Run by hand, not in CI: about 35 seconds (plus, the first time, installing
# what is missing, when run as root: xvfb wireshark-qt xdotool imagemagick).
# Build both first: cmake --build build --target tcplife tcplife_profile.
#
# Wireshark runs under Xvfb as the user nobody: as root it ignores
# WIRESHARK_PLUGIN_DIR and the per-user plugin folder, like tshark (see
# scripts/tshark-tcplife).  Its HOME is a throwaway folder.  Its default
# profile: a Lifecycle column (tcplife.label), the colouring rules of
# extras/tcplife.colorfilters above Wireshark's defaults, no bytes pane, fixed
# window and column sizes, and the monospace font one step smaller (View ›
# Zoom Out) so that a stream's story fits in 1400 pixels.  Writes, into
# docs/screenshots/:
#   tree-folded.png    sample-captures/seed-baidu.pcap, frame 12 (the server's
#                      FIN) selected: TCP Lifecycle and Stream lifecycle
#                      expanded, Handshake, Options, Teardown, Totals folded
#   tree-expanded.png  the same with every tcplife subtree expanded
#   flow-graph.png     Statistics › Flow Graph, All Flows, limited to the
#                      display filter tcp.stream == 0, on the seed, with the
#                      Info prefix on (tcplife has no flow type of its own)
#   statistics.png     Statistics › TCP Lifecycle (opened with
#                      -z tcplife,table) on five sample captures merged:
#                      several streams and end states
#   packet-list.png    the "tcplife" profile (tcplife-profile.zip, imported
#                      by unzipping it into the profiles folder, -C tcplife)
#                      on four real Linux captures merged: its Stream and
#                      Lifecycle columns and its colours, a FIN selected
# Clicks and keys are sent with xdotool to fixed positions of that layout
# (no window manager: keys go to the window under the pointer); look at
# every picture afterwards.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
plugin=${TCPLIFE_PLUGIN:-$top/build/tcplife.so}
profile_zip=${TCPLIFE_PROFILE_ZIP:-$(dirname "$plugin")/tcplife-profile.zip}
out=$top/docs/screenshots
[[ -f $plugin ]] || { echo "screenshot.sh: no plugin at $plugin (build first)" >&2; exit 2; }
[[ -f $profile_zip ]] || {
    echo "screenshot.sh: no profile at $profile_zip (cmake --build build --target tcplife_profile)" >&2
    exit 2
}

need_tools() {
    local missing=()
    for tool in Xvfb wireshark xdotool xdpyinfo import convert mergecap setpriv python3; do
        command -v "$tool" >/dev/null || missing+=("$tool")
    done
    [[ ${#missing[@]} -eq 0 ]] && return
    if [[ $(id -u) -ne 0 ]]; then
        echo "screenshot.sh: missing ${missing[*]}; install xvfb wireshark-qt xdotool x11-utils imagemagick" >&2
        exit 2
    fi
    apt-get install -y -q xvfb wireshark-qt xdotool x11-utils imagemagick >/dev/null
}
need_tools

ws_version=$(wireshark --version 2>/dev/null | sed -n '1s/^Wireshark \([0-9]*\.[0-9]*\).*/\1/p')
stage=$(mktemp -d /tmp/tcplife-gui.XXXXXX)
xvfb_pid= ws_pid=
cleanup() {
    [[ -n $ws_pid ]] && kill "$ws_pid" 2>/dev/null || true
    if [[ -n $xvfb_pid ]]; then
        kill "$xvfb_pid" 2>/dev/null || true
        wait "$xvfb_pid" 2>/dev/null || true
    fi
    rm -rf "$stage"
}
trap cleanup EXIT

# ---- the throwaway HOME, readable and writable by nobody ---------------------------
conf=$stage/home/.config/wireshark
mkdir -p "$stage/plugins/$ws_version/epan" "$conf/profiles" "$stage/run"
install -m 755 "$plugin" "$stage/plugins/$ws_version/epan/tcplife.so"
cat > "$conf/preferences" <<'EOF'
gui.column.format: "No.", "%m", "Time", "%t", "Source", "%s", "Destination", "%d", "Protocol", "%p", "Lifecycle", "%Cus:tcplife.label:0:R", "Info", "%i"
gui.layout_content_3: NONE
tcplife.info_column: FALSE
EOF
cat > "$conf/recent_common" <<'EOF'
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: 1400
gui.geometry_main_height: 920
gui.geometry_main_maximized: FALSE
EOF
# 215 px: the seed's 13 packets and the column header at zoom level -1.
cat > "$conf/recent" <<'EOF'
gui.zoom_level: -1
gui.geometry_main_upper_pane: 215
column.width:
        %m, 45,
        %t, 75,
        %s, 130,
        %d, 130,
        %p, 65,
        "%Cus:tcplife.label", 245,
        %i, 680
EOF
# Imported rules go first: the first matching rule colours a packet.
{ grep -v '^#' "$top/extras/tcplife.colorfilters"; grep -v '^#' /usr/share/wireshark/colorfilters; } \
    > "$conf/colorfilters"
# The "tcplife" profile, as Import › from zip file would install it (the zip
# holds tcplife/preferences and tcplife/colorfilters), plus window sizes.
python3 -m zipfile -e "$profile_zip" "$conf/profiles/"
[[ -f $conf/profiles/tcplife/preferences ]] || { echo "screenshot.sh: $profile_zip has no tcplife/" >&2; exit 1; }
cat > "$conf/profiles/tcplife/recent" <<'EOF'
gui.zoom_level: -1
gui.geometry_main_upper_pane: 700
column.width:
        %m, 40,
        %t, 85,
        %s, 120,
        %d, 120,
        %p, 65,
        %L, 55,
        "%Cus:tcp.stream", 55,
        "%Cus:tcplife.label", 255,
        %i, 580
EOF
cp "$top/sample-captures/seed-baidu.pcap" "$stage/"
mergecap -w "$stage/five-captures.pcap" "$top"/sample-captures/{seed-baidu,linux-refused,reset-after-close,linux-ipv6,abort}.pcap
# Four real Linux connections, one after the other: refused, aborted, a lost
# SYN (a lifecycle retransmission), and two on the same ports (port reuse).
mergecap -w "$stage/linux-four.pcap" "$top"/sample-captures/linux-{refused,linger-abort,lost-syn,port-reuse}.pcap
chmod -R a+rwX "$stage/home" && chmod -R a+rX "$stage"
chown 65534 "$stage/run" 2>/dev/null || true
chmod 700 "$stage/run"

# ---- X server ------------------------------------------------------------------
display=90
while [[ -e /tmp/.X11-unix/X$display || -e /tmp/.X$display-lock ]]; do display=$((display + 1)); done
export DISPLAY=:$display
Xvfb "$DISPLAY" -screen 0 1600x1200x24 -nolisten tcp -ac >/dev/null 2>&1 &
xvfb_pid=$!
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done

as_nobody=()
[[ $(id -u) -eq 0 ]] && as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)

start_wireshark() {  # start_wireshark WINDOW-TITLE-REGEX ARGS...: sets ws_pid and window
    local title=$1; shift
    (cd "$stage" && exec "${as_nobody[@]}" env HOME="$stage/home" XDG_RUNTIME_DIR="$stage/run" \
        WIRESHARK_PLUGIN_DIR="$stage/plugins" DISPLAY="$DISPLAY" wireshark "$@" >/dev/null 2>&1) &
    ws_pid=$!
    window=$(timeout 60 xdotool search --sync --onlyvisible --name "$title" | head -1)
    [[ -n $window ]] || { echo "screenshot.sh: no window '$title'" >&2; exit 1; }
    sleep 2     # let the packet list and the dialogs settle
}

stop_wireshark() {
    kill "$ws_pid" 2>/dev/null || true
    wait "$ws_pid" 2>/dev/null || true
    ws_pid=
}

keys() {  # keys KEY...: one at a time, to the window under the pointer
    local key
    for key in "$@"; do
        xdotool key "$key"
        sleep 0.3
    done
    sleep 1
}

# content_bottom IMAGE Y0 Y1: the last row between Y0 and Y1 that is not white
# (the end of the packet details), found by trimming that band.
content_bottom() {
    local w box
    w=$(identify -format '%w' "$1")
    box=$(convert "$1" -crop "$((w - 24))x$(($3 - $2))+4+$2" +repage -fuzz 3% -trim -format '%@' info:)
    # box is WxH+X+Y
    local h=${box#*x}; h=${h%%+*}
    local y=${box##*+}
    echo $(($2 + y + h))
}

shrink() {  # shrink IN.png OUT.png: fewer colours, no metadata
    convert "$1" -strip -colors 64 "PNG8:$2"
}

mkdir -p "$out"

# ---- the TCP Lifecycle tree of the seed's frame 12, folded and expanded -----------------
start_wireshark '^seed-baidu.pcap' -r "$stage/seed-baidu.pcap" -g 12
# Click the details pane's first row (Frame), just below the 215 px packet
# list; End selects the last row, TCP Lifecycle, Right expands it one level;
# End again selects its last child, Stream lifecycle, Right expands it: its
# groups (Handshake, Options, Teardown, Totals) stay folded.
xdotool mousemove 200 318 click 1
xdotool mousemove 1300 900    # off the tree (no hover highlight), still in the window
sleep 0.5
keys End Right End Right
import -window "$window" "$stage/folded.png"
bottom=$(content_bottom "$stage/folded.png" 320 870)
convert "$stage/folded.png" -crop "1400x$((bottom + 8))+0+0" +repage "$stage/folded-crop.png"
shrink "$stage/folded-crop.png" "$out/tree-folded.png"
# Five rows up is TCP Lifecycle (Sender, Step, Phase, Explanation, TCP
# Lifecycle); Shift+Right is View › Expand Subtrees.
keys Up Up Up Up Up shift+Right
import -window "$window" "$stage/expanded.png"
bottom=$(content_bottom "$stage/expanded.png" 320 870)
convert "$stage/expanded.png" -crop "1400x$((bottom + 8))+0+0" +repage "$stage/expanded-crop.png"
shrink "$stage/expanded-crop.png" "$out/tree-expanded.png"
stop_wireshark

# ---- Statistics › Flow Graph, All Flows, limited to tcp.stream == 0 --------------------
# With the Info prefix on (the default; this HOME turns it off), as README's
# Flow Graph paragraph describes.
start_wireshark '^seed-baidu.pcap' -r "$stage/seed-baidu.pcap" -Y 'tcp.stream == 0' \
    -o tcplife.info_column:TRUE
# The Statistics menu, then its "Flow Graph" item (the 18th, below TCP
# Lifecycle, 29West, ANCP, BACnet, Collectd, DNS).
xdotool mousemove 325 10 click 1
sleep 1
xdotool mousemove 356 461 click 1
flow=$(timeout 30 xdotool search --sync --onlyvisible --name 'Wireshark · Flow' | head -1)
[[ -n $flow ]] || { echo "screenshot.sh: no Flow Graph dialog" >&2; exit 1; }
sleep 1
xdotool windowmove "$flow" 0 0
xdotool windowsize "$flow" 1000 520
sleep 1
# "Limit to display filter" (bottom left of the dialog); "Flow type" is
# already "All Flows".
xdotool mousemove 18 465 click 1
xdotool mousemove 990 430
sleep 1.5
import -window "$flow" "$stage/flow.png"
shrink "$stage/flow.png" "$out/flow-graph.png"
stop_wireshark

# ---- Statistics › TCP Lifecycle -------------------------------------------------------
start_wireshark 'TCP Lifecycle' -r "$stage/five-captures.pcap" -z tcplife,table
# Its 14 columns need 1480 px; the picture is scaled to 1400.
xdotool windowmove "$window" 0 0
xdotool windowsize "$window" 1480 235
sleep 1.5
import -window "$window" "$stage/stats.png"
convert "$stage/stats.png" -resize 1400x "$stage/stats-small.png"
shrink "$stage/stats-small.png" "$out/statistics.png"
stop_wireshark

# ---- the packet list with the tcplife profile ---------------------------------------------
# Frame 25: the server's FIN of linux-lost-syn (2 + 10 + 13); its TCP
# Lifecycle tree expanded one level.
sed -i 's/^gui.geometry_main_height: .*/gui.geometry_main_height: 1000/' "$conf/recent_common"
start_wireshark '^linux-four.pcap' -C tcplife -o gui.layout_content_3:NONE \
    -r "$stage/linux-four.pcap" -g 25
# The details pane's first row (Frame), just below the 700 px packet list.
xdotool mousemove 200 800 click 1
xdotool mousemove 1300 980
sleep 0.5
keys End Right
import -window "$window" "$stage/list.png"
shrink "$stage/list.png" "$out/packet-list.png"
stop_wireshark

ls -l "$out"/{tree-folded,tree-expanded,flow-graph,statistics,packet-list}.png
