#!/usr/bin/env bash
# Runs every test: the host build (portable core, ASan + UBSan, then the
# same suites under ThreadSanitizer, and a short run of the libFuzzer
# targets) and both DLL builds (x86_64 and i686:
# exports checked, tests run under Wine through the DLL). Installs what it
# needs from Debian first.
#
# The Windows suites run in a Wine prefix of their own (WINEPREFIX, by
# default in the machine's cache beside the OpenSSL build), under one
# wineserver kept for the whole run: a wineserver started afresh for each
# of some sixty programs would cost more than the programs themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

presets=(host host-tsan fuzz mingw-x64 mingw-x86)
for preset in "${presets[@]}"; do
    echo "=== build $preset"
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset" -j "$(nproc)"
done

cache=${HTTPAPI_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/httpapi}
export WINEPREFIX=${WINEPREFIX:-$cache/wineprefix-tests}
mkdir -p "$WINEPREFIX"

# shellcheck source=scripts/prefix-wineserver.sh
. scripts/prefix-wineserver.sh

# One that this script starts is stopped when the script ends, with the
# prefix's own programs (services.exe and the others Wine starts, which a
# plain kill of the server would leave running), and its PID watched until
# it is gone; one that was already there is left alone.
our_wineserver=
# (An exited server whose parent does not reap it stays a zombie: gone.)
running() { [ -r "/proc/$1/stat" ] && [ "$(awk '{ print $3 }' "/proc/$1/stat")" != Z ]; }
stop_our_wineserver() {
    [ -n "$our_wineserver" ] || return 0
    timeout 30 wineserver -k >/dev/null 2>&1 || true
    for _ in $(seq 1 100); do
        running "$our_wineserver" || return 0
        sleep 0.1
    done
    kill -9 "$our_wineserver" 2>/dev/null || true
}
trap stop_our_wineserver EXIT
if command -v wineserver >/dev/null 2>&1 && ! prefix_wineserver >/dev/null; then
    wineserver -p </dev/null >/dev/null 2>&1
    our_wineserver=$(prefix_wineserver || true)
    # A new prefix is made by the first program; make it before the suites
    # run two at a time.
    WINEDEBUG=-all timeout 300 wine cmd.exe /c exit 0 >/dev/null 2>&1 || true
fi

status=0
for preset in "${presets[@]}"; do
    echo "=== test $preset"
    ctest --preset "$preset" || status=1
done
exit $status
