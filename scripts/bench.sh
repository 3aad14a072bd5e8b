#!/usr/bin/env bash
# bench.sh - control-plane benchmark of this project's httpapi.dll against
# Wine's builtin one, in the same run (project issue 5).
#
#   scripts/bench.sh            full run (about 4 minutes on 2 cores); writes
#                               docs/BENCHMARKS.md, docs/benchmarks.csv and
#                               docs/benchmarks.png
#   scripts/bench.sh --quick    check run (under a minute): L up to 10,000,
#                               fewer samples; writes to build/bench-quick/
#   --out DIR                   write the results to DIR instead
#
# Builds bench/httpapi_bench.c (preset mingw-x64, target bench) and runs it
# under Wine twice per measurement: WINEDLLOVERRIDES=httpapi=n (this
# project's DLL, beside the program) and =b (Wine's builtin). Each run checks
# which DLL was really loaded. bench/report.py then writes the table, the
# target verdicts and the plot (gnuplot). Installs what it needs from Debian
# (scripts/install-deps.sh, gnuplot-nox, python3).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

QUICK=0
OUT=
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --out) OUT=$2; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

if [ "$QUICK" = 1 ]; then
    : "${OUT:=build/bench-quick}"
    RUNS=1                # whole ops runs per DLL (medians across runs)
    SAMPLES=5             # samples per point within a run
    SAMPLE_MS=10
    OURS_MAX_L=10000
    BUILTIN_MAX_L=10000
    OURS_MEM_L=10000
    BUILTIN_MEM_L=10000
    THREAD_SECONDS=0.3
    THREAD_REPS=3
else
    : "${OUT:=docs}"
    RUNS=3
    SAMPLES=7
    SAMPLE_MS=20
    OURS_MAX_L=1000000
    # Wine's builtin finds every ID by walking a list: its cost per call
    # grows linearly with L, and building L sessions with a group each takes
    # O(L^2) (11 s at 100,000; about 20 minutes at 1,000,000).
    BUILTIN_MAX_L=100000
    OURS_MEM_L=1000000
    BUILTIN_MEM_L=100000
    THREAD_SECONDS=1
    THREAD_REPS=5
fi

COMMAND="scripts/bench.sh"
[ "$QUICK" = 1 ] && COMMAND="$COMMAND --quick"
START=$(date +%s)

log() { printf 'bench: %s\n' "$*"; }

# ------------------------------------------------------------ dependencies
scripts/install-deps.sh
need=()
command -v gnuplot >/dev/null 2>&1 || need+=(gnuplot-nox)
[ -x /usr/bin/python3 ] || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
    SUDO=
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    log "installing ${need[*]}"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -qq || true
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
        --no-install-recommends "${need[@]}"
fi
PYTHON=/usr/bin/python3

# ------------------------------------------------------------------- build
cmake --preset mingw-x64 >/dev/null
cmake --build --preset mingw-x64 --target bench -j "$(nproc)"
BIN=build/mingw-x64/bin
[ -f "$BIN/httpapi_bench.exe" ] && [ -f "$BIN/httpapi.dll" ] || { echo "bench: build output missing in $BIN" >&2; exit 1; }

# --------------------------------------------------------------------- run
mkdir -p "$OUT"
RAW=$(mktemp -d "${TMPDIR:-/tmp}/httpapi-bench.XXXXXX")
trap 'rm -rf "$RAW"' EXIT
CSV_RAW="$RAW/raw.csv"
: >"$CSV_RAW"

# FIXME/WARN traces of the builtin would cost it time: all channels off.
export WINEDEBUG=-all

bench() { # LABEL OVERRIDE ARGS...
    local label=$1 override=$2; shift 2
    # The load of the machine around each phase goes into the report: other
    # processes running at the same time disturb the figures.
    echo "# machine load before=$(cut -d' ' -f1 /proc/loadavg) phase=$label-$1" >>"$CSV_RAW"
    WINEDLLOVERRIDES="httpapi=$override" wine "$BIN/httpapi_bench.exe" "$@" --label "$label" --csv "$CSV_RAW"
    echo "# machine load after=$(cut -d' ' -f1 /proc/loadavg) phase=$label-$1" >>"$CSV_RAW"
}

# Which DLL each override really loads: ours must not carry Wine's stamp,
# the builtin must.
for pair in ours:n builtin:b; do
    label=${pair%%:*}; override=${pair##*:}
    bench "$label" "$override" info
    expected=0; [ "$label" = builtin ] && expected=1
    if ! grep -qx "# $label builtin=$expected" "$CSV_RAW"; then
        echo "bench: WINEDLLOVERRIDES=httpapi=$override did not load the expected DLL ($label)" >&2
        exit 1
    fi
done

for run in $(seq 1 "$RUNS"); do
    log "ops run $run/$RUNS: ours (L up to $OURS_MAX_L)"
    bench "ours" n ops --max-live "$OURS_MAX_L" --samples "$SAMPLES" --sample-ms "$SAMPLE_MS"
    log "ops run $run/$RUNS: builtin (L up to $BUILTIN_MAX_L)"
    bench "builtin" b ops --max-live "$BUILTIN_MAX_L" --samples "$SAMPLES" --sample-ms "$SAMPLE_MS"
done
log "memory: ours (L up to $OURS_MEM_L)"
bench "ours" n memory --max-live "$OURS_MEM_L"
log "memory: builtin (L up to $BUILTIN_MEM_L)"
bench "builtin" b memory --max-live "$BUILTIN_MEM_L"
log "threads: ours"
bench "ours" n threads --seconds "$THREAD_SECONDS" --repetitions "$THREAD_REPS"
log "threads: builtin"
bench "builtin" b threads --seconds "$THREAD_SECONDS" --repetitions "$THREAD_REPS"

# ------------------------------------------------------------------ report
END=$(date +%s)
export BENCH_COMMAND="$COMMAND"
export BENCH_SECONDS=$((END - START))
export BENCH_QUICK=$QUICK
export BENCH_RUNS=$RUNS BENCH_SAMPLES=$SAMPLES BENCH_SAMPLE_MS=$SAMPLE_MS
export BENCH_THREAD_SECONDS=$THREAD_SECONDS BENCH_THREAD_REPS=$THREAD_REPS
export BENCH_BUILTIN_MAX_L=$BUILTIN_MAX_L BENCH_OURS_MAX_L=$OURS_MAX_L
export BENCH_CPU BENCH_NPROC BENCH_MEMORY BENCH_WINE BENCH_KERNEL BENCH_COMMIT BENCH_COMPILER
BENCH_CPU=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
BENCH_NPROC=$(nproc)
BENCH_MEMORY=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
BENCH_WINE=$(wine --version 2>/dev/null || echo unknown)
BENCH_KERNEL=$(uname -sr)
BENCH_COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null || true)" ]; then
    BENCH_COMMIT="$BENCH_COMMIT (with uncommitted changes)"
fi
BENCH_COMPILER=$(x86_64-w64-mingw32-gcc --version | head -1)
"$PYTHON" bench/report.py "$CSV_RAW" "$OUT"
# The raw rows stay in the build tree, to look into a figure (not committed).
cp "$CSV_RAW" "build/bench-raw$([ "$QUICK" = 1 ] && echo -quick).csv"
log "wrote $OUT/BENCHMARKS.md, $OUT/benchmarks.csv, $OUT/benchmarks.png in ${BENCH_SECONDS} s"
