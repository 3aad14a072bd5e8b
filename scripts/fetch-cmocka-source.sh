#!/usr/bin/env bash
# fetch-cmocka-source.sh DESTDIR
#
# Makes Debian's cmocka source package available under DESTDIR, so that
# cmocka can be cross-compiled for Windows (see cmake/cmocka-mingw.cmake).
#
# Result: DESTDIR/cmocka-src -> DESTDIR/cmocka-<upstream version> (symlink),
# containing src/cmocka.c and include/cmocka.h.  The absolute path of
# DESTDIR/cmocka-src is printed as the LAST line of stdout; everything else
# goes to stderr.
#
# No network is needed when DESTDIR already holds the source.  Otherwise a
# deb-src entry for Debian <codename> (bookworm) main is added (once, as its own deb822
# file) if none exists, the package lists are updated and `apt-get source
# cmocka` is run inside DESTDIR.
set -euo pipefail

log() { printf 'fetch-cmocka-source: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ $# -eq 1 ] || die "usage: $0 DESTDIR"
DEST=$1
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd -P)
LINK="$DEST/cmocka-src"

have_source() { [ -f "$1/src/cmocka.c" ] && [ -f "$1/include/cmocka.h" ]; }

# Point DESTDIR/cmocka-src at an extracted cmocka-* directory.
link_existing() {
    local d
    for d in "$DEST"/cmocka-[0-9]*/; do
        d=${d%/}
        if [ -d "$d" ] && [ ! -L "$d" ] && have_source "$d"; then
            ln -sfn "$(basename "$d")" "$LINK"
            return 0
        fi
    done
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
        | grep -qx "Sources $CODENAME"
}

SRC_LIST=/etc/apt/sources.list.d/debian-src.sources
if ! have_deb_src; then
    log "adding deb-src entry for $CODENAME main in $SRC_LIST"
    $SUDO tee "$SRC_LIST" >/dev/null <<EOF
# Added by scripts/fetch-cmocka-source.sh (needed for \`apt-get source cmocka\`).
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $CODENAME
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
fi

# Update when the source index is missing.  `apt-get update` may exit
# non-zero because some unrelated index (e.g. an out-of-sync i386 security
# index) failed; what matters is whether cmocka's source record is known.
if ! apt-cache showsrc cmocka 2>/dev/null | grep -q '^Package: cmocka'; then
    log "running apt-get update"
    $SUDO apt-get "${APT_OPTS[@]}" update -qq >&2 || log "apt-get update reported errors (continuing)"
fi
apt-cache showsrc cmocka 2>/dev/null | grep -q '^Package: cmocka' \
    || die "no source record for cmocka after apt-get update"

log "running apt-get source cmocka in $DEST"
# apt-get source downloads into the current directory.  As root it warns that
# the download is unsandboxed; that is harmless.
(cd "$DEST" && apt-get "${APT_OPTS[@]}" source -qq cmocka) >&2

link_existing || die "apt-get source did not produce $DEST/cmocka-*/src/cmocka.c"
have_source "$LINK" || die "$LINK does not hold cmocka's source"
log "cmocka source in $LINK -> $(readlink "$LINK")"
printf '%s\n' "$LINK"
