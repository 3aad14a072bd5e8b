#!/usr/bin/env bash
# The long fuzzing run recorded in fuzz/README.md: every target the fuzz
# preset builds (the property validators and API, the HTTP layer, TLS) for
# RUNS executions or SECONDS each from its committed seeds, JOBS targets at
# a time, then a table of executions, speed, wall time, corpus size and
# findings.
#
#   fuzz/run-long.sh [RUNS [JOBS]]          (defaults: 10000000 runs, 2 jobs)
#   fuzz/run-long.sh --seconds SECONDS [JOBS]
#   fuzz/run-long.sh --summary              (the table of the last run again)
#
# Works in build/fuzz/long/<target>/: corpus/ (what libFuzzer found new;
# not committed), artifacts/ (crash inputs: any file there is a finding),
# log. The table goes to stdout and build/fuzz/long/summary.md. Exits
# non-zero when any target found something.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build/fuzz
work=$build/long

# --one TARGET RUNS SECONDS: one target; SECONDS 0 = no time limit.
if [[ ${1:-} == --one ]]; then
    target=$2 runs=$3 seconds=$4
    dir=$work/$target
    rm -rf "$dir"
    mkdir -p "$dir/corpus" "$dir/artifacts"
    start=$(date +%s)
    status=0
    "$build/fuzz/$target" -runs="$runs" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
        "$dir/corpus" "$root/fuzz/corpus/$target" >"$dir/log" 2>&1 || status=$?
    echo "$status $(($(date +%s) - start))" >"$dir/result"
    exit 0
fi

# Every target the preset built (fuzz/CMakeLists.txt's FUZZ_TARGETS), so
# none is left out. The property API target is the slowest: it starts
# first, the others share the other job(s).
list_targets() {
    local program name
    targets=(fuzz_property_api)
    for program in "$build"/fuzz/fuzz_*; do
        name=${program##*/}
        case $name in fuzz_property_api | fuzz_seed_corpus) ;; *) [[ -x $program ]] && targets+=("$name") ;; esac
    done
}

stat() { sed -n "s/^stat::$1: *//p" "$work/$2/log" | tail -1; }
# From libFuzzer's last status line: "cov: N ft: N corp: N/size".
last_status() { grep -E '^#[0-9]+' "$work/$2/log" | tail -1 | sed -n "s/.* $1: \([^ ]*\).*/\1/p"; }

summary() {
    local limit jobs total findings_total=0
    read -r jobs total limit <"$work/run-info"
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
    echo "$limit per target, $jobs at a time, $total s in all, on $(nproc) cores ($(clang --version | head -1))."
    return $((findings_total != 0))
}

if [[ ${1:-} == --summary ]]; then
    list_targets
    summary
    exit
fi

if [[ ${1:-} == --seconds ]]; then
    seconds=$2 jobs=${3:-2} runs=-1
    limit="$seconds s"
else
    seconds=0 runs=${1:-10000000} jobs=${2:-2}
    limit="$runs runs"
fi
cd "$root"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$jobs" >/dev/null
list_targets

mkdir -p "$work"
start=$(date +%s)
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} "$0" --one {} "$runs" "$seconds"
echo "$jobs $(($(date +%s) - start)) $limit" >"$work/run-info"
summary | tee "$work/summary.md"
exit "${PIPESTATUS[0]}"
