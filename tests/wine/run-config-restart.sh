#!/usr/bin/env bash
# run-config-restart.sh HTTPCFG_EXE
#
# Service-configuration records outlive wineserver, as Windows' outlive a
# reboot (issue 12; data-plane.md §9.8: they live in the registry). In a
# Wine prefix of its own, httpcfg.exe stores a URL reservation, an IP listen
# entry and a timeout; the test then waits until that prefix's wineserver
# has exited (it writes the registry to disk as it goes) and asks a new one
# for the records. Prints "N passed, M failed"; exits 77 when Wine is
# missing or the program is 32-bit without 32-bit Wine (under CI=true that
# fails: tests/skip.sh).
set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 HTTPCFG_EXE" >&2
    exit 2
fi
httpcfg=$1

# shellcheck source=tests/skip.sh
. "$(dirname "$0")/../skip.sh"
skip_unless_wine_runs "$httpcfg"

work=$(mktemp -d "${TMPDIR:-/tmp}/config-restart.XXXXXX")
export WINEPREFIX=$work/prefix
export WINEDLLOVERRIDES="httpapi=n${WINEDLLOVERRIDES:+;$WINEDLLOVERRIDES}"
# loaddll traces name every DLL a program loads, where from and whether it
# is native or Wine's builtin (which otherwise says nothing under -all).
export WINEDEBUG=${WINEDEBUG:--all},+loaddll
unset DISPLAY
# The httpapi.dll beside httpcfg.exe, as loaddll writes it (Z:\\work\\...).
ours=$(cd "$(dirname "$httpcfg")" && pwd)/httpapi.dll
ours="Z:$(sed 's|/|\\\\|g' <<<"$ours")"

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() { failed=$((failed + 1)); echo "not ok - $1"; }

# The prefix is this test's alone: stopping its wineserver touches nothing else.
cleanup() {
    timeout 30 wineserver -k >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT

run_httpcfg() {
    echo "$*" >>"$work/runs"
    timeout 60 wine "$httpcfg" "$@" 2>>"$work/stderr"
}

# wineserver exits a few seconds after its last program; -w waits for it.
wait_for_wineserver_exit() {
    timeout 60 wineserver -w
}

echo "# creating a Wine prefix in $WINEPREFIX"
if ! timeout 180 wineboot -i >/dev/null 2>&1; then
    echo "not ok - wineboot could not create the prefix"
    echo "0 passed, 1 failed"
    exit 1
fi
wait_for_wineserver_exit

url=http://+:8123/config-restart/
run_httpcfg add urlacl url=$url "sddl=D:(A;;GX;;;WD)" >/dev/null &&
    run_httpcfg add iplisten ipaddress=127.0.0.1 >/dev/null &&
    run_httpcfg add timeout timeouttype=idleconnectiontimeout value=77 >/dev/null
status=$?
if [ $status -eq 0 ]; then pass "records stored"; else fail "records stored (exit $status)"; fi

if wait_for_wineserver_exit; then pass "wineserver exited"; else fail "wineserver exited"; fi

out=$(run_httpcfg show urlacl url=$url)
if grep -qi "config-restart" <<<"$out" && grep -q "D:(A;;GX;;;WD)" <<<"$out"; then
    pass "URL reservation after the restart"
else
    fail "URL reservation after the restart: $out"
fi
out=$(run_httpcfg show iplisten)
if grep -q "127.0.0.1" <<<"$out"; then pass "IP listen entry after the restart"; else fail "IP listen entry after the restart: $out"; fi
out=$(run_httpcfg show timeout)
if grep -qi "idle" <<<"$out" && grep -q "77" <<<"$out"; then
    pass "timeout after the restart"
else
    fail "timeout after the restart: $out"
fi

# Every run of httpcfg.exe loaded this project's httpapi.dll, once, native.
grep -i 'Loaded L".*httpapi\.dll"' "$work/stderr" >"$work/loads"
runs=$(wc -l <"$work/runs")
if [ "$(grep -cF "Loaded L\"$ours\" at " "$work/loads")" -eq "$runs" ] &&
   [ "$(grep -c ': native$' "$work/loads")" -eq "$runs" ] && [ "$(wc -l <"$work/loads")" -eq "$runs" ]; then
    pass "each of the $runs runs loaded $ours (native)"
else
    fail "each of the $runs runs loaded $ours (native); loaddll said: $(cat "$work/loads")"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
