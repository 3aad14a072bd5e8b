# skip.sh - how a test script reports that it cannot run here. Sourced by
# tests/wine/run-under-wine.sh, tests/wine/run-config-restart.sh and
# tests/clients/harness.sh.
#
# Outside CI a missing tool is a visible skip (exit 77, which ctest reports
# as skipped). Under CI=true it is a failure: scripts/install-deps.sh
# installs every tool the tests use, so a skip there would hide a suite
# that never ran.

# skip_run REASON: ends the script, skipped (or failed under CI=true).
skip_run() {
    if [ "${CI:-}" = true ]; then
        echo "FAILED: $1 (a skip is a failure under CI=true)"
        exit 1
    fi
    echo "SKIPPED: $1"
    exit 77
}

# skip_unless_wine_runs PROGRAM: Wine is installed, and 32-bit Wine too
# when PROGRAM is 32-bit.
skip_unless_wine_runs() {
    command -v wine >/dev/null 2>&1 || skip_run "wine is not installed (scripts/install-deps.sh installs it)"
    if x86_64-w64-mingw32-objdump -f "$1" 2>/dev/null | grep -q 'file format pei-i386' &&
       [ ! -e /usr/lib/wine/wine ]; then
        skip_run "$1 is 32-bit and 32-bit Wine (wine32:i386) is not installed"
    fi
}
