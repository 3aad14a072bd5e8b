#!/usr/bin/env bash
# run-https.sh SERVER_EXE HTTPCFG_EXE
#
# HTTPS end to end: examples/server.c with --https, running under Wine with
# this project's httpapi.dll (the one beside it), configured the way the
# README says (a certificate made with openssl, imported with httpcfg, SSL
# bindings added with httpcfg), talked to with curl and openssl s_client
# over 127.0.0.1 only. Every wait is bounded; every process is stopped by
# PID; the bindings and certificates are deleted at the end. Prints
# "N passed, M failed" last; exits 77 (skipped) when wine, curl or openssl
# is missing, or the programs are 32-bit and 32-bit Wine is not installed.
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 SERVER_EXE HTTPCFG_EXE" >&2
    exit 2
fi
server_exe=$1
httpcfg_exe=$2

# shellcheck source=tests/clients/harness.sh
. "$(dirname "$0")/harness.sh"
skip_unless_runnable "$server_exe" wine curl openssl sha256sum
work=$(mktemp -d "${TMPDIR:-/tmp}/run-https.XXXXXX")
# What this run stored in the prefix, undone at the end: httpcfg delete
# arguments, one binding or certificate per entry.
bindings=()
certificates=()

# httpcfg ARGS...: runs the tool (bounded), its output without CRs.
httpcfg() {
    timeout 60 wine "$httpcfg_exe" "$@" </dev/null 2>&1 | tr -d '\r'
    return "${PIPESTATUS[0]}"
}

# Deletes what this run stored; names what it could not delete.
undo_configuration() {
    local entry
    for entry in "${bindings[@]}"; do
        httpcfg delete sslcert "$entry" >"$work/undo" || { echo "note: delete sslcert $entry failed:"; cat "$work/undo"; }
    done
    bindings=()
    for entry in "${certificates[@]}"; do
        httpcfg delete cert "certhash=$entry" >"$work/undo" || { echo "note: delete cert $entry failed:"; cat "$work/undo"; }
    done
    certificates=()
}

cleanup() {
    stop_started_processes
    undo_configuration
    finish_run
}
trap cleanup EXIT
start_watchdog run-https 220

for exe in "$server_exe" "$httpcfg_exe"; do
    if [ ! -f "$(dirname "$exe")/httpapi.dll" ]; then
        fail "httpapi.dll beside $exe"
        exit 1
    fi
done

windows_path() { echo "Z:${1//\//\\}"; }
# A port in 50000-59999 that nothing listens on and no other call picked.
picked_ports=" "
free_port() {
    local candidate
    for _ in $(seq 1 50); do
        candidate=$((50000 + (RANDOM * 32768 + RANDOM) % 10000))
        case $picked_ports in *" $candidate "*) continue ;; esac
        port_in_use "$candidate" && continue
        picked_ports="$picked_ports$candidate "
        echo "$candidate"
        return 0
    done
    return 1
}

# add_binding KEY=VALUE ARGS...: httpcfg add sslcert, remembered for the end.
add_binding() {
    local key=$1
    shift
    if httpcfg add sslcert "$@" >"$work/add" && grep -q 'successfully added' "$work/add"; then
        bindings+=("$key")
        return 0
    fi
    cat "$work/add"
    return 1
}

# start_server LOG PORT: server --https PORT, waits for "listening on".
# Sets server_pid.
start_server() {
    local log=$1 port=$2
    wine "$server_exe" "$port" --https >"$log" 2>&1 </dev/null &
    server_pid=$!
    started_pids+=("$server_pid")
    for _ in $(seq 1 300); do
        grep -q '^listening on https://+:' "$log" 2>/dev/null && return 0
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "--- $server_exe --https $port did not start listening:"; cat "$log"
    stop_pid "$server_pid"
    return 1
}

# stop_server PORT HOST: GET /stop over TLS, then the exit code.
stop_server() {
    curl -sS -k --max-time 30 --noproxy '*' --resolve "$2:$1:127.0.0.1" -o /dev/null "https://$2:$1/stop"
    wait_exit "$server_pid" 20
    check "server on port $1 exits with 0 after /stop" [ "$exit_code" = 0 ]
}

# subject_seen PORT [s_client options]: the subject of the certificate the
# server presents, as "CN=name".
subject_seen() {
    local port=$1
    shift
    timeout 15 openssl s_client -connect "127.0.0.1:$port" "$@" </dev/null 2>/dev/null |
        openssl x509 -noout -subject -nameopt RFC2253 2>/dev/null | sed 's/^subject=//'
}

# value_of FILE NAME: the value of a "name=value" line of /tls.
value_of() { tr -d '\r' <"$1" | sed -n "s/^$2=//p" | head -n 1; }
nonzero() { [ -n "$1" ] && [ "$1" != 0 ]; }
# curl_failed STATUS CODE: curl ended in error without any HTTP status.
curl_failed() { [ "$1" -ne 0 ] && [ "$2" = 000 ]; }
delete_binding() { httpcfg delete sslcert "$1" | grep -q 'successfully deleted'; }
delete_certificate() { httpcfg delete cert "certhash=$1" >/dev/null; }
one_of() { local value=$1; shift; for v in "$@"; do [ "$value" = "$v" ] && return 0; done; return 1; }

############################################################# certificates
echo "# certificates"
# The README's way: a certificate and key made with openssl, put in a PFX,
# imported into LOCAL_MACHINE\MY with httpcfg, which prints the hash.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,DNS:alt.example \
    -keyout "$work/server-key.pem" -out "$work/server.pem" 2>"$work/openssl.log"
openssl pkcs12 -export -in "$work/server.pem" -inkey "$work/server-key.pem" -passout pass:run-https \
    -out "$work/server.pfx" 2>>"$work/openssl.log"
check "openssl made the server certificate and its PFX" [ -s "$work/server.pfx" ]
httpcfg import cert "file=$(windows_path "$work/server.pfx")" password=run-https >"$work/import"
server_hash=$(sed -n 's/^certhash=//p' "$work/import" | head -n 1)
[ -n "$server_hash" ] && certificates+=("$server_hash")
expected_hash=$(openssl x509 -in "$work/server.pem" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')
check "httpcfg import cert prints the certificate's SHA-1 hash" [ "$server_hash" = "$expected_hash" ]

httpcfg create cert subject=CN=sni.example >"$work/create"
sni_hash=$(sed -n 's/^certhash=//p' "$work/create" | head -n 1)
[ -n "$sni_hash" ] && certificates+=("$sni_hash")
check "httpcfg create cert subject=CN=sni.example prints a hash" [ ${#sni_hash} -eq 40 ]

# A client certificate, for the port that negotiates one.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=client.example \
    -keyout "$work/client-key.pem" -out "$work/client.pem" 2>>"$work/openssl.log"
client_der_bytes=$(openssl x509 -in "$work/client.pem" -outform DER | wc -c)

app_id='{7d4f1a2b-3c5e-4f60-8a9b-0c1d2e3f4a5b}'
main_port=$(free_port)
client_cert_port=$(free_port)
sni_only_port=$(free_port)

# data-plane.md §9.5: bindings by IP:port (0.0.0.0 = every address) and by
# host name:port (SNI); DefaultFlags NEGOTIATE_CLIENT_CERT (0x2), which
# httpcfg calls clientcertnegotiation=enable as netsh does.
check "add sslcert ipport=0.0.0.0:$main_port" \
    add_binding "ipport=0.0.0.0:$main_port" "ipport=0.0.0.0:$main_port" "certhash=$server_hash" "appid=$app_id"
check "add sslcert hostnameport=sni.example:$main_port" \
    add_binding "hostnameport=sni.example:$main_port" "hostnameport=sni.example:$main_port" "certhash=$sni_hash" \
    "appid=$app_id"
check "add sslcert ipport=0.0.0.0:$client_cert_port clientcertnegotiation=enable" \
    add_binding "ipport=0.0.0.0:$client_cert_port" "ipport=0.0.0.0:$client_cert_port" "certhash=$server_hash" \
    "appid=$app_id" clientcertnegotiation=enable
check "add sslcert hostnameport=sni.example:$sni_only_port (no IP:port binding)" \
    add_binding "hostnameport=sni.example:$sni_only_port" "hostnameport=sni.example:$sni_only_port" \
    "certhash=$sni_hash" "appid=$app_id"

################################################################ main port
echo "# server --https $main_port"
pattern() { head -c "$1" /dev/urandom; }
pattern 102400 >"$work/upload-100k"
pattern 5242880 >"$work/upload-5m"
if start_server "$work/server-main.log" "$main_port"; then
    base="https://localhost:$main_port"
    # The certificate is verified for real: the exported PEM is the only
    # trusted CA and the name is the one it was made for.
    c=(curl -sS --max-time 30 --noproxy '*' --resolve "localhost:$main_port:127.0.0.1" --cacert "$work/server.pem")

    out=$("${c[@]}" --tlsv1.2 --tls-max 1.2 -v -o "$work/body" -w '%{http_code} %{ssl_verify_result}' "$base/" 2>"$work/verbose")
    check "TLS 1.2 GET / is 200 with a verified certificate ($out)" [ "$out" = "200 0" ]
    check "TLS 1.2 GET / body" file_is "$work/body" 'hello from httpapi.dll\n'
    check "TLS 1.2 was negotiated" grep -q 'SSL connection using TLSv1.2' "$work/verbose"
    check "curl saw subject CN=localhost" grep -q 'subject: CN=localhost' "$work/verbose"

    out=$("${c[@]}" --tlsv1.3 -v -o "$work/body" -w '%{http_code} %{ssl_verify_result}' "$base/" 2>"$work/verbose")
    check "TLS 1.3 GET / is 200 with a verified certificate ($out)" [ "$out" = "200 0" ]
    check "TLS 1.3 GET / body" file_is "$work/body" 'hello from httpapi.dll\n'
    check "TLS 1.3 was negotiated" grep -q 'SSL connection using TLSv1.3' "$work/verbose"
    check "ALPN http/1.1 accepted (src/tls/tls_session.h)" grep -q 'ALPN: server accepted http/1.1' "$work/verbose"

    # §9.5: the host:port binding for the name the client sends, else the
    # IP:port one.
    out=$(subject_seen "$main_port" -servername sni.example)
    check "SNI sni.example gets the sni.example certificate ($out)" [ "$out" = "CN=sni.example" ]
    out=$(subject_seen "$main_port" -servername unknown.example)
    check "an unknown SNI name falls back to the IP:port certificate ($out)" [ "$out" = "CN=localhost" ]
    out=$(subject_seen "$main_port" -noservername)
    check "no SNI at all gets the IP:port certificate ($out)" [ "$out" = "CN=localhost" ]
    code=$(curl -sS -k --max-time 30 --noproxy '*' --resolve "sni.example:$main_port:127.0.0.1" -v -o "$work/body" \
           -w '%{http_code}' "https://sni.example:$main_port/" 2>"$work/verbose")
    check "curl to sni.example is served (200)" [ "$code" = 200 ]
    check "curl to sni.example saw subject CN=sni.example" grep -q 'subject: CN=sni.example' "$work/verbose"

    for upload in upload-100k upload-5m; do
        code=$("${c[@]}" -o "$work/body" -w '%{http_code}' --data-binary @"$work/$upload" \
               -H 'Content-Type: application/octet-stream' "$base/echo")
        check "POST /echo of $upload over TLS is 200" [ "$code" = 200 ]
        check "POST /echo of $upload comes back intact (sha256)" \
            [ "$(sha256sum <"$work/body")" = "$(sha256sum <"$work/$upload")" ]
    done

    out=$("${c[@]}" -o /dev/null -o /dev/null -w '%{http_code}:%{num_connects} ' "$base/" "$base/tls")
    check "two requests reuse one TLS connection ($out)" [ "$out" = "200:1 200:0 " ]

    code=$("${c[@]}" -o "$work/tls" -w '%{http_code}' "$base/tls")
    check "GET /tls is 200" [ "$code" = 200 ]
    check "/tls: scheme=https (data-plane.md §4.3 #10)" [ "$(value_of "$work/tls" scheme)" = https ]
    raw=$(value_of "$work/tls" raw_connection_id)
    check "/tls: raw_connection_id nonzero ($raw, §3.3)" nonzero "$raw"
    check "/tls: server_key_bits=2048 (§11 HTTP_SSL_INFO)" [ "$(value_of "$work/tls" server_key_bits)" = 2048 ]
    bits=$(value_of "$work/tls" connection_key_bits)
    check "/tls: connection_key_bits is 128 or 256 ($bits)" one_of "$bits" 128 256
    check "/tls: issuer has CN=localhost" grep -q '^issuer=.*CN=localhost' "$work/tls"
    check "/tls: subject has CN=localhost" grep -q '^subject=.*CN=localhost' "$work/tls"
    check "/tls: client_cert_negotiated=0 without negotiation" [ "$(value_of "$work/tls" client_cert_negotiated)" = 0 ]
    check "/tls: no client certificate in the request" bash -c "! grep -q '^client_cert_bytes=' '$work/tls'"
    check "/tls: HttpReceiveClientCertificate gives ERROR_NOT_FOUND (1168, §7.4)" \
        [ "$(value_of "$work/tls" receive_client_certificate)" = 1168 ]

    # Hostile clients: plain HTTP on the TLS port, a ClientHello cut off
    # after 50 bytes, and one that stalls; none stops the server.
    code=$(curl -sS --max-time 10 --noproxy '*' -o "$work/body" -w '%{http_code}' "http://127.0.0.1:$main_port/" 2>/dev/null)
    status=$?
    check "plain HTTP on the TLS port gets no HTTP response (curl exit $status, code $code)" \
        curl_failed "$status" "$code"
    # The ClientHello record promises 200 bytes; 50 come, then the client's
    # FIN. The server must end the connection itself, at once (compat.md,
    # HTTPS: the alert OpenSSL writes, if any, then the close), and serve on.
    { printf '\x16\x03\x01\x00\xc8\x01\x00\x00\xc4\x03\x03'; head -c 39 /dev/zero; } >"$work/truncated-hello"
    read -r how bytes ms < <(talk "$main_port" "$work/truncated-hello" 1)
    check "a truncated ClientHello: the server closes the connection within 2 s ($how after $ms ms, $bytes bytes)" \
        bash -c "[ '$how' = closed ] && [ '$bytes' -eq 0 ] && [ '$ms' -le 2000 ]"
    out=$("${c[@]}" -o "$work/body" -w '%{http_code} %{ssl_verify_result}' "$base/")
    check "served right after the truncated ClientHello ($out)" [ "$out" = "200 0" ]
    timeout 20 bash -c '
        exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
        printf "\x16\x03\x01\x00\xc8\x01" >&3
        sleep 3
    ' stalled "$main_port" 2>/dev/null &
    stalled_pid=$!
    started_pids+=("$stalled_pid")
    sleep 0.5
    out=$("${c[@]}" -o "$work/body" -w '%{http_code} %{ssl_verify_result}' "$base/")
    check "served while a handshake stalls on another connection ($out)" [ "$out" = "200 0" ]
    stop_pid "$stalled_pid"
    out=$("${c[@]}" -o "$work/body" -w '%{http_code} %{ssl_verify_result}' "$base/")
    check "still serving TLS after the hostile clients ($out)" [ "$out" = "200 0" ]

    stop_server "$main_port" localhost
else
    fail "server --https $main_port starts listening"
fi

################################################## client certificate port
echo "# server --https $client_cert_port (clientcertnegotiation=enable)"
if start_server "$work/server-client-cert.log" "$client_cert_port"; then
    base="https://localhost:$client_cert_port"
    c=(curl -sS --max-time 30 --noproxy '*' --resolve "localhost:$client_cert_port:127.0.0.1" --cacert "$work/server.pem")
    code=$("${c[@]}" --cert "$work/client.pem" --key "$work/client-key.pem" -o "$work/tls" -w '%{http_code}' "$base/tls")
    check "GET /tls with a client certificate is 200" [ "$code" = 200 ]
    check "/tls: client_cert_negotiated=1" [ "$(value_of "$work/tls" client_cert_negotiated)" = 1 ]
    check "/tls: client_cert_bytes is the client certificate's DER size ($client_der_bytes)" \
        [ "$(value_of "$work/tls" client_cert_bytes)" = "$client_der_bytes" ]
    # CertFlags is the chain's CERT_E_* status (ns-http-http_ssl_client_cert_info.md):
    # a self-signed client certificate no trusted root vouches for.
    check "/tls: client_cert_flags=0x800b0109 (CERT_E_UNTRUSTEDROOT)" \
        [ "$(value_of "$work/tls" client_cert_flags)" = 0x800b0109 ]
    check "/tls: HttpReceiveClientCertificate gives NO_ERROR (§7.4)" \
        [ "$(value_of "$work/tls" receive_client_certificate)" = 0 ]
    check "/tls: HttpReceiveClientCertificate returns the certificate ($client_der_bytes bytes)" \
        [ "$(value_of "$work/tls" received_cert_bytes)" = "$client_der_bytes" ]

    code=$("${c[@]}" -o "$work/tls" -w '%{http_code}' "$base/tls")
    check "without a client certificate the request is still served" [ "$code" = 200 ]
    check "/tls without one: HttpReceiveClientCertificate gives ERROR_NOT_FOUND (1168)" \
        [ "$(value_of "$work/tls" receive_client_certificate)" = 1168 ]
    check "/tls without one: no client certificate in the request" bash -c "! grep -q '^client_cert_bytes=' '$work/tls'"
    stop_server "$client_cert_port" localhost
else
    fail "server --https $client_cert_port starts listening"
fi

################################################### port with SNI binding only
echo "# server --https $sni_only_port (only hostnameport=sni.example)"
if start_server "$work/server-sni-only.log" "$sni_only_port"; then
    sni=(curl -sS -k --max-time 30 --noproxy '*')
    code=$("${sni[@]}" --resolve "sni.example:$sni_only_port:127.0.0.1" -o "$work/body" -w '%{http_code}' \
           "https://sni.example:$sni_only_port/")
    check "SNI-only port: sni.example is served" [ "$code" = 200 ]
    "${sni[@]}" --resolve "other.example:$sni_only_port:127.0.0.1" -o /dev/null "https://other.example:$sni_only_port/" \
        2>/dev/null
    status=$?
    check "SNI-only port: another name fails the handshake (curl exit $status, 35 expected)" [ "$status" = 35 ]
    "${sni[@]}" -o /dev/null "https://127.0.0.1:$sni_only_port/" 2>/dev/null
    status=$?
    check "SNI-only port: no SNI fails the handshake (curl exit $status)" [ "$status" = 35 ]
    code=$("${sni[@]}" --resolve "sni.example:$sni_only_port:127.0.0.1" -o "$work/body" -w '%{http_code}' \
           "https://sni.example:$sni_only_port/")
    check "SNI-only port: still serving after the failed handshakes" [ "$code" = 200 ]
    stop_server "$sni_only_port" sni.example
else
    fail "server --https $sni_only_port starts listening"
fi

################################################################## cleanup
echo "# cleanup"
for entry in "${bindings[@]}"; do
    check "delete sslcert $entry" delete_binding "$entry"
done
bindings=()
for entry in "${certificates[@]}"; do
    check "delete cert certhash=$entry" delete_certificate "$entry"
done
certificates=()
httpcfg show cert >"$work/left"
status=$?
check "httpcfg show cert succeeds after the cleanup (exit $status)" [ "$status" -eq 0 ]
check "no certificate of this run is left in LOCAL_MACHINE\\MY" \
    bash -c "! grep -qiE '$server_hash|${sni_hash:-none}' '$work/left'"

if [ "$failed" -gt 0 ]; then
    for log in "$work"/*.log; do
        echo "--- $(basename "$log"):"
        tail -n 40 "$log"
    done
fi
[ "$failed" -eq 0 ]
