#!/usr/bin/env bash
# ctest's emulator for the Windows test programs: runs one under Wine with
# this project's httpapi.dll (the one beside the program) in place of Wine's
# builtin. Exits 77 (ctest: skipped) for a 32-bit program when this machine
# has no 32-bit Wine.
set -u
program=$1
shift
export WINEDLLOVERRIDES="httpapi=n${WINEDLLOVERRIDES:+;$WINEDLLOVERRIDES}"
export WINEDEBUG=${WINEDEBUG:--all}
if x86_64-w64-mingw32-objdump -f "$program" 2>/dev/null | grep -q 'file format pei-i386' \
   && [ ! -e /usr/lib/wine/wine ]; then
    echo "SKIPPED: $program is 32-bit and 32-bit Wine (wine32:i386) is not installed"
    exit 77
fi
exec wine "$program" "$@"
