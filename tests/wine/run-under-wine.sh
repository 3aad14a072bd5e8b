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
# A test program that ran prints cmocka's summary ("N test(s) run"); an
# exit status of 0 without it means Wine never ran the program, which is
# no pass. Such a launch (seen once: no output and status 0 in 20 ms) is
# tried once more, and fails if it happens again.
output=$(mktemp)
trap 'rm -f "$output"' EXIT
for attempt in 1 2; do
    wine "$program" "$@" | tee "$output"
    status=${PIPESTATUS[0]}
    grep -q 'test(s) run\.' "$output" && exit "$status"
    [ "$status" -eq 0 ] || exit "$status"
    echo "run-under-wine: $program exited 0 without running its tests (launch $attempt of 2)"
done
exit 1
