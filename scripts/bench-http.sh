#!/usr/bin/env bash
# bench-http.sh - data-plane benchmark (project issue 10): requests/s,
# latency, wineserver round trips, memory per idle connection and a large
# file download, for this project's httpapi.dll, Wine's builtin one, minimal
# Winsock servers and nginx, in one run on one machine.
#
#   scripts/bench-http.sh           full run (about 12 minutes on 2 cores);
#                                   writes docs/benchmarks-http.csv,
#                                   docs/benchmarks-http.png and the HTTP
#                                   section of docs/BENCHMARKS.md
#   scripts/bench-http.sh --quick   check run (about 3 minutes): short wrk
#                                   runs, 1,000 idle connections, 128 MiB
#                                   file; writes to build/bench-http-quick/
#   --out DIR                       write the results to DIR instead
#   --bin DIR                       use the programs and httpapi.dll already
#                                   built in DIR (no build step)
#   --phases "wrk download memory roundtrips"
#                                   run only these phases (default: all)
#   BENCH_HTTP_KEEP_RAW=1           keep the raw directory (traces too)
#
# Builds bench/http/ (preset mingw-x64, target bench-http) and runs every
# server under Wine (64-bit loader, so that the PID is the program's) in a
# Wine prefix of its own (build/bench-http-prefix; BENCH_HTTP_WINEPREFIX
# overrides): no other program shares its wineserver. HTTP Server API
# programs run twice: WINEDLLOVERRIDES=httpapi=n (this project's DLL, beside
# the program) and =b (Wine's builtin); each run checks which DLL was really
# loaded. wrk drives them from Linux on 127.0.0.1; every process started
# here is stopped by its PID. bench/report_http.py writes the report. The
# prefix is made once (wineboot, about 20 s and 1.3 GiB) and kept.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

QUICK=0
OUT=
BIN=
PHASES="wrk download memory roundtrips"
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --out) OUT=$2; shift ;;
        --bin) BIN=$2; shift ;;
        --phases) PHASES=$2; shift ;;
        -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
        *) echo "bench-http.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

if [ "$QUICK" = 1 ]; then
    : "${OUT:=build/bench-http-quick}"
    RUNS=1            # wrk runs per point (the median is reported)
    SECONDS_PER_RUN=1
    WARMUP_SECONDS=0.5
    IDLE_CONNECTIONS=1000
    FILE_MIB=128
    DOWNLOADS=1
    ROUNDTRIP_REQUESTS=200
else
    : "${OUT:=docs}"
    RUNS=3
    SECONDS_PER_RUN=2
    WARMUP_SECONDS=1
    IDLE_CONNECTIONS=10000
    FILE_MIB=1024
    DOWNLOADS=3
    ROUNDTRIP_REQUESTS=1000
fi
CONNECTIONS="1 8 64"
PATHS="small large"

COMMAND="scripts/bench-http.sh"
[ "$QUICK" = 1 ] && COMMAND="$COMMAND --quick"
START=$(date +%s)

log() { printf 'bench-http: [%s] %s\n' "$(date +%T)" "$*"; }
trap 'echo "bench-http: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
phase() { [[ " $PHASES " == *" $1 "* ]]; }

# ------------------------------------------------------------ dependencies
scripts/install-deps.sh
need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v gnuplot >/dev/null 2>&1 || need+=(gnuplot-nox)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
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
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
WINE64=/usr/lib/wine/wine64
[ -x "$WINE64" ] || WINE64=$(command -v wine64 || true)
[ -n "$WINE64" ] && [ -x "$WINE64" ] || { echo "bench-http: the 64-bit Wine loader (wine64) is missing" >&2; exit 1; }

# ------------------------------------------------------------------- build
if [ -z "$BIN" ]; then
    cmake --preset mingw-x64 >/dev/null
    cmake --build --preset mingw-x64 --target bench-http -j "$(nproc)"
    BIN=build/mingw-x64/bin
fi
for exe in winsock_blocking winsock_iocp httpapi_sync httpapi_iocp httpapi_threadpool; do
    [ -f "$BIN/$exe.exe" ] || { echo "bench-http: $BIN/$exe.exe missing" >&2; exit 1; }
done
[ -f "$BIN/httpapi.dll" ] || { echo "bench-http: $BIN/httpapi.dll missing" >&2; exit 1; }

BIN=$(cd "$BIN" && pwd)
RAW=$(mktemp -d "${TMPDIR:-/tmp}/httpapi-bench-http.XXXXXX")
chmod 755 "$RAW"

# 10,000 connections: every socket is a file descriptor in the program and
# in the wineserver (which inherits this limit when it starts here).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

export WINEPREFIX=${BENCH_HTTP_WINEPREFIX:-$ROOT/build/bench-http-prefix}
export WINEDEBUG=-all
export WINELOADER=$WINE64
if [ ! -f "$WINEPREFIX/system.reg" ]; then
    log "creating the Wine prefix $WINEPREFIX"
    mkdir -p "$WINEPREFIX"
    "$WINE64" wineboot -i >/dev/null 2>&1
fi
WIN_RAW="Z:$(echo "$RAW" | tr / '\\')"

# ------------------------------------------------------ processes and ports
started_pids=()
stop_pid() {
    local pid=$1
    kill -0 "$pid" 2>/dev/null || return 0
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local pid
    for pid in "${started_pids[@]}"; do stop_pid "$pid"; done
    if [ -n "${BENCH_HTTP_KEEP_RAW:-}" ]; then echo "bench-http: raw results kept in $RAW"; else rm -rf "$RAW"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
gcc -std=c11 -O2 -Wall -Wextra -Werror bench/http/idle_clients.c -o "$RAW/idle_clients"

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# shellcheck source=scripts/prefix-wineserver.sh
. scripts/prefix-wineserver.sh

# start_server LOG OVERRIDE EXE ARGS...: starts a Windows program on a free
# port (it prints "listening on"), sets server_pid and port; returns 1 with
# the reason in start_error when it does not come up, or when it loaded
# another httpapi.dll than OVERRIDE asks for (n: ours, b: builtin, -: the
# program does not use httpapi.dll).
start_server() {
    local logfile=$1 override=$2 exe=$3
    shift 3
    start_error=
    for _ in 1 2 3 4 5; do
        port=$((50000 + (RANDOM * 32768 + RANDOM) % 10000))
        port_in_use "$port" && continue
        WINEDLLOVERRIDES="httpapi=${override/-/n}" "$WINE64" "$BIN/$exe.exe" "$port" "$@" >"$logfile" 2>&1 </dev/null &
        server_pid=$!
        started_pids+=("$server_pid")
        for _ in $(seq 1 300); do
            if grep -q '^listening on' "$logfile" 2>/dev/null; then
                [ "$override" = - ] || check_dll "$logfile" "$override" && return 0
                start_error="the wrong httpapi.dll was loaded: $(tr -d '\r' <"$logfile" | grep -m1 'loaded from')"
                stop_pid "$server_pid"
                return 1
            fi
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$server_pid" 2>/dev/null; then
            start_error="no 'listening on' within 30 s"
            stop_pid "$server_pid"
            return 1
        fi
        start_error=$(tr -d '\r' <"$logfile" | grep -m1 '^error:' | sed 's/^error: //' || true)
        # A port taken meanwhile (32, 183, 10048) is worth another try.
        echo "$start_error" | grep -qE 'with (32|183|10048)$' || { start_error=${start_error:-exited}; return 1; }
    done
    start_error="no free port found"
    return 1
}

# Which DLL the program loaded: ours must not carry Wine's stamp, the
# builtin must. Echoes the module path.
check_dll() { # LOG OVERRIDE
    local expected=0
    [ "$2" = b ] && expected=1
    tr -d '\r' <"$1" | grep -qx "# builtin=$expected" || return 1
}

load() { cut -d' ' -f1 /proc/loadavg; }

RESULTS="$RAW/results.txt"     # "key value..." lines for report_http.py
: >"$RESULTS"
mkdir -p "$RAW/wrk" "$RAW/logs"

# The configurations: LABEL OVERRIDE EXE ARGS (override "-": no httpapi).
SERVERS=(
    "winsock_blocking - winsock_blocking"
    "winsock_iocp - winsock_iocp --threads 2"
    "httpapi_sync1:ours n httpapi_sync --threads 1"
    "httpapi_sync4:ours n httpapi_sync --threads 4"
    "httpapi_iocp:ours n httpapi_iocp --threads 2 --outstanding 8"
    "httpapi_threadpool:ours n httpapi_threadpool --outstanding 8"
    "httpapi_sync1:builtin b httpapi_sync --threads 1"
    "httpapi_sync4:builtin b httpapi_sync --threads 4"
    "httpapi_iocp:builtin b httpapi_iocp --threads 2 --outstanding 8"
    "httpapi_threadpool:builtin b httpapi_threadpool --outstanding 8"
)

# The file for GET /file: sparse (no disk traffic; the page cache serves it).
truncate -s "${FILE_MIB}M" "$RAW/big.bin"
mkdir -p "$RAW/www"
printf 'hello world\n' >"$RAW/www/small"
head -c 65536 /dev/zero | tr '\0' 'a' >"$RAW/www/large"
ln "$RAW/big.bin" "$RAW/www/file"
chmod -R a+rX "$RAW/www" "$RAW/big.bin"

# run_wrk LABEL PATH CONNECTIONS RUN: one measured wrk run.
run_wrk() {
    local label=$1 path=$2 c=$3 run=$4 threads=2
    [ "$c" = 1 ] && threads=1
    local file="$RAW/wrk/$label,$path,$c,$run.txt"
    echo "# load_before $(load)" >"$file"
    timeout $((SECONDS_PER_RUN + 30)) wrk -t"$threads" -c"$c" -d"${SECONDS_PER_RUN}s" --timeout 5s --latency \
        "http://127.0.0.1:$port/$path" >>"$file" 2>&1 || echo "# wrk exit $?" >>"$file"
    echo "# load_after $(load)" >>"$file"
}

# measure_server LABEL: the wrk points against the server on $port.
measure_server() {
    local label=$1 path c run
    for path in $PATHS; do
        timeout 30 wrk -t2 -c8 -d"${WARMUP_SECONDS}s" "http://127.0.0.1:$port/$path" >/dev/null 2>&1 || true
        for c in $CONNECTIONS; do
            for run in $(seq 1 "$RUNS"); do
                run_wrk "$label" "$path" "$c" "$run"
            done
        done
    done
    echo "stats $label $(curl -s --max-time 5 "http://127.0.0.1:$port/stats" | tr -d '\r\n' || echo unreachable)" >>"$RESULTS"
}

# -------------------------------------------------------- requests/s, latency
phase wrk && for entry in "${SERVERS[@]}"; do
    read -r label override exe args <<<"$entry"
    # shellcheck disable=SC2086
    log "wrk: $label"
    logfile="$RAW/logs/$label.log"
    if ! start_server "$logfile" "$override" "$exe" $args; then
        echo "notrun $label $start_error" >>"$RESULTS"
        log "  not run: $start_error"
        continue
    fi
    if [ "$override" != - ]; then
        echo "module $label $(tr -d '\r' <"$logfile" | sed -n 's/^# module=//p')" >>"$RESULTS"
        echo "api $label $(tr -d '\r' <"$logfile" | sed -n 's/^# api=//p')" >>"$RESULTS"
        skipped=$(tr -d '\r' <"$logfile" | sed -n 's/^# skipped //p' | tr '\n' ' ')
        [ -z "$skipped" ] || echo "skipped $label $skipped" >>"$RESULTS"
    fi
    if [ "$override" = - ]; then
        echo "command $label wine64 $exe.exe PORT $args" >>"$RESULTS"
    else
        echo "command $label WINEDLLOVERRIDES=httpapi=$override wine64 $exe.exe PORT $args" >>"$RESULTS"
    fi
    measure_server "$label"
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "crashed $label $(tr -d '\r' <"$logfile" | tail -3 | tr '\n' ' ')" >>"$RESULTS"
    fi
    stop_pid "$server_pid"
done

if phase wrk; then
log "wrk: nginx"
mkdir -p "$RAW/nginx"
for _ in 1 2 3 4 5; do
    port=$((50000 + (RANDOM * 32768 + RANDOM) % 10000))
    port_in_use "$port" || break
done
cat >"$RAW/nginx/nginx.conf" <<EOF
worker_processes $(nproc);
daemon off;
pid $RAW/nginx/nginx.pid;
error_log $RAW/nginx/error.log;
events { worker_connections 16384; }
http {
    access_log off;
    sendfile on;
    keepalive_requests 100000000;
    keepalive_timeout 120s;
    client_body_temp_path $RAW/nginx/body;
    proxy_temp_path $RAW/nginx/proxy;
    fastcgi_temp_path $RAW/nginx/fastcgi;
    uwsgi_temp_path $RAW/nginx/uwsgi;
    scgi_temp_path $RAW/nginx/scgi;
    default_type text/plain;
    server {
        listen 127.0.0.1:$port;
        root $RAW/www;
    }
}
EOF
"$NGINX" -c "$RAW/nginx/nginx.conf" -e "$RAW/nginx/error.log" >"$RAW/logs/nginx.log" 2>&1 &
server_pid=$!
started_pids+=("$server_pid")
for _ in $(seq 1 50); do port_in_use "$port" && break; sleep 0.1; done
echo "command nginx $("$NGINX" -v 2>&1 | sed 's/.*: //'), worker_processes $(nproc), sendfile on" >>"$RESULTS"
measure_server nginx
stop_pid "$server_pid"
fi

# --------------------------------------------------- 1 GiB file download
# curl's average rate over the whole file; ours and the minimal servers
# (TransmitFile; ReadFile + send) send the same file.
phase download && for entry in "winsock_blocking - winsock_blocking" "winsock_iocp - winsock_iocp" \
             "httpapi_sync1:ours n httpapi_sync" "httpapi_sync1:builtin b httpapi_sync"; do
    read -r label override exe <<<"$entry"
    log "download: $label"
    if ! start_server "$RAW/logs/download-$label.log" "$override" "$exe" --file "$WIN_RAW\\big.bin"; then
        echo "download_notrun $label $start_error" >>"$RESULTS"
        continue
    fi
    for run in $(seq 1 "$DOWNLOADS"); do
        # A server that stops sending (or never starts) is given up after 15 s.
        out=$(curl -s -o /dev/null --max-time 600 --speed-limit 1 --speed-time 15 \
            -w '%{http_code} %{size_download} %{speed_download}' "http://127.0.0.1:$port/file" 2>&1 || true)
        echo "download $label $run $out $((FILE_MIB * 1048576))" >>"$RESULTS"
        case "$out" in 200\ $((FILE_MIB * 1048576))\ *) ;; *) break ;; esac
    done
    echo "download_stats $label $(curl -s --max-time 5 "http://127.0.0.1:$port/stats" | tr -d '\r\n' || echo unreachable)" >>"$RESULTS"
    stop_pid "$server_pid"
done

# ------------------------------------------- memory per idle connection
phase memory && for entry in "httpapi_iocp:ours n httpapi_iocp" "httpapi_sync1:ours n httpapi_sync" \
             "winsock_iocp - winsock_iocp"; do
    read -r label override exe <<<"$entry"
    log "memory: $label, $IDLE_CONNECTIONS idle connections"
    if ! start_server "$RAW/logs/memory-$label.log" "$override" "$exe"; then
        echo "memory_notrun $label $start_error" >>"$RESULTS"
        continue
    fi
    curl -s --max-time 5 -o /dev/null "http://127.0.0.1:$port/small" || true
    sleep 1
    before_rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$server_pid/status")
    before_private=$(awk '/^Private/ { s += $2 } END { print s }' "/proc/$server_pid/smaps_rollup")
    fifo="$RAW/idle.fifo"
    rm -f "$fifo"; mkfifo "$fifo"
    "$RAW/idle_clients" "$port" "$IDLE_CONNECTIONS" <"$fifo" >"$RAW/idle.out" 2>&1 &
    client_pid=$!
    started_pids+=("$client_pid")
    exec 4>"$fifo"
    for _ in $(seq 1 1200); do
        grep -q '^held=' "$RAW/idle.out" && break
        kill -0 "$client_pid" 2>/dev/null || break
        sleep 0.1
    done
    sleep 2
    after_rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$server_pid/status" 2>/dev/null || echo 0)
    after_private=$(awk '/^Private/ { s += $2 } END { print s }' "/proc/$server_pid/smaps_rollup" 2>/dev/null || echo 0)
    exec 4>&-
    for _ in $(seq 1 100); do kill -0 "$client_pid" 2>/dev/null || break; sleep 0.1; done
    stop_pid "$client_pid"
    echo "memory $label $IDLE_CONNECTIONS rss_kib=$before_rss,$after_rss private_kib=$before_private,$after_private $(tr '\n' ' ' <"$RAW/idle.out")" >>"$RESULTS"
    kill -0 "$server_pid" 2>/dev/null || echo "crashed memory-$label" >>"$RESULTS"
    stop_pid "$server_pid"
done

# ------------------------------------------------ wineserver round trips
# A wineserver of our own with request tracing (-d1), persistent for a few
# seconds so that it outlives the gaps between servers; it must be the one
# that serves the prefix, so any other must be gone first.
if phase roundtrips; then
for _ in $(seq 1 300); do prefix_wineserver >/dev/null || break; sleep 0.1; done
if prefix_wineserver >/dev/null; then
    echo "roundtrip_notrun all the prefix's wineserver did not exit" >>"$RESULTS"
else
    log "round trips: tracing wineserver"
    TRACE="$RAW/trace.log"
    wineserver -f -d1 -p10 2>"$TRACE" &
    tracer_pid=$!
    started_pids+=("$tracer_pid")
    sleep 0.5
    urls() { for _ in $(seq 1 "$2"); do printf 'url = "http://127.0.0.1:%s/%s"\noutput = /dev/null\n' "$port" "$1"; done; }
    for entry in "winsock_blocking - winsock_blocking" "winsock_iocp - winsock_iocp --threads 2" \
                 "httpapi_sync1:ours n httpapi_sync --threads 1" "httpapi_iocp:ours n httpapi_iocp --threads 2 --outstanding 8" \
                 "httpapi_threadpool:ours n httpapi_threadpool --outstanding 8" \
                 "httpapi_sync1:builtin b httpapi_sync --threads 1" "httpapi_iocp:builtin b httpapi_iocp --threads 2 --outstanding 8" \
                 "httpapi_threadpool:builtin b httpapi_threadpool --outstanding 8"; do
        read -r label override exe args <<<"$entry"
        for path in $PATHS; do
            # From before the start: the program's first threads (and the
            # DLL's) introduce themselves then.
            offset=$(stat -c %s "$TRACE")
            # shellcheck disable=SC2086
            if ! start_server "$RAW/logs/rt-$label.log" "$override" "$exe" $args; then
                echo "roundtrip_notrun $label $start_error" >>"$RESULTS"
                break
            fi
            tids="$RAW/tids.txt"
            : >"$tids"
            ( while kill -0 "$server_pid" 2>/dev/null; do ls "/proc/$server_pid/task" >>"$tids" 2>/dev/null; sleep 0.05; done ) &
            poller=$!
            { urls "$path" 100; urls mark-start 1; urls "$path" "$ROUNDTRIP_REQUESTS"; urls mark-end 1; } >"$RAW/urls.cfg"
            codes=$(curl -s -K "$RAW/urls.cfg" -w '%{http_code}\n' | sort | uniq -c | tr -s ' \n' ' ')
            ls "/proc/$server_pid/task" >>"$tids" 2>/dev/null || true
            stop_pid "$server_pid"
            wait "$poller" 2>/dev/null || true
            tail -c +"$((offset + 1))" "$TRACE" >"$RAW/trace-part.log"
            row=$("$PYTHON" bench/http/count_roundtrips.py "$RAW/trace-part.log" "$tids" "$ROUNDTRIP_REQUESTS" "$label" 2>&1 || true)
            echo "roundtrip $path $row codes=$codes" >>"$RESULTS"
        done
    done
    # It leaves by itself 10 s after the last program; waiting is cheaper
    # than a second trace-free prefix.
    for _ in $(seq 1 200); do kill -0 "$tracer_pid" 2>/dev/null || break; sleep 0.1; done
    stop_pid "$tracer_pid"
fi
fi

# ------------------------------------------------------------------ report
END=$(date +%s)
export BENCH_COMMAND="$COMMAND" BENCH_SECONDS=$((END - START)) BENCH_QUICK=$QUICK
export BENCH_RUNS=$RUNS BENCH_SECONDS_PER_RUN=$SECONDS_PER_RUN BENCH_IDLE_CONNECTIONS=$IDLE_CONNECTIONS
export BENCH_FILE_MIB=$FILE_MIB BENCH_DOWNLOADS=$DOWNLOADS BENCH_ROUNDTRIP_REQUESTS=$ROUNDTRIP_REQUESTS
export BENCH_CPU BENCH_NPROC BENCH_MEMORY BENCH_WINE BENCH_KERNEL BENCH_COMMIT BENCH_COMPILER BENCH_WRK BENCH_CURL
BENCH_CPU=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
BENCH_NPROC=$(nproc)
BENCH_MEMORY=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
BENCH_WINE=$("$WINE64" --version 2>/dev/null || echo unknown)
BENCH_KERNEL=$(uname -sr)
BENCH_COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null || true)" ]; then
    BENCH_COMMIT="$BENCH_COMMIT (with uncommitted changes)"
fi
BENCH_COMPILER=$(x86_64-w64-mingw32-gcc --version | head -1)
BENCH_WRK=$( (wrk --version 2>&1 || true) | head -1 | cut -d" " -f1-2)
BENCH_CURL=$(curl --version | head -1 | cut -d' ' -f1-2)
mkdir -p "$OUT"
"$PYTHON" bench/report_http.py "$RAW" "$OUT"
# The raw results stay in the build tree, to look into a figure (without
# the big file and the traces).
KEEP=build/bench-http-raw
[ "$QUICK" = 1 ] && KEEP=$KEEP-quick
rm -rf "$KEEP"
mkdir -p "$KEEP"
cp -r "$RAW/results.txt" "$RAW/wrk" "$RAW/logs" "$KEEP/"
log "wrote $OUT/BENCHMARKS.md (HTTP section), $OUT/benchmarks-http.csv, $OUT/benchmarks-http.png in $((END - START)) s"
