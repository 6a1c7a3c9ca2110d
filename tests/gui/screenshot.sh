#!/usr/bin/env bash
# Screenshots of tcplife in the Wireshark GUI, for docs/screenshots/.
#
#   tests/gui/screenshot.sh            (plugin: $TCPLIFE_PLUGIN, or build/tcplife.so)
#
# Run by hand, not in CI: about 15 seconds (plus, the first time, installing
# what is missing, when run as root: xvfb wireshark-qt xdotool imagemagick).
#
# Wireshark runs under Xvfb as the user nobody: as root it ignores
# WIRESHARK_PLUGIN_DIR and the per-user plugin folder, like tshark (see
# scripts/tshark-tcplife).  Its HOME is a throwaway profile: a Lifecycle column
# (tcplife.label), the colouring rules of extras/tcplife.colorfilters above
# Wireshark's defaults, no bytes pane, fixed window and column sizes.  Writes:
#   docs/screenshots/packet-list.png  sample-captures/seed-baidu.pcap, frame 12
#                                     selected, its TCP Lifecycle tree expanded
#   docs/screenshots/statistics.png   Statistics > TCP Lifecycle (opened with
#                                     -z tcplife,table) on five sample captures
#                                     merged: several streams and end states
# Clicks and keys are sent with xdotool to fixed positions of that layout;
# look at both pictures afterwards.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
plugin=${TCPLIFE_PLUGIN:-$top/build/tcplife.so}
out=$top/docs/screenshots
[[ -f $plugin ]] || { echo "screenshot.sh: no plugin at $plugin (build first)" >&2; exit 2; }

need_tools() {
    local missing=()
    for tool in Xvfb wireshark xdotool import convert mergecap setpriv; do
        command -v "$tool" >/dev/null || missing+=("$tool")
    done
    [[ ${#missing[@]} -eq 0 ]] && return
    if [[ $(id -u) -ne 0 ]]; then
        echo "screenshot.sh: missing ${missing[*]}; install xvfb wireshark-qt xdotool imagemagick" >&2
        exit 2
    fi
    apt-get install -y -q xvfb wireshark-qt xdotool imagemagick >/dev/null
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

# ---- the throwaway profile, readable and writable by nobody -----------------
conf=$stage/home/.config/wireshark
mkdir -p "$stage/plugins/$ws_version/epan" "$conf" "$stage/run"
install -m 755 "$plugin" "$stage/plugins/$ws_version/epan/tcplife.so"
cat > "$conf/preferences" <<'EOF'
gui.column.format: "No.", "%m", "Time", "%t", "Source", "%s", "Destination", "%d", "Protocol", "%p", "Lifecycle", "%Cus:tcplife.label:0:R", "Info", "%i"
gui.layout_content_3: NONE
tcplife.info_column: FALSE
EOF
cat > "$conf/recent_common" <<'EOF'
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: 1180
gui.geometry_main_height: 900
gui.geometry_main_maximized: FALSE
EOF
cat > "$conf/recent" <<'EOF'
gui.geometry_main_upper_pane: 260
column.width:
        %m, 45,
        %t, 75,
        %s, 130,
        %d, 130,
        %p, 65,
        "%Cus:tcplife.label", 245,
        %i, 480
EOF
# Imported rules go first: the first matching rule colours a packet.
{ grep -v '^#' "$top/extras/tcplife.colorfilters"; grep -v '^#' /usr/share/wireshark/colorfilters; } \
    > "$conf/colorfilters"
cp "$top/sample-captures/seed-baidu.pcap" "$stage/"
mergecap -w "$stage/five-captures.pcap" "$top"/sample-captures/{seed-baidu,linux-refused,reset-after-close,linux-ipv6,abort}.pcap
chmod -R a+rwX "$stage/home" && chmod -R a+rX "$stage"
chown 65534 "$stage/run" 2>/dev/null || true
chmod 700 "$stage/run"

# ---- X server ------------------------------------------------------------------
display=90
while [[ -e /tmp/.X11-unix/X$display || -e /tmp/.X$display-lock ]]; do display=$((display + 1)); done
export DISPLAY=:$display
Xvfb "$DISPLAY" -screen 0 1280x1024x24 -nolisten tcp -ac >/dev/null 2>&1 &
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
    sleep 2     # let the packet list and the dialogs settle
}

stop_wireshark() {
    kill "$ws_pid" 2>/dev/null || true
    wait "$ws_pid" 2>/dev/null || true
    ws_pid=
}

shrink() {  # shrink IN.png OUT.png: fewer colours, no metadata
    convert "$1" -strip -colors 64 "PNG8:$2"
}

mkdir -p "$out"

# ---- packet list, frame 12, TCP Lifecycle tree expanded ---------------------------
start_wireshark '^seed-baidu.pcap' -r "$stage/seed-baidu.pcap" -g 12
# Keys go to the window under the pointer (no window manager).  Click the
# details pane's first row (Frame), just below the 260 px packet list; End
# selects the last row, TCP Lifecycle; Right expands it one level.  Then the
# same for its last child, Stream lifecycle, and in it for Teardown (frame 12
# is teardown step 3), the one before the last (Totals).
xdotool mousemove 200 370 click 1
sleep 0.5
for key in End Right End Right End Up Right; do
    xdotool key "$key"
    sleep 0.3
done
sleep 1
import -window "$window" "$stage/main.png"
convert "$stage/main.png" -crop 1180x900+0+0 +repage "$stage/main-crop.png"
shrink "$stage/main-crop.png" "$out/packet-list.png"
stop_wireshark

# ---- Statistics > TCP Lifecycle ----------------------------------------------------
start_wireshark 'TCP Lifecycle' -r "$stage/five-captures.pcap" -z tcplife,table
xdotool windowmove "$window" 0 0
xdotool windowsize "$window" 1275 250
sleep 1
import -window "$window" "$stage/stats.png"
shrink "$stage/stats.png" "$out/statistics.png"
stop_wireshark

ls -l "$out"/packet-list.png "$out"/statistics.png
