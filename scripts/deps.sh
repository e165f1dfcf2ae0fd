#!/bin/sh
# deps.sh - check (and, as root, install) the Debian packages mcpsim needs.
#
#   scripts/deps.sh check     exit 0 when every build dependency is present
#   scripts/deps.sh install   install what is missing (root), or print the apt-get line
#
# Build dependencies are checked with pkg-config; tools the tests use (tshark, gnuplot,
# clang for the fuzzers) are checked with `command -v`.
set -eu

PACKAGES="pkg-config libgsl-dev libsqlite3-dev libyaml-dev libpcap-dev nettle-dev libcunit1-dev tshark gnuplot-nox clang libclang-rt-14-dev sqlite3 parallel"
PKGCONFIG="gsl sqlite3 yaml-0.1 libpcap nettle cunit"
TOOLS="tshark gnuplot clang sqlite3 parallel"

missing() {
    command -v pkg-config >/dev/null 2>&1 || return 0
    pkg-config --exists $PKGCONFIG || return 0
    for t in $TOOLS; do command -v "$t" >/dev/null 2>&1 || return 0; done
    return 1
}

case "${1:-check}" in
check)
    if missing; then exit 1; fi
    exit 0 ;;
install)
    if ! missing; then exit 0; fi
    if [ "$(id -u)" -ne 0 ]; then
        echo "mcpsim: missing build dependencies; run as root:" >&2
        echo "  apt-get install -y $PACKAGES" >&2
        exit 1
    fi
    echo "mcpsim: installing build dependencies with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    # tshark asks whether non-root users may capture; answer no without a prompt.
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
    ;;
*)
    echo "usage: $0 check|install" >&2; exit 2 ;;
esac
