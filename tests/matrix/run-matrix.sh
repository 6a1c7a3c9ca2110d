#!/usr/bin/env bash
# Build and test tcplife against the Wireshark of other Debian releases,
# each in its own debootstrap'ed chroot.
#
#   tests/matrix/run-matrix.sh [trixie|sid|noble|all] [-- command...]
#
#   trixie  Debian 13, Wireshark 4.4
#   sid     Debian unstable, Wireshark 4.6
#   noble   Ubuntu 24.04, Wireshark 4.2 (needs the Ubuntu archive keyring,
#           see TCPLIFE_UBUNTU_KEYRING; not part of "all")
#   all     trixie and sid, one after the other (the default)
#
# The command runs as root inside the chroot, in /src, which is the source
# tree bind-mounted read-only (set TCPLIFE_COPY_SRC=1 to copy it instead).
# Without a command it configures, builds and runs ctest in /tmp/build, then
# tests/package/check_package.sh: builds the Debian package there, installs
# it with apt, checks it and removes it.  The build directory lives inside
# the chroot, so it is reused between runs.
#
# Must run as root.  Safe to re-run: an existing chroot is reused, and apt
# runs only when a package is missing.  Mounts are undone on exit.
#
# Environment:
#   TCPLIFE_CHROOT_DIR  where chroots live   (default /var/tmp/tcplife-chroots)
#   TCPLIFE_MIRROR      Debian mirror        (default http://deb.debian.org/debian)
#   TCPLIFE_UBUNTU_MIRROR   Ubuntu mirror    (default http://archive.ubuntu.com/ubuntu)
#   TCPLIFE_UBUNTU_KEYRING  keyring for noble
#                       (default /usr/share/keyrings/ubuntu-archive-keyring.gpg,
#                        from Debian's ubuntu-keyring package)
#   TCPLIFE_COPY_SRC    1 = copy the tree instead of bind-mounting it
#
# Timings of chroot creation and package install are appended to
# $TCPLIFE_CHROOT_DIR/timings.log.

set -euo pipefail

CHROOT_DIR=${TCPLIFE_CHROOT_DIR:-/var/tmp/tcplife-chroots}
MIRROR=${TCPLIFE_MIRROR:-http://deb.debian.org/debian}
UBUNTU_MIRROR=${TCPLIFE_UBUNTU_MIRROR:-http://archive.ubuntu.com/ubuntu}
UBUNTU_KEYRING=${TCPLIFE_UBUNTU_KEYRING:-/usr/share/keyrings/ubuntu-archive-keyring.gpg}
COPY_SRC=${TCPLIFE_COPY_SRC:-0}
SRC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

PACKAGES=(build-essential cmake pkg-config wireshark-dev libwireshark-dev
          tshark libglib2.0-dev python3 util-linux time)

# sid's Release file can be past its Valid-Until on a stale mirror snapshot.
APT_OPTS=(-o Acquire::Check-Valid-Until=false -o Acquire::Retries=3
          -o APT::Install-Recommends=false -y -q)

DEFAULT_CMD='cmake -S /src -B /tmp/build -DTCPLIFE_ROBUST_QUICK=ON && cmake --build /tmp/build -j2 && ctest --test-dir /tmp/build --output-on-failure -j2 && tests/package/check_package.sh --build-dir /tmp/build'

# "[run-matrix trixie] ..." inside a suite, "[run-matrix] ..." outside one.
log() { printf '[run-matrix%s] %s\n' "${SUITE:+ $SUITE}" "$*" >&2; }
die() { log "error: $*"; exit 2; }

usage() {
    sed -n '2,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
    exit 2
}

# --- mounts -----------------------------------------------------------------

MOUNTED=()   # mount points to undo, in mount order

do_mount() {  # do_mount TARGET mount-args...
    local target=$1; shift
    mkdir -p "$target"
    mount "$@" "$target"
    MOUNTED+=("$target")
}

cleanup() {
    local i
    for (( i=${#MOUNTED[@]}-1; i>=0; i-- )); do
        umount "${MOUNTED[i]}" 2>/dev/null || umount -l "${MOUNTED[i]}" \
            || log "warning: could not unmount ${MOUNTED[i]}"
    done
    MOUNTED=()
}

mount_all() {  # mount_all ROOT
    local root=$1
    do_mount "$root/proc" -t proc proc
    do_mount "$root/dev" --bind /dev
    do_mount "$root/dev/pts" --bind /dev/pts
    cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
}

# --- chroot setup -------------------------------------------------------------

in_chroot() {  # in_chroot ROOT command...
    local root=$1; shift
    chroot "$root" /usr/bin/env -i \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" \
        DEBIAN_FRONTEND=noninteractive "$@"
}

# debootstrap removes $root/debootstrap only when it finishes successfully.
is_bootstrapped() { [[ -x $1/usr/bin/apt-get && ! -d $1/debootstrap ]]; }

create_chroot() {  # create_chroot SUITE ROOT
    local suite=$1 root=$2 t0
    if is_bootstrapped "$root"; then
        log "reusing $root"
        return
    fi
    [[ -d $root/debootstrap ]] && log "previous debootstrap unfinished; retrying"
    local args=(--variant=minbase "$suite" "$root" "$MIRROR")
    if [[ $suite == noble ]]; then
        [[ -r $UBUNTU_KEYRING ]] \
            || die "no Ubuntu keyring at $UBUNTU_KEYRING (set TCPLIFE_UBUNTU_KEYRING)"
        # wireshark-dev is in universe; debootstrap has no "noble" script
        # in Debian 12, but Ubuntu's releases all share the "gutsy" one.
        # shellcheck disable=SC2054  # the comma is debootstrap's
        args=(--variant=minbase --keyring="$UBUNTU_KEYRING"
              --components=main,universe "$suite" "$root" "$UBUNTU_MIRROR"
              /usr/share/debootstrap/scripts/gutsy)
    fi
    log "debootstrap ${args[*]}"
    mkdir -p "$root"
    t0=$SECONDS
    debootstrap "${args[@]}" > "$root.debootstrap.log" 2>&1 \
        || die "debootstrap failed; see $root.debootstrap.log"
    timing "$suite" debootstrap $(( SECONDS - t0 ))
}

missing_packages() {  # prints the packages of PACKAGES not installed in ROOT
    local root=$1 pkg
    for pkg in "${PACKAGES[@]}"; do
        # shellcheck disable=SC2016  # ${...} is dpkg-query's, not ours
        in_chroot "$root" dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null \
            | grep -qx installed || echo "$pkg"
    done
}

install_packages() {  # install_packages SUITE ROOT
    local suite=$1 root=$2 t0 missing
    missing=$(missing_packages "$root")
    if [[ -z $missing ]]; then
        log "packages already installed"
        return
    fi
    log "installing:" "${missing//$'\n'/ }"
    t0=$SECONDS
    # No daemons may start inside the chroot.
    printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
    chmod 755 "$root/usr/sbin/policy-rc.d"
    # tshark's wireshark-common asks whether non-root may capture: no.
    echo 'wireshark-common wireshark-common/install-setuid boolean false' \
        | in_chroot "$root" debconf-set-selections
    # apt's chatter goes to a log; its tail is shown when it fails.
    local aptlog=$root.apt.log
    # shellcheck disable=SC2086  # word-splitting the package list is wanted
    if ! { in_chroot "$root" apt-get "${APT_OPTS[@]}" update &&
           in_chroot "$root" apt-get "${APT_OPTS[@]}" install $missing &&
           in_chroot "$root" apt-get clean; } > "$aptlog" 2>&1; then
        tail -n 20 "$aptlog" >&2
        die "apt failed; see $aptlog"
    fi
    timing "$suite" "apt install ($(wc -w <<<"$missing") packages)" $(( SECONDS - t0 ))
}

timing() {  # timing SUITE WHAT SECONDS
    log "$2 took $3 s"
    printf '%s\t%s\t%s\t%ss\n' "$(date -u +%FT%TZ)" "$1" "$2" "$3" \
        >> "$CHROOT_DIR/timings.log"
}

# --- one suite ------------------------------------------------------------------

run_suite() {  # run_suite SUITE command...
    SUITE=$1; shift
    local root=$CHROOT_DIR/$SUITE lock
    mkdir -p "$CHROOT_DIR"

    # run_suite runs in a subshell, which does not inherit the traps.
    trap cleanup EXIT
    trap 'exit 130' INT TERM

    # One run per chroot at a time: a second run would fight over the mounts.
    exec {lock}> "$root.lock"
    flock -n "$lock" || die "$root is in use by another run"

    create_chroot "$SUITE" "$root"
    mount_all "$root"
    install_packages "$SUITE" "$root"

    if [[ $COPY_SRC == 1 ]]; then
        rm -rf "$root/src"
        mkdir -p "$root/src"
        tar -C "$SRC_DIR" --exclude=./.git -cf - . | tar -C "$root/src" -xf -
    else
        do_mount "$root/src" --bind "$SRC_DIR"
        mount -o remount,bind,ro "$root/src"
    fi

    # shellcheck disable=SC2016
    log "wireshark $(in_chroot "$root" dpkg-query -W -f='${Version}' libwireshark-dev)"
    log "running: $*"
    local rc=0
    in_chroot "$root" /bin/bash -c 'cd /src && exec "$@"' bash "$@" || rc=$?

    cleanup
    exec {lock}>&-
    log "exit status $rc"
    return "$rc"
}

# --- main -------------------------------------------------------------------------

main() {
    local target=all suites=() cmd=()
    if [[ $# -gt 0 && $1 != -- ]]; then target=$1; shift; fi
    if [[ $# -gt 0 ]]; then
        [[ $1 == -- ]] || usage
        shift
        cmd=("$@")
    fi
    [[ ${#cmd[@]} -gt 0 ]] || cmd=(/bin/bash -c "$DEFAULT_CMD")

    case $target in
        trixie|sid|noble) suites=("$target") ;;
        all)        suites=(trixie sid) ;;
        -h|--help)  usage ;;
        *)          usage ;;
    esac
    [[ $(id -u) == 0 ]] || die "must run as root (debootstrap, chroot, mount)"
    for tool in debootstrap chroot flock; do
        command -v "$tool" >/dev/null || die "$tool not found"
    done

    local suite failed=()
    for suite in "${suites[@]}"; do
        # A subshell per suite: its own traps, mounts and exit status.  Not
        # "( ... ) || ...", which would switch off set -e inside it.
        set +e
        ( set -e; run_suite "$suite" "${cmd[@]}" )
        local rc=$?
        set -e
        [[ $rc == 0 ]] || failed+=("$suite")
    done
    SUITE=
    if [[ ${#failed[@]} -gt 0 ]]; then
        log "FAILED: ${failed[*]}"
        return 1
    fi
    log "all passed: ${suites[*]}"
}

main "$@"
