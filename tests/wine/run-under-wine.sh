#!/usr/bin/env bash
# ctest's emulator for the Windows test programs: runs one under Wine with
# this project's httpapi.dll (the one beside the program) in place of Wine's
# builtin. Exits 77 (ctest: skipped) when Wine, or for a 32-bit program
# 32-bit Wine, is missing; under CI=true that fails (tests/skip.sh).
set -u
program=$1
shift
# shellcheck source=tests/skip.sh
. "$(dirname "$0")/../skip.sh"
skip_unless_wine_runs "$program"
export WINEDLLOVERRIDES="httpapi=n${WINEDLLOVERRIDES:+;$WINEDLLOVERRIDES}"
export WINEDEBUG=${WINEDEBUG:--all}
exec wine "$program" "$@"
