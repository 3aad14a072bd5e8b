#!/usr/bin/env bash
# run-clients.sh SERVER_EXE HTTP_V2_SERVER_EXE
#
# Drives examples/server.c and examples/http_v2_server.c, running under Wine
# with this project's httpapi.dll (the one beside the programs), with real
# clients: curl for single requests and wrk for load. Everything stays on
# 127.0.0.1; every wait is bounded and the whole run takes well under four
# minutes. Prints "N passed, M failed" last; exits 77 (skipped) when wine,
# curl or wrk is missing, or the programs are 32-bit and 32-bit Wine is not
# installed.
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 SERVER_EXE HTTP_V2_SERVER_EXE" >&2
    exit 2
fi
server_exe=$1
v2_exe=$2

# shellcheck source=tests/clients/harness.sh
. "$(dirname "$0")/harness.sh"
skip_unless_runnable "$server_exe" wine curl wrk
work=$(mktemp -d "${TMPDIR:-/tmp}/run-clients.XXXXXX")

cleanup() {
    stop_started_processes
    finish_run
}
trap cleanup EXIT
start_watchdog run-clients 220

for exe in "$server_exe" "$v2_exe"; do
    if [ ! -f "$(dirname "$exe")/httpapi.dll" ]; then
        fail "httpapi.dll beside $exe"
        exit 1
    fi
done

# The pattern the server sends: 16-byte lines "%015x\n" of their own offset.
pattern() {
    awk -v n="$1" 'BEGIN { for (o = 0; o < n; o += 16) printf "%015x\n", o }' | head -c "$1"
}
pattern 10485760 >"$work/pattern-10m"
head -c 1048576 "$work/pattern-10m" >"$work/pattern-1m"
head -c 204800 "$work/pattern-10m" >"$work/upload-200k"
head -c 100000 "$work/pattern-10m" >"$work/upload-100k"

# start_program LOG EXE ARGS... (use @PORT@ for the port): starts the
# program on a free port, waits for its "listening on" line. Sets
# program_pid and port.
start_program() {
    local log=$1 exe=$2 args
    shift 2
    for _ in 1 2 3 4 5; do
        port=$((50000 + (RANDOM * 32768 + RANDOM) % 10000))
        port_in_use "$port" && continue
        args=("${@//@PORT@/$port}")
        wine "$exe" "${args[@]}" >"$log" 2>&1 </dev/null &
        program_pid=$!
        started_pids+=("$program_pid")
        for _ in $(seq 1 300); do
            grep -q '^listening on' "$log" 2>/dev/null && return 0
            kill -0 "$program_pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$program_pid" 2>/dev/null; then
            echo "--- $exe did not start listening within 30 s:"; cat "$log"
            stop_pid "$program_pid"
            return 1
        fi
        # It exited: a port taken meanwhile is worth another try.
        tr -d '\r' <"$log" | grep -qE 'error (32|183)$|failed with (32|183)$' || { echo "--- $exe exited:"; cat "$log"; return 1; }
    done
    echo "--- $exe: no free port found"
    return 1
}

# raw_request TEXT: sends TEXT (printf format) on a new connection to the
# server, prints what came back before the server closed it (or 5 s).
raw_request() {
    timeout 10 bash -c '
        exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
        printf "$2" >&3
        timeout 5 cat <&3
    ' raw "$port" "$1" 2>/dev/null
}

within() { [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }
status_of() { head -n 1 "$1" | tr -d '\r' | awk '{ print $2 }'; }
header_of() { tr -d '\r' <"$1" | awk -v n="$2" 'tolower($0) ~ "^" tolower(n) ":" { sub(/^[^:]*: */, ""); v = $0 } END { print v }'; }

################################################################ server.exe
echo "# server: $server_exe"
if start_program "$work/server.log" "$server_exe" @PORT@; then
    server_pid=$program_pid
    base="http://localhost:$port"
    curl_options=(-sS --max-time 30 --noproxy '*' --resolve "localhost:$port:127.0.0.1")
    c=(curl "${curl_options[@]}")

    code=$("${c[@]}" -o "$work/body" -D "$work/head" -w '%{http_code}' "$base/")
    check "GET / is 200 hello" [ "$code" = 200 ]
    check "GET / body" file_is "$work/body" 'hello from httpapi.dll\n'
    check "GET / Content-Type text/plain" [ "$(header_of "$work/head" Content-Type)" = text/plain ]
    check "GET / Content-Length added (data-plane.md 6.2 #7)" [ "$(header_of "$work/head" Content-Length)" = 23 ]
    check "GET / Server: Microsoft-HTTPAPI/2.0 (6.2 #6)" [ "$(header_of "$work/head" Server)" = Microsoft-HTTPAPI/2.0 ]
    check "GET / has a Date (6.2 #5)" [ -n "$(header_of "$work/head" Date)" ]

    out=$("${c[@]}" -I -o "$work/head" "$base/" --next "${curl_options[@]}" -o "$work/body" -w '%{http_code} %{num_connects}' "$base/")
    check "HEAD / is 200" [ "$(status_of "$work/head")" = 200 ]
    check "GET after HEAD on the same connection (5.8)" [ "$out" = "200 0" ]

    code=$("${c[@]}" -o "$work/body" -D "$work/head" -w '%{http_code}' -H 'Content-Type: text/x-demo' \
           --data-binary 'hello body' "$base/echo")
    check "POST /echo is 200" [ "$code" = 200 ]
    check "POST /echo returns the body" file_is "$work/body" "hello body"
    check "POST /echo keeps the Content-Type" [ "$(header_of "$work/head" Content-Type)" = text/x-demo ]

    code=$("${c[@]}" -o "$work/body" -w '%{http_code}' -H 'Transfer-Encoding: chunked' \
           --data-binary @"$work/upload-200k" "$base/echo")
    check "chunked POST /echo is 200 (ruling #16)" [ "$code" = 200 ]
    check "chunked POST /echo body decoded" cmp -s "$work/body" "$work/upload-200k"

    code=$("${c[@]}" -v -o "$work/body" -w '%{http_code}' -H 'Expect: 100-continue' --expect100-timeout 10 \
           --data-binary @"$work/upload-100k" "$base/echo" 2>"$work/verbose")
    check "Expect: 100-continue POST is 200" [ "$code" = 200 ]
    check "100 Continue sent before the body (5.5, ruling #17)" grep -q '^< HTTP/1.1 100' "$work/verbose"
    check "Expect: 100-continue body echoed" cmp -s "$work/body" "$work/upload-100k"

    code=$("${c[@]}" --http1.0 -o "$work/body" -D "$work/head" -w '%{http_code}' "$base/")
    check "HTTP/1.0 GET is 200" [ "$code" = 200 ]
    check "HTTP/1.0 answered with HTTP/1.1 (5.2)" grep -q '^HTTP/1.1 200' "$work/head"
    check "HTTP/1.0 answered with Connection: close (5.4)" \
        [ "$(header_of "$work/head" Connection | tr 'A-Z' 'a-z')" = close ]

    out=$("${c[@]}" -o /dev/null -o /dev/null -o /dev/null -o /dev/null -w '%{http_code}:%{num_connects} ' \
          "$base/" "$base/headers" "$base/download?size=1000" "$base/nothing-here")
    check "four requests on one connection (5.4)" [ "$out" = "200:1 200:0 200:0 404:0 " ]

    big=$(head -c 9000 /dev/zero | tr '\0' 'b')
    code=$("${c[@]}" -o "$work/body" -w '%{http_code}' -H "X-Big: $big" -H 'X-Other: two words' "$base/headers")
    check "GET /headers with a 9 KB header (ERROR_MORE_DATA path) is 200" [ "$code" = 200 ]
    check "GET /headers echoes the unknown header" grep -qx "X-Big: $big" "$work/body"
    check "GET /headers echoes X-Other" grep -qx 'X-Other: two words' "$work/body"
    check "GET /headers echoes Host" grep -qx "Host: localhost:$port" "$work/body"

    code=$("${c[@]}" -o "$work/body" -D "$work/head" -w '%{http_code}' "$base/file")
    check "GET /file is 200" [ "$code" = 200 ]
    check "GET /file is the 10 MiB pattern (file-handle chunk)" cmp -s "$work/body" "$work/pattern-10m"
    check "GET /file Content-Length 10485760" [ "$(header_of "$work/head" Content-Length)" = 10485760 ]

    code=$("${c[@]}" -o "$work/body" -D "$work/head" -w '%{http_code}' "$base/download?size=1048576")
    check "GET /download is 200" [ "$code" = 200 ]
    check "GET /download is the 1 MiB pattern (MORE_DATA pieces)" cmp -s "$work/body" "$work/pattern-1m"
    check "GET /download Content-Length 1048576" [ "$(header_of "$work/head" Content-Length)" = 1048576 ]

    code=$("${c[@]}" -o "$work/body" -w '%{http_code}' "$base/no/such/page")
    check "GET of an unknown path is 404 from the program" [ "$code" = 404 ]
    check "404 body" file_is "$work/body" 'not found\n'

    # wrk's requests carry their own query, so that the log tells them apart.
    timeout 30 wrk -t2 -c8 -d5s --timeout 5s -H "Host: localhost:$port" "http://127.0.0.1:$port/?wrk" \
        >"$work/wrk" 2>&1
    cat "$work/wrk"
    requests=$(awk '/requests in/ { print $1 }' "$work/wrk")
    check "wrk completed requests" [ "${requests:-0}" -gt 0 ]
    check "wrk: no non-2xx responses" bash -c "! grep -q 'Non-2xx' '$work/wrk'"
    check "wrk: no socket errors" bash -c "! grep 'Socket errors' '$work/wrk' | grep -qv 'connect 0, read 0, write 0, timeout 0'"

    out=$(raw_request 'foo\r\n\r\n')
    check "'foo' request line gets 400 (W: test_v1_bad_request, 5.9)" [ "$(head -n 1 <<<"$out" | tr -d '\r')" = "HTTP/1.1 400 Bad Request" ]
    out=$(raw_request "get / HTTP/1.1\r\nHost: localhost:$port\r\n\r\n")
    check "lowercase verb gets 400 (3.3)" [ "$(head -n 1 <<<"$out" | awk '{ print $2 }')" = 400 ]
    out=$(raw_request "POST /echo HTTP/1.1\r\nHost: localhost:$port\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
    check "Content-Length with Transfer-Encoding gets 400 (ruling #51)" [ "$(head -n 1 <<<"$out" | awk '{ print $2 }')" = 400 ]
    check "400 carries Connection: close (5.9)" grep -qi '^Connection: close' <<<"$out"

    code=$("${c[@]}" -o "$work/body" -w '%{http_code}' "$base/")
    check "still serving after the bad requests" [ "$code" = 200 ]

    code=$("${c[@]}" -o "$work/body" -w '%{http_code}' "$base/stop")
    check "GET /stop says bye" file_is "$work/body" 'bye\n'
    wait_exit "$server_pid" 20
    check "server exits with 0 after /stop" [ "$exit_code" = 0 ]
    # examples/server.c logs "VERB RAW-URL STATUS" per request it answers:
    # every curl request above, in order (the 400s never reach it), and
    # for wrk at least the responses wrk counted and at most one more per
    # connection (those in flight when wrk stopped).
    tr -d '\r' <"$work/server.log" | grep -v '^listening on' >"$work/log-lines"
    grep -vx 'GET /?wrk 200' "$work/log-lines" >"$work/log-curl"
    printf '%s\n' 'GET / 200' 'HEAD / 200' 'GET / 200' 'POST /echo 200' 'POST /echo 200' 'POST /echo 200' \
        'GET / 200' 'GET / 200' 'GET /headers 200' 'GET /download?size=1000 200' 'GET /nothing-here 404' \
        'GET /headers 200' 'GET /file 200' 'GET /download?size=1048576 200' 'GET /no/such/page 404' \
        'GET / 200' 'GET /stop 200' >"$work/log-expected"
    check "server logged one line per curl request, in order ($(wc -l <"$work/log-curl") lines)" \
        cmp -s "$work/log-curl" "$work/log-expected"
    logged_wrk=$(grep -cx 'GET /?wrk 200' "$work/log-lines")
    check "server logged one line per wrk request ($logged_wrk lines, wrk counted ${requests:-0}, 8 connections)" \
        within "$logged_wrk" "${requests:-1}" "$((${requests:-0} + 8))"
else
    fail "server.exe starts listening"
fi

# A directory to serve: /file/NAME, nothing outside it.
mkdir -p "$work/files"
cp "$work/pattern-1m" "$work/files/one.bin"
echo secret >"$work/secret.txt"
if start_program "$work/server-dir.log" "$server_exe" @PORT@ "Z:${work//\//\\}\\files"; then
    server_pid=$program_pid
    base="http://localhost:$port"
    curl_options=(-sS --max-time 30 --noproxy '*' --resolve "localhost:$port:127.0.0.1")
    c=(curl "${curl_options[@]}")
    code=$("${c[@]}" -o "$work/body" -w '%{http_code}' "$base/file/one.bin")
    check "directory mode: GET /file/one.bin" [ "$code" = 200 ]
    check "directory mode: file content" cmp -s "$work/body" "$work/pattern-1m"
    code=$("${c[@]}" --path-as-is -o /dev/null -w '%{http_code}' "$base/file/../secret.txt")
    check "directory mode: no way out with .." [ "$code" = 404 ]
    code=$("${c[@]}" -o /dev/null -w '%{http_code}' "$base/file/..%5Csecret.txt")
    check "directory mode: no way out with an escaped backslash" [ "$code" = 404 ]
    "${c[@]}" -o /dev/null "$base/stop"
    wait_exit "$server_pid" 20
    check "directory-mode server exits with 0" [ "$exit_code" = 0 ]
else
    fail "server.exe starts listening with a directory"
fi

# What a server configures takes effect, seen by curl (issue 11): the URL
# group's bandwidth limit and its EntityBody timer.
if start_program "$work/server-limits.log" "$server_exe" @PORT@ --entity-body-timeout=1 --max-bandwidth=204800; then
    server_pid=$program_pid
    base="http://localhost:$port"
    curl_options=(-sS --max-time 30 --noproxy '*' --resolve "localhost:$port:127.0.0.1")
    c=(curl "${curl_options[@]}")
    speed=$("${c[@]}" -o /dev/null -w '%{speed_download}' "$base/download?size=614400")
    speed=${speed%%.*}
    check "MaxBandwidth 204800: 600 KiB come at 200 KiB/s within 10 % (got ${speed:-0} B/s)" \
        within "${speed:-0}" 184320 225280
    # A chunked upload that stalls after three bytes: the EntityBody timer
    # (one second) closes the connection without a response (ruling #66)
    # between 0.7 and 3.5 s later (tests/wine/test_timers.c's bounds: a
    # 100 ms sweep on a loaded machine); without the timer the server would
    # wait for the rest.
    printf 'POST /echo HTTP/1.1\r\nHost: localhost:%s\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n' "$port" \
        >"$work/stalled-upload"
    read -r how bytes ms < <(talk "$port" "$work/stalled-upload" 0)
    check "EntityBody 1 s: a stalled upload is closed without a response ($how after $ms ms, $bytes bytes)" \
        bash -c "[ '$how' = closed ] && [ '$bytes' -eq 0 ] && [ '$ms' -ge 700 ] && [ '$ms' -le 3500 ]"
    code=$("${c[@]}" -o /dev/null -w '%{http_code}' "$base/")
    check "the server goes on serving after the cut" [ "$code" = 200 ]
    "${c[@]}" -o /dev/null "$base/stop"
    wait_exit "$server_pid" 20
    check "limits server exits with 0" [ "$exit_code" = 0 ]
else
    fail "server.exe starts listening with --entity-body-timeout and --max-bandwidth"
fi

######################################################## http_v2_server.exe
echo "# v2 sample: $v2_exe"
if start_program "$work/v2.log" "$v2_exe" "http://localhost:@PORT@/v2/" 3; then
    v2_pid=$program_pid
    base="http://localhost:$port"
    curl_options=(-sS --max-time 30 --noproxy '*' --resolve "localhost:$port:127.0.0.1")
    c=(curl "${curl_options[@]}")
    code=$("${c[@]}" -o "$work/body" -w '%{http_code}' "$base/v2/")
    check "v2 sample: GET is 200" [ "$code" = 200 ]
    check "v2 sample: GET body" [ "$(tr -d '\r' <"$work/body")" = "hello from the version 2.0 sample server" ]
    code=$("${c[@]}" -o "$work/body" -D "$work/head" -w '%{http_code}' --data-binary @"$work/upload-100k" "$base/v2/post")
    check "v2 sample: POST is 200" [ "$code" = 200 ]
    check "v2 sample: POST counts the body" [ "$(tr -d '\r' <"$work/body")" = "received 100000 bytes" ]
    check "v2 sample: Content-Length of a MORE_DATA response" [ "$(header_of "$work/head" Content-Length)" = 23 ]
    code=$("${c[@]}" -o /dev/null -w '%{http_code}' -X PUT "$base/v2/")
    check "v2 sample: PUT is 501" [ "$code" = 501 ]
    wait_exit "$v2_pid" 20
    check "v2 sample exits with 0 after 3 requests" [ "$exit_code" = 0 ]
else
    fail "http_v2_server.exe starts listening"
fi

if [ "$failed" -gt 0 ]; then
    for log in "$work"/*.log; do
        echo "--- $(basename "$log"):"
        tail -n 40 "$log"
    done
fi
[ "$failed" -eq 0 ]
