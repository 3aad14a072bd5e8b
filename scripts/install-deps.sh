#!/usr/bin/env bash
# install-deps.sh - install the build/test dependencies from Debian packages.
#
# Idempotent: when everything is present it only runs a few dpkg-query calls
# (well under a second) and never touches apt.  Works as root, or through
# sudo when not root.
#
# Installs (amd64, must succeed): cmake make gcc clang mingw-w64 (x86_64 and
# i686 cross gcc), binutils-mingw-w64, wine wine64 libwine-dev libcmocka-dev,
# node-llhttp (llhttp's C sources, compiled into every build), libssl-dev
# (OpenSSL for the host builds), curl, wrk and openssl (the real clients of
# the serving tests), procps (pgrep and ps, for the client scripts' process
# bookkeeping), dpkg-dev and xz-utils (for scripts/fetch-debian-source.sh),
# perl (with the modules OpenSSL's Configure uses, for the MinGW builds of
# OpenSSL).
#
# Best effort (never makes the script fail): wine32:i386 for running 32-bit
# test programs.  If it cannot be installed one line is printed:
#   install-deps: wine32 unavailable (REASON) - 32-bit tests under Wine will be skipped
# (and under CI=true they fail: tests/skip.sh).
#
# Finally makes sure a Wine prefix exists (${WINEPREFIX:-$HOME/.wine}),
# created headless (no DISPLAY, no stdin needed; ~10 s).  A 64-bit prefix
# made before wine32 was installed is unusable once it is (the `wine`
# launcher then fails even for 64-bit programs); such a prefix is moved
# aside to PREFIX.no-wow64.TIMESTAMP and a new one is created.
#
# Environment knobs:
#   INSTALL_DEPS_WINE32=0           do not try to install wine32:i386 at all
#   INSTALL_DEPS_WINE32_FALLBACK=0  do not use the point-release fallback (below)
#   INSTALL_DEPS_NO_WINEPREFIX=1    do not create the Wine prefix
#
# About the wine32 fallback: wine32:i386 needs the i386 copies of many
# "Multi-Arch: same" libraries at exactly the version installed for amd64.
# When the bookworm-security i386 index cannot be fetched (mirror out of
# sync: "File has unexpected size ... Mirror sync in progress?"), amd64
# libraries updated from bookworm-security have no matching i386 version.
# The fallback then installs with `-t "$CODENAME"`, i.e. takes both
# architectures from the bookworm point release (whose amd64 and i386
# indices are in sync); amd64 libraries that are NEWER than the point release
# (installed from bookworm-security) are moved to the point-release version
# for both architectures.  All packages still come from Debian.
set -euo pipefail

log()  { printf 'install-deps: %s\n' "$*"; }
warn() { printf 'install-deps: %s\n' "$*" >&2; }

# Privileges are needed only when something must be installed.
SUDO=
CAN_ROOT=1
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=sudo
    else
        CAN_ROOT=0
    fi
fi

export DEBIAN_FRONTEND=noninteractive
APT=()
[ -z "$SUDO" ] || APT+=("$SUDO")
APT+=(env DEBIAN_FRONTEND=noninteractive apt-get
      -o DPkg::Lock::Timeout=300 -o Acquire::Retries=3
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

PKGS=(
    cmake make gcc clang libclang-rt-14-dev
    mingw-w64 gcc-mingw-w64-x86-64 gcc-mingw-w64-i686
    binutils-mingw-w64 binutils-mingw-w64-x86-64 binutils-mingw-w64-i686
    wine wine64 libwine-dev
    libcmocka-dev
    node-llhttp
    libssl-dev
    curl wrk openssl procps
    dpkg-dev xz-utils perl
)

# Debian codename of this machine (bookworm here): the suite whose amd64 and
# i386 indices are used by the wine32 fallback.
# shellcheck source=/dev/null
CODENAME=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
: "${CODENAME:=bookworm}"

is_installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

APT_UPDATED=0
UPDATE_ERRORS=
apt_update() {
    [ "$APT_UPDATED" -eq 0 ] || return 0
    APT_UPDATED=1
    log "apt-get update"
    # A partial failure (e.g. the i386 security index being out of sync)
    # makes apt-get update exit 100 although every other index is fine;
    # the installs below tell whether what we need is reachable.
    local out
    if ! out=$("${APT[@]}" update -qq 2>&1); then
        UPDATE_ERRORS=$(grep -E '^E: ' <<<"$out" || true)
        printf '%s\n' "$out" >&2
        warn "apt-get update reported errors (continuing; the install step will tell if they matter)"
    fi
}

# ---------------------------------------------------------------- amd64 ---
missing=()
for p in "${PKGS[@]}"; do
    is_installed "$p" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$CAN_ROOT" -eq 0 ]; then
        warn "error: missing ${missing[*]}, and not root and sudo is not available"
        exit 1
    fi
    apt_update
    log "installing: ${missing[*]}"
    "${APT[@]}" install -y -qq --no-install-recommends "${missing[@]}"
    for p in "${missing[@]}"; do
        is_installed "$p" || { warn "error: $p is still not installed"; exit 1; }
    done
fi

# --------------------------------------------------------------- wine32 ---
# Prints the packages (NAME:amd64=VER NAME:i386=VER) that need an explicit
# version so that both architectures use the same point-release version,
# judged from apt's "unmet dependencies" output in $1.
wine32_version_pins() {
    local out=$1 name a v
    grep -oE 'Depends: [a-z0-9.+-]+:i386' "$out" | sed 's/^.*Depends: //; s/:i386$//' | sort -u |
    while read -r name; do
        a=$(dpkg-query -W -f='${Version}' "$name:amd64" 2>/dev/null || true)
        [ -n "$a" ] || continue
        v=$(apt-cache madison "$name:i386" 2>/dev/null |
            awk -F' [|] ' -v s=" $CODENAME/main i386 Packages" 'index($3, s) { print $2; exit }')
        if [ -z "$v" ] || [ "$v" = "$a" ]; then continue; fi
        apt-cache madison "$name" 2>/dev/null |
            awk -F' [|] ' -v v="$v" '$2 == v && $3 ~ / amd64 Packages/ { f = 1 } END { exit !f }' ||
            continue
        printf '%s:amd64=%s\n%s:i386=%s\n' "$name" "$v" "$name" "$v"
    done
}

WINE32_REASON=
install_wine32() {
    local out pins=() new _
    out=$(mktemp)

    if ! dpkg --print-foreign-architectures | grep -qx i386; then
        log "dpkg --add-architecture i386"
        $SUDO dpkg --add-architecture i386
        APT_UPDATED=0
    fi
    apt_update

    log "installing wine32:i386"
    if "${APT[@]}" install -y -qq --no-install-recommends wine32:i386 >"$out" 2>&1; then
        rm -f "$out"; return 0
    fi
    WINE32_REASON=$(grep -m1 -E '^E: ' "$out" | sed 's/^E: //' || true)

    if [ "${INSTALL_DEPS_WINE32_FALLBACK:-1}" != 0 ]; then
        log "wine32:i386 not installable as is; trying versions from the $CODENAME point release"
        for _ in 1 2 3 4 5 6; do
            if "${APT[@]}" install -s --no-install-recommends --allow-downgrades -t "$CODENAME" \
                   wine32:i386 "${pins[@]}" >"$out" 2>&1; then
                if "${APT[@]}" install -y -qq --no-install-recommends --allow-downgrades \
                       -t "$CODENAME" wine32:i386 "${pins[@]}" >"$out" 2>&1; then
                    [ ${#pins[@]} -eq 0 ] ||
                        log "wine32: moved to point-release versions: ${pins[*]}"
                    rm -f "$out"; return 0
                fi
                break
            fi
            mapfile -t new < <(wine32_version_pins "$out")
            [ ${#new[@]} -gt 0 ] || break
            mapfile -t pins < <(printf '%s\n' "${pins[@]}" "${new[@]}" | sed '/^$/d' | sort -u)
        done
    fi

    [ -n "$WINE32_REASON" ] ||
        WINE32_REASON=$(grep -m1 -E '^E: ' "$out" | sed 's/^E: //' || true)
    : "${WINE32_REASON:=apt-get install wine32:i386 failed}"
    if grep -q 'i386.*Mirror sync in progress' <<<"$UPDATE_ERRORS"; then
        WINE32_REASON="i386 package index out of sync on the mirror, no i386 versions matching the installed amd64 libraries; apt: $WINE32_REASON"
    fi
    rm -f "$out"
    return 1
}

if [ "$(dpkg --print-architecture)" != amd64 ]; then
    log "wine32 unavailable (not an amd64 machine) - 32-bit tests under Wine will be skipped"
elif is_installed wine32:i386; then
    :
elif [ "$CAN_ROOT" -eq 0 ]; then
    log "wine32 unavailable (not installed, and not root and sudo is not available) - 32-bit tests under Wine will be skipped"
elif [ "${INSTALL_DEPS_WINE32:-1}" = 0 ]; then
    log "wine32 unavailable (INSTALL_DEPS_WINE32=0) - 32-bit tests under Wine will be skipped"
else
    if install_wine32 && is_installed wine32:i386; then
        log "wine32:i386 installed"
    else
        log "wine32 unavailable (${WINE32_REASON:-unknown reason}) - 32-bit tests under Wine will be skipped"
    fi
fi

# ---------------------------------------------------------- Wine prefix ---
if [ "${INSTALL_DEPS_NO_WINEPREFIX:-0}" = 0 ]; then
    prefix=${WINEPREFIX:-$HOME/.wine}
    # A 64-bit prefix created while wine32 was missing has an empty
    # C:\windows\syswow64, and once wine32 is installed the `wine` launcher
    # (now the 32-bit loader) fails in it even for 64-bit programs ("could
    # not load kernel32.dll, status c0000135"); `wineboot -u` does not repair
    # it.  Move such a prefix aside and create a new one.
    if is_installed wine32:i386 && [ -f "$prefix/system.reg" ] &&
       grep -qx '#arch=win64' "$prefix/system.reg" &&
       [ ! -e "$prefix/drive_c/windows/syswow64/kernel32.dll" ]; then
        old="$prefix.no-wow64.$(date +%Y%m%d%H%M%S)"
        log "Wine prefix $prefix predates wine32 (empty syswow64); moving it to $old"
        mv "$prefix" "$old"
    fi
    if [ ! -f "$prefix/system.reg" ]; then
        log "creating Wine prefix $prefix (takes ~10 s)"
        # Headless: no DISPLAY needed, stdin closed.  mscoree/mshtml disabled
        # so that wineboot does not look for Mono/Gecko.  wineserver -w waits
        # until the registry has been written out.
        if WINEDEBUG=-all WINEDLLOVERRIDES='mscoree,mshtml=' \
               wineboot -i </dev/null >/dev/null 2>&1 &&
           WINEDEBUG=-all wineserver -w </dev/null >/dev/null 2>&1 &&
           [ -f "$prefix/system.reg" ]; then
            log "Wine prefix ready"
        else
            warn "warning: could not create Wine prefix $prefix"
        fi
    fi
fi

log "all dependencies present"
