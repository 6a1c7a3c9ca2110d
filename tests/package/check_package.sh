#!/usr/bin/env bash
# The Debian package, end to end: build the .deb (cmake/Packaging.cmake),
# install it with apt (so its Depends are checked), and check that it
# works where the package puts it: root's tshark loads the plugin from the
# system folder, and the installed tcplife-check passes the seed capture
# (exit 0) and fails refused.pcap (exit 1).  Then removes the package.
#
#   tests/package/check_package.sh [--build-dir DIR] [--source DIR]
#
# --build-dir reuses (and updates) a configured build folder; by default a
# temporary one (the source may be read-only, as /src in the chroots).
# Installs as root, or through sudo.  Refuses to run when a tcplife package
# is already installed: it would replace it and then remove it.
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=
while [[ $# -gt 0 ]]; do
    case $1 in
        --build-dir) build=$2; shift 2 ;;
        --source)    src=$(cd "$2" && pwd); shift 2 ;;
        *) echo "usage: $0 [--build-dir DIR] [--source DIR]" >&2; exit 2 ;;
    esac
done

say()  { printf '[package] %s\n' "$*"; }
fail() { printf '[package] FAIL: %s\n' "$*" >&2; exit 1; }

sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)

if dpkg-query -W -f='${db:Status-Status}' tcplife 2>/dev/null | grep -qx installed; then
    fail "a tcplife package is already installed; remove it first (apt-get remove tcplife)"
fi

work=$(mktemp -d /tmp/tcplife-package.XXXXXX)
installed=0
cleanup() {
    if [[ $installed -eq 1 ]]; then
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q tcplife \
            > "$work/remove.log" 2>&1 || { cat "$work/remove.log" >&2; echo "[package] could not remove tcplife" >&2; }
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# --- build the .deb ---------------------------------------------------------
[[ -n $build ]] || build=$work/build
say "building in $build from $src"
cmake -S "$src" -B "$build" > "$work/configure.log" 2>&1 \
    || { cat "$work/configure.log" >&2; fail "cmake configure failed"; }
grep -q "tcplife package: Depends" "$work/configure.log" \
    || { cat "$work/configure.log" >&2; fail "cmake found no Debian package for libwireshark: no DEB"; }
cmake --build "$build" --target tcplife -j2 > "$work/build.log" 2>&1 \
    || { tail -n 30 "$work/build.log" >&2; fail "build failed"; }
rm -f "$build"/tcplife_*.deb
(cd "$build" && cpack -G DEB) > "$work/cpack.log" 2>&1 \
    || { cat "$work/cpack.log" >&2; fail "cpack failed"; }
debs=("$build"/tcplife_*.deb)
[[ ${#debs[@]} -eq 1 && -f ${debs[0]} ]] || fail "expected one tcplife_*.deb in $build"
deb=${debs[0]}
say "built $(basename "$deb")"

# --- what is inside ---------------------------------------------------------
ws_version=$(tshark --version 2>/dev/null | sed -n '1s/.*(Wireshark) \([0-9]*\.[0-9]*\).*/\1/p')
plugin_dir=$(tshark -G folders 2>/dev/null | sed -n 's/^Global Plugins:[[:space:]]*//p')
[[ -n $ws_version && -n $plugin_dir ]] || fail "cannot tell tshark's version and plugin folder"
[[ $plugin_dir == */$ws_version ]] || fail "system plugin folder $plugin_dir is not for $ws_version"

contents=$(dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\./|/|')
for path in "$plugin_dir/epan/tcplife.so" /usr/bin/tcplife-check \
            /usr/share/tcplife/tcplife.colorfilters /usr/share/doc/tcplife/README.md \
            /usr/share/doc/tcplife/LIFECYCLE.md; do
    grep -qx "$path" <<<"$contents" || fail "$path is not in the package"
done
if grep -E '^/(root|home)/|/\.local/' <<<"$contents"; then
    fail "the package holds per-user paths"
fi

# Depends pins the exact libwireshark package of the library tshark runs with.
libws=$(ldd "$(command -v tshark)" | awk '$1 ~ /^libwireshark\.so/ {print $3}')
libws=$(readlink -f "$libws")
owner=$(dpkg-query --search "$libws" 2>/dev/null | sed -n '1s/:.*//p')
[[ -n $owner ]] || fail "no package owns $libws"
# shellcheck disable=SC2016  # ${Version} is dpkg-query's
want="$owner (= $(dpkg-query -W -f='${Version}' "$owner"))"
depends=$(dpkg-deb -f "$deb" Depends)
say "Depends: $depends"
for dep in "$want" tshark python3; do
    grep -qF -- "$dep" <<<"$depends" || fail "Depends lacks '$dep'"
done

# --- install with apt, check, remove ----------------------------------------
cp "$deb" "$work/"
installed=1
(cd "$work" && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "./$(basename "$deb")") > "$work/install.log" 2>&1 \
    || { cat "$work/install.log" >&2; fail "apt-get install failed"; }
say "installed with apt-get"

loaded=$("${sudo[@]}" tshark -G plugins 2>/dev/null | awk -F'\t' '$1 ~ /^tcplife\.so/ {print $NF}')
[[ $loaded == "$plugin_dir/epan/tcplife.so" ]] \
    || fail "root's tshark -G plugins: tcplife.so '${loaded}', expected $plugin_dir/epan/tcplife.so"
say "root's tshark loads $loaded"

checker=$(command -v tcplife-check || true)
[[ $checker == /usr/bin/tcplife-check ]] || fail "tcplife-check on PATH is '$checker'"

# Copies only root can read: the installed checker, as root, must use root's
# own tshark with the system plugin (no staging as nobody, who could not
# read them).
install -m 600 "$src/sample-captures/seed-baidu.pcap" "$src/sample-captures/refused.pcap" "$work/"
rc=0
"${sudo[@]}" /usr/bin/tcplife-check "$work/seed-baidu.pcap" > "$work/seed.out" 2>&1 || rc=$?
cat "$work/seed.out"
[[ $rc -eq 0 ]] || fail "tcplife-check seed-baidu.pcap exited $rc, expected 0 (one SF stream)"
rc=0
"${sudo[@]}" /usr/bin/tcplife-check "$work/refused.pcap" > "$work/refused.out" 2>&1 || rc=$?
cat "$work/refused.out"
[[ $rc -eq 1 ]] || fail "tcplife-check refused.pcap exited $rc, expected 1 (two REJ streams, refused)"
grep -q "2 streams, 2 offending" "$work/refused.out" || fail "refused.pcap: expected 2 offending streams"

"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q tcplife > "$work/remove.log" 2>&1 \
    || { cat "$work/remove.log" >&2; fail "apt-get remove failed"; }
installed=0
[[ ! -e $plugin_dir/epan/tcplife.so && ! -e /usr/bin/tcplife-check ]] || fail "files left after removal"
say "removed; package check passed on Wireshark $ws_version"
