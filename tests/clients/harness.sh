# harness.sh - what the client scripts (run-clients.sh, run-https.sh) share:
# the skip checks, results, stopping what they started, and a time limit.
# Sourced; the script sets `work` (its scratch directory) before finish_run,
# which its EXIT trap calls.

# shellcheck source=tests/skip.sh
. "$(dirname "${BASH_SOURCE[0]}")/../skip.sh"

# skip_unless_runnable PROGRAM TOOL...: exits 77 (skipped; under CI=true,
# failed: tests/skip.sh) when a tool is missing, or PROGRAM is 32-bit and
# 32-bit Wine is not installed; then runs Windows programs with this
# project's httpapi.dll (the one beside them).
skip_unless_runnable() {
    local program=$1 tool
    shift
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 ||
            skip_run "$tool is not installed (scripts/install-deps.sh installs it)"
    done
    skip_unless_wine_runs "$program"
    export WINEDLLOVERRIDES="httpapi=n${WINEDLLOVERRIDES:+;$WINEDLLOVERRIDES}"
    export WINEDEBUG=${WINEDEBUG:--all}
}

passed=0
failed=0
started_pids=()
wineservers_before=$(pgrep '^wineserver' | sort)

pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() { failed=$((failed + 1)); echo "not ok - $1"; }
# check NAME COMMAND...: one result per check.
check() {
    local name=$1
    shift
    if "$@"; then pass "$name"; else fail "$name"; fi
}

# Whether something listens on 127.0.0.1:PORT.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# file_is FILE TEXT: FILE holds exactly TEXT (printf %b escapes).
file_is() { cmp -s "$1" <(printf '%b' "$2"); }

# talk PORT FILE HALF_CLOSE: sends FILE's bytes on a new connection to
# 127.0.0.1:PORT, then (HALF_CLOSE 1) shuts down its sending side, and
# reads until the server ends the connection or 10 s pass. Prints how it
# ended (closed, reset or timeout), the bytes received, and the
# milliseconds from the last byte sent to that end.
talk() {
    perl -MIO::Socket::INET -MTime::HiRes=time -e '
        my ($port, $file, $half) = @ARGV;
        open(my $in, "<:raw", $file) or die "$file: $!\n";
        my $data = do { local $/; <$in> };
        my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $port) or die "connect: $!\n";
        syswrite($s, $data) == length($data) or die "send: $!\n";
        shutdown($s, 1) if $half;
        my ($start, $bytes, $how, $buffer) = (time, 0, "timeout");
        eval {
            local $SIG{ALRM} = sub { die "alarm\n" };
            alarm 10;
            while (1) {
                my $got = sysread($s, $buffer, 65536);
                if (!defined $got) { $how = "reset"; last }
                if ($got == 0) { $how = "closed"; last }
                $bytes += $got;
            }
            alarm 0;
        };
        printf "%s %d %d\n", $how, $bytes, (time - $start) * 1000;
    ' "$@"
}

# wait_exit PID SECONDS: waits for the program to end; its exit code in
# exit_code (or "timeout").
wait_exit() {
    local pid=$1 limit=$2
    exit_code=timeout
    for _ in $(seq 1 $((limit * 10))); do
        if ! kill -0 "$pid" 2>/dev/null; then
            wait "$pid"
            exit_code=$?
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# Stops PID: TERM, then KILL after a grace period. Only our own PIDs.
stop_pid() {
    local pid=$1
    kill -0 "$pid" 2>/dev/null || return 0
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 30); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null
}

# Windows programs running now, other than Wine's own helper processes.
user_windows_programs() {
    ps -eo args= | grep -E '^[A-Za-z]:\\' |
        grep -viE '\\(services|winedevice|plugplay|explorer|svchost|rpcss|start|conhost|wineboot)\.exe'
}

stop_started_processes() {
    local pid
    for pid in "${started_pids[@]}"; do
        stop_pid "$pid"
    done
    started_pids=()
}

# A wineserver that this run started leaves by itself once its last program
# is gone; if it stays while no Windows program runs, it is ours to stop
# (never one that was there before). The summary line comes last.
finish_run() {
    local pid
    for pid in $(comm -13 <(echo "$wineservers_before") <(pgrep '^wineserver' | sort)); do
        for _ in $(seq 1 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null && [ -z "$(user_windows_programs)" ]; then
            echo "note: stopping wineserver $pid, started by this run"
            stop_pid "$pid"
        fi
    done
    rm -rf "$work"
    echo "$passed passed, $failed failed"
}

# start_watchdog NAME SECONDS: the whole run is bounded, whatever hangs.
# (One-second sleeps, so that stopping the watchdog leaves nothing behind
# for long.)
start_watchdog() {
    local name=$1 seconds=$2 script_pid=$$
    trap 'fail "finished in time (interrupted)"; exit 1' INT TERM
    (
        for _ in $(seq 1 "$seconds"); do sleep 1; done
        echo "$name: time limit reached" >&2
        kill -TERM "$script_pid"
    ) &
    started_pids+=("$!")
}
