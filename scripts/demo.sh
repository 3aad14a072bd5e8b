#!/usr/bin/env bash
# Builds the x86_64 DLL and the demonstration program, then runs the program
# under Wine with this project's httpapi.dll. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset mingw-x64 >/dev/null
cmake --build --preset mingw-x64 --target demo -j "$(nproc)"
WINEDLLOVERRIDES=httpapi=n WINEDEBUG=-all wine build/mingw-x64/bin/demo.exe
