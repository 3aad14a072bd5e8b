#!/usr/bin/env bash
# demo.sh - shows this project's httpapi.dll serving HTTP under Wine.
#
# Installs what it needs (scripts/install-deps.sh), builds the x86_64 DLL and
# examples/server.c (an HTTP Server API 2.0 server) with the mingw-x64
# preset, runs server.exe under Wine with our DLL on a free port of
# 127.0.0.1, and talks to it with curl, printing what goes over the wire:
# GET, POST, HEAD, a path the program does not know, a malformed request.
# Then GET /stop ends the server, and the script checks that nothing it
# started is left running.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset mingw-x64 >/dev/null
cmake --build --preset mingw-x64 --target httpapi server -j "$(nproc)"
bin=build/mingw-x64/bin

export WINEDLLOVERRIDES=httpapi=n WINEDEBUG=-all
log=$(mktemp "${TMPDIR:-/tmp}/demo-server.XXXXXX")
server_pid=
wineservers_before=$(pgrep '^wineserver' | sort || true)

finish() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        sleep 1
        kill -9 "$server_pid" 2>/dev/null || true
    fi
    rm -f "$log"
}
trap finish EXIT

if [ -t 1 ]; then
    heading() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
else
    heading() { printf '\n== %s\n' "$*"; }
fi

# Starts server.exe on a free port in 50000-59999 (another try if the port
# was taken meanwhile: ERROR_SHARING_VIOLATION 32, ERROR_ALREADY_EXISTS 183).
for _ in 1 2 3 4 5; do
    port=$((50000 + (RANDOM * 32768 + RANDOM) % 10000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
    wine "$bin/server.exe" "$port" >"$log" 2>&1 </dev/null &
    server_pid=$!
    for _ in $(seq 1 300); do
        grep -q '^listening on' "$log" && break
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    grep -q '^listening on' "$log" && break
    if kill -0 "$server_pid" 2>/dev/null || ! tr -d '\r' <"$log" | grep -qE 'error (32|183)$'; then
        echo "server.exe did not start:"
        cat "$log"
        exit 1
    fi
    server_pid=
done
[ -n "$server_pid" ] || { echo "no free port found"; exit 1; }

heading "wine $bin/server.exe $port  (pid $server_pid, our httpapi.dll)"
tr -d '\r' <"$log"

# curl -v shows the request (> lines) and the response (< lines) as sent,
# then the body. curl connects to 127.0.0.1 and sends Host: localhost:PORT,
# the host the server registered.
base="http://localhost:$port"
wire() {
    curl -sSv --max-time 20 --noproxy '*' --resolve "localhost:$port:127.0.0.1" "$@" 2>&1 |
        grep -v -E '^\* |^\{ |^\} ' | tr -d '\r' || true
}

heading "GET /"
wire "$base/"
heading "POST /echo  (body 'ping from curl', Content-Type text/x-demo)"
wire -H 'Content-Type: text/x-demo' --data-binary 'ping from curl' "$base/echo"
echo
heading "HEAD /  (headers only)"
wire -I -o /dev/null "$base/"
heading "GET /headers  (the server lists what it received)"
wire -H 'X-Demo: hello' "$base/headers"
heading "GET /download?size=100  (sent in pieces with HttpSendResponseEntityBody)"
wire "$base/download?size=100"
heading "GET /no-such-page  (the program answers 404)"
wire "$base/no-such-page"
heading "a malformed request: 'get / HTTP/1.1' (lowercase verb) - the DLL answers, the program never sees it"
printf '> get / HTTP/1.1\n> Host: localhost:%s\n' "$port"
timeout 10 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1"
    printf "get / HTTP/1.1\r\nHost: localhost:%s\r\n\r\n" "$1" >&3
    timeout 5 cat <&3
' demo "$port" 2>&1 | tr -d '\r' | sed 's/^/< /' || true
echo
heading "GET /stop"
wire "$base/stop"

for _ in $(seq 1 100); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
status=0
if kill -0 "$server_pid" 2>/dev/null; then
    echo "server.exe (pid $server_pid) is still running after /stop"
    status=1
else
    wait "$server_pid" || status=$?
    heading "server.exe exited with $status; its log, one line per request:"
    tr -d '\r' <"$log"
fi
server_pid=

# Wine's own processes go when their last program has gone; a wineserver
# that this script started must be gone too.
leftover=
for _ in $(seq 1 100); do
    leftover=$(comm -13 <(echo "$wineservers_before") <(pgrep '^wineserver' | sort || true))
    [ -z "$leftover" ] && break
    sleep 0.1
done
if [ -n "$leftover" ]; then
    echo "note: wineserver $leftover (started by this demo) is still running"
else
    echo "no process started by this demo is left"
fi
exit "$status"
