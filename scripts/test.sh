#!/usr/bin/env bash
# Runs every test: the host build (portable core, ASan + UBSan, then the
# same suites under ThreadSanitizer, and a short run of the libFuzzer
# targets) and both DLL builds (x86_64 and i686:
# exports checked, tests run under Wine through the DLL). Installs what it
# needs from Debian first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
status=0
for preset in host host-tsan fuzz mingw-x64 mingw-x86; do
    echo "=== $preset"
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset" -j "$(nproc)"
    ctest --preset "$preset" || status=1
done
exit $status
