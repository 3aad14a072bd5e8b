#!/usr/bin/env bash
# The long fuzzing run recorded in fuzz/README.md: every target for RUNS
# executions from its committed seeds, JOBS targets at a time, then a table
# of executions, speed, wall time, corpus size and findings.
#
#   fuzz/run-long.sh [RUNS [JOBS]]      (defaults: 10000000 runs, 2 jobs)
#   fuzz/run-long.sh --summary          (the table of the last run again)
#
# Works in build/fuzz/long/<target>/: corpus/ (what libFuzzer found new;
# not committed), artifacts/ (crash inputs: any file there is a finding),
# log. The table goes to stdout and build/fuzz/long/summary.md. Exits
# non-zero when any target found something.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build/fuzz
work=$build/long

if [[ ${1:-} == --one ]]; then
    target=$2 runs=$3
    dir=$work/$target
    rm -rf "$dir"
    mkdir -p "$dir/corpus" "$dir/artifacts"
    start=$(date +%s)
    status=0
    "$build/fuzz/$target" -runs="$runs" -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
        "$dir/corpus" "$root/fuzz/corpus/$target" >"$dir/log" 2>&1 || status=$?
    echo "$status $(($(date +%s) - start))" >"$dir/result"
    exit 0
fi

# The property API target is the slowest: it starts first, the validators
# share the other job(s).
targets=(fuzz_property_api fuzz_validate_logging fuzz_validate_authentication fuzz_validate_channel_bind
         fuzz_validate_qos fuzz_validate_binding fuzz_validate_state fuzz_validate_timeouts)

stat() { sed -n "s/^stat::$1: *//p" "$work/$2/log" | tail -1; }
# From libFuzzer's last status line: "cov: N ft: N corp: N/size".
last_status() { grep -E '^#[0-9]+' "$work/$2/log" | tail -1 | sed -n "s/.* $1: \([^ ]*\).*/\1/p"; }

summary() {
    local runs jobs total findings_total=0
    read -r runs jobs total <"$work/run-info"
    echo "| target | executions | exec/s | wall time (s) | edges covered | final corpus (units) |" \
         "corpus files (seeds + new) | findings |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for target in "${targets[@]}"; do
        read -r status seconds <"$work/$target/result"
        seeds=$(find "$root/fuzz/corpus/$target" -type f | wc -l)
        found=$(find "$work/$target/corpus" -type f | wc -l)
        findings=$(find "$work/$target/artifacts" -type f | wc -l)
        if [[ $status != 0 && $findings == 0 ]]; then findings="exit $status"; fi
        [[ $findings == 0 ]] || findings_total=$((findings_total + 1))
        echo "| $target | $(stat number_of_executed_units "$target") | $(stat average_exec_per_sec "$target") |" \
             "$seconds | $(last_status cov "$target") | $(last_status corp "$target" | cut -d/ -f1) |" \
             "$seeds + $found | $findings |"
    done
    echo
    echo "$runs runs per target, $jobs at a time, $total s in all, on $(nproc) cores ($(clang --version | head -1))."
    return $((findings_total != 0))
}

if [[ ${1:-} == --summary ]]; then
    summary
    exit
fi

runs=${1:-10000000}
jobs=${2:-2}
cd "$root"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$jobs" >/dev/null

mkdir -p "$work"
start=$(date +%s)
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} "$0" --one {} "$runs"
echo "$runs $jobs $(($(date +%s) - start))" >"$work/run-info"
summary | tee "$work/summary.md"
exit "${PIPESTATUS[0]}"
