#!/usr/bin/env bash
# fetch-debian-source.sh PACKAGE DESTDIR FILE...
#
# Makes Debian's PACKAGE source package available under DESTDIR, so that it
# can be cross-compiled for Windows (cmocka: cmake/cmocka-mingw.cmake;
# openssl: cmake/openssl-mingw.cmake).  Each FILE is a path inside the
# source tree whose presence proves the tree is PACKAGE's (e.g. src/cmocka.c).
#
# Result: DESTDIR/PACKAGE-src -> DESTDIR/PACKAGE-<upstream version> (symlink).
# Its absolute path is printed as the LAST line of stdout; everything else
# goes to stderr.
#
# No network is needed when DESTDIR already holds the source.  Otherwise
# deb-src entries for Debian <codename> (bookworm), <codename>-updates and
# <codename>-security main are added (once, as their own deb822 file) if
# they are missing, the package lists are updated and `apt-get source
# PACKAGE=VERSION` is run inside DESTDIR for the newest version that can be
# downloaded (with the security suite that is normally the version Debian's
# binary packages are built from).
set -euo pipefail

log() { printf 'fetch-debian-source: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ $# -ge 3 ] || die "usage: $0 PACKAGE DESTDIR FILE..."
PACKAGE=$1
DEST=$2
shift 2
PROOF=("$@")
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd -P)
LINK="$DEST/$PACKAGE-src"

have_source() {
    local f
    for f in "${PROOF[@]}"; do
        [ -f "$1/$f" ] || return 1
    done
}

# Point DESTDIR/PACKAGE-src at the newest extracted PACKAGE-* directory.
link_existing() {
    local d
    while read -r d; do
        if [ -d "$d" ] && [ ! -L "$d" ] && have_source "$d"; then
            ln -sfn "$(basename "$d")" "$LINK"
            return 0
        fi
    done < <(printf '%s\n' "$DEST/$PACKAGE"-[0-9]* | sort -rV)
    return 1
}

if have_source "$LINK" || { link_existing && have_source "$LINK"; }; then
    log "using existing source in $LINK -> $(readlink "$LINK" 2>/dev/null || echo .)"
    printf '%s\n' "$LINK"
    exit 0
fi

SUDO=
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "not root and sudo is not available"
    SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-o DPkg::Lock::Timeout=300 -o Acquire::Retries=3)

# dpkg-source (from dpkg-dev) is what unpacks the source package.
if ! command -v dpkg-source >/dev/null 2>&1; then
    log "installing dpkg-dev"
    $SUDO apt-get "${APT_OPTS[@]}" update -qq >&2 || true
    $SUDO apt-get "${APT_OPTS[@]}" install -y -qq --no-install-recommends dpkg-dev >&2
fi

# Debian codename (bookworm on this project's machines).
# shellcheck source=/dev/null
CODENAME=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
: "${CODENAME:=bookworm}"

have_deb_src() {
    # shellcheck disable=SC2016  # $(...) are apt's format fields
    apt-get indextargets --format '$(CREATED_BY) $(RELEASE)' 2>/dev/null \
        | grep -x "Sources $1" >/dev/null
}

# Our own file: written by this script (or by the fetch-cmocka-source.sh it
# replaces, which listed the release suite only), so it may be rewritten.
SRC_LIST=/etc/apt/sources.list.d/debian-src.sources
MARKER='# Added by scripts/fetch-'
if ! have_deb_src "$CODENAME" || ! have_deb_src "$CODENAME-security"; then
    if [ -e "$SRC_LIST" ] && ! grep -q "^$MARKER" "$SRC_LIST"; then
        SRC_LIST=/etc/apt/sources.list.d/httpapi-debian-src.sources
    fi
    log "writing deb-src entries for $CODENAME, $CODENAME-updates and $CODENAME-security main in $SRC_LIST"
    $SUDO tee "$SRC_LIST" >/dev/null <<EOF
# Added by scripts/fetch-debian-source.sh (needed for \`apt-get source\`).
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $CODENAME $CODENAME-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: $CODENAME-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    NEED_UPDATE=1
fi

# Update when the source index is missing or was just added.  `apt-get
# update` may exit non-zero because some unrelated index (e.g. an
# out-of-sync i386 security index) failed; what matters is whether the
# package's source record is known.
# (grep reads all of it: with -q, an early exit would fail the pipe.)
has_record() { apt-cache showsrc "$PACKAGE" 2>/dev/null | grep "^Package: $PACKAGE\$" >/dev/null; }
if [ -n "${NEED_UPDATE:-}" ] || ! has_record; then
    log "running apt-get update"
    $SUDO apt-get "${APT_OPTS[@]}" update -qq >&2 || log "apt-get update reported errors (continuing)"
fi
has_record || die "no source record for $PACKAGE after apt-get update"

# Newest version first; an older one when a suite's pool does not have the
# files its index lists (a mirror can lag behind the security index).  Each
# try downloads into its own directory, so a failed one leaves nothing.
mapfile -t VERSIONS < <(apt-cache showsrc "$PACKAGE" 2>/dev/null |
    awk -v p="$PACKAGE" '$1 == "Package:" { ours = ($2 == p) } ours && $1 == "Version:" { print $2 }' |
    sort -urV)
fetched=
for version in "${VERSIONS[@]}"; do
    work=$(mktemp -d "$DEST/.fetch-$PACKAGE.XXXXXX")
    log "running apt-get source $PACKAGE=$version"
    # apt-get source downloads into the current directory.  As root it warns
    # that the download is unsandboxed; that is harmless.
    if (cd "$work" && apt-get "${APT_OPTS[@]}" source -qq "$PACKAGE=$version") >&2; then
        mv "$work"/* "$DEST"/
        rm -rf "$work"
        fetched=$version
        break
    fi
    rm -rf "$work"
    log "apt-get source $PACKAGE=$version failed; trying an older version"
done
[ -n "$fetched" ] || die "apt-get source $PACKAGE failed for every version (${VERSIONS[*]})"

link_existing || die "apt-get source did not produce $DEST/$PACKAGE-*/ with ${PROOF[*]}"
have_source "$LINK" || die "$LINK does not hold $PACKAGE's source"
log "$PACKAGE source in $LINK -> $(readlink "$LINK")"
printf '%s\n' "$LINK"
