#!/usr/bin/env python3
"""Turns the raw results of scripts/bench-http.sh into benchmarks-http.csv,
benchmarks-http.png (gnuplot) and the HTTP section of BENCHMARKS.md (between
the http-benchmark markers; the rest of the file is left as it is).

usage: report_http.py RAW_DIR OUT_DIR   (run details come from BENCH_* variables)
"""
import csv
import glob
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

RAW, OUT = sys.argv[1], sys.argv[2]
ENV = os.environ.get
QUICK = ENV("BENCH_QUICK", "0") == "1"
BEGIN, END = "<!-- http-benchmark:begin -->", "<!-- http-benchmark:end -->"
CONNECTIONS = [1, 8, 64]
PATHS = ["small", "large"]
PATH_TITLE = {"small": "12-byte body", "large": "64 KiB body"}

SERVER_ORDER = ["nginx", "winsock_blocking", "winsock_iocp", "httpapi_sync1:ours", "httpapi_sync4:ours",
                "httpapi_iocp:ours", "httpapi_threadpool:ours", "httpapi_sync1:builtin", "httpapi_sync4:builtin",
                "httpapi_iocp:builtin", "httpapi_threadpool:builtin"]
SHAPE_TITLE = {
    "nginx": "nginx, native (Debian), reference",
    "winsock_blocking": "minimal Winsock: blocking, thread per connection",
    "winsock_iocp": "minimal Winsock: completion port, skip-on-success, 2 workers",
    "httpapi_sync1": "HTTP Server API: synchronous receive loop, 1 thread",
    "httpapi_sync4": "HTTP Server API: synchronous receive loop, 4 threads",
    "httpapi_iocp": "HTTP Server API: overlapped receives on a completion port, 2 workers, 8 outstanding",
    "httpapi_threadpool": "HTTP Server API: thread-pool I/O (CreateThreadpoolIo), 8 outstanding",
}
DLL_TITLE = {"ours": "this project", "builtin": "Wine builtin", "": "-"}


def split_label(label):
    shape, _, dll = label.partition(":")
    return shape, dll


def title(label):
    shape, dll = split_label(label)
    return SHAPE_TITLE.get(shape, shape) + (f" — **{DLL_TITLE[dll]}**" if dll else "")


# ---------------------------------------------------------------- reading
UNIT = {"us": 1.0, "ms": 1000.0, "s": 1e6}


def to_us(text):
    m = re.match(r"([\d.]+)(us|ms|s)$", text)
    return float(m.group(1)) * UNIT[m.group(2)] if m else None


points = defaultdict(list)  # (label, path, c) -> [run dict]
for name in glob.glob(os.path.join(RAW, "wrk", "*.txt")):
    label, path, c, run = os.path.basename(name)[:-4].split(",")
    text = open(name, errors="replace").read()
    r = {"rps": None, "p50": None, "p90": None, "p99": None, "errors": 0, "non2xx": 0, "requests": 0}
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if m:
        r["rps"] = float(m.group(1))
    for pct in ("50", "90", "99"):
        m = re.search(rf"^\s+{pct}%\s+(\S+)", text, re.M)
        if m:
            r["p" + pct] = to_us(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        r["errors"] = sum(int(x) for x in m.groups())
        r["error_text"] = m.group(0)
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if m:
        r["non2xx"] = int(m.group(1))
    m = re.search(r"(\d+) requests in", text)
    if m:
        r["requests"] = int(m.group(1))
    loads = [float(x) for x in re.findall(r"# load_(?:before|after) ([\d.]+)", text)]
    r["loads"] = loads
    if "# wrk exit" in text:
        r["wrk_failed"] = True
    points[(label, path, int(c))].append(r)

facts = defaultdict(dict)  # kind -> {label: text}
notrun = {}
downloads = defaultdict(list)
download_notrun = {}
memory = {}
memory_notrun = {}
roundtrips = {}  # (label, path) -> dict
roundtrip_notrun = {}
with open(os.path.join(RAW, "results.txt")) as f:
    for line in f:
        line = line.rstrip("\n")
        kind, _, rest = line.partition(" ")
        if kind in ("stats", "module", "api", "skipped", "command", "crashed", "download_stats"):
            label, _, text = rest.partition(" ")
            facts[kind][label] = text
        elif kind == "notrun":
            label, _, text = rest.partition(" ")
            notrun[label] = text
        elif kind == "download":
            label, run, code, size, speed, expected = (rest.split() + [""] * 6)[:6]
            downloads[label].append((code, int(size or 0), float(speed or 0), int(expected or 0)))
        elif kind == "download_notrun":
            label, _, text = rest.partition(" ")
            download_notrun[label] = text
        elif kind == "memory":
            words = rest.split()
            label, count = words[0], int(words[1])
            kv = dict(w.split("=", 1) for w in words[2:] if "=" in w)
            memory[label] = (count, kv)
        elif kind == "memory_notrun":
            label, _, text = rest.partition(" ")
            memory_notrun[label] = text
        elif kind == "roundtrip":
            path, _, rest2 = rest.partition(" ")
            row, _, codes = rest2.partition(" codes=")
            parts = row.split(",", 4)
            if len(parts) >= 4 and re.match(r"[\d.]+$", parts[2]):
                roundtrips[(parts[0], path)] = {"n": int(parts[1]), "server": float(parts[2]),
                                                "all": float(parts[3]), "top": parts[4] if len(parts) > 4 else "",
                                                "codes": codes.strip()}
            else:
                roundtrip_notrun[(path, row)] = row
        elif kind == "roundtrip_notrun":
            label, _, text = rest.partition(" ")
            roundtrip_notrun[label] = text


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def rps(label, path, c):
    return med(r["rps"] for r in points.get((label, path, c), []))


def lat(label, path, c, pct):
    return med(r["p" + pct] for r in points.get((label, path, c), []))


def errors(label, path, c):
    return sum(r["errors"] + r["non2xx"] for r in points.get((label, path, c), []))


def fmt_rps(x):
    if x is None:
        return "–"
    return f"{x / 1000:.1f}k" if x >= 10000 else f"{x:,.0f}"


def fmt_us(x):
    if x is None:
        return "–"
    return f"{x / 1000:.2f} ms" if x >= 1000 else f"{x:.0f} µs"


def fmt_ratio(x):
    return "–" if x is None else f"{x * 100:.0f} %"


def verdict(ok):
    return "–" if ok is None else ("**PASS**" if ok else "**FAIL**")


labels = [l for l in SERVER_ORDER if any(k[0] == l for k in points)]
labels += sorted({k[0] for k in points} - set(labels))

# ---------------------------------------------------------------- CSV
os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "benchmarks-http.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["server", "dll", "path", "connections", "requests_per_s_median", "requests_per_s_min",
                "requests_per_s_max", "runs", "latency_p50_us", "latency_p90_us", "latency_p99_us",
                "socket_errors_and_non2xx", "status"])
    for label in labels + [l for l in notrun if l not in labels]:
        shape, dll = split_label(label)
        if label in notrun:
            w.writerow([shape, dll, "", "", "", "", "", 0, "", "", "", "", "not run: " + notrun[label]])
            continue
        for path in PATHS:
            for c in CONNECTIONS:
                runs = [r for r in points.get((label, path, c), []) if r["rps"] is not None]
                if not runs:
                    w.writerow([shape, dll, path, c, "", "", "", 0, "", "", "", "", "no result"])
                    continue
                values = [r["rps"] for r in runs]
                w.writerow([shape, dll, path, c, f"{med(values):.0f}", f"{min(values):.0f}", f"{max(values):.0f}",
                            len(runs), *(f"{lat(label, path, c, p):.0f}" if lat(label, path, c, p) else ""
                                         for p in ("50", "90", "99")),
                            errors(label, path, c), "ok"])

# ---------------------------------------------------------------- plot
plot_ok = False
try:
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "rps.dat")
        with open(data, "w") as f:
            for label in labels:
                shape, dll = split_label(label)
                name = shape.replace("httpapi_", "").replace("winsock_", "ws_") + (f"/{dll}" if dll else "")
                row = [name] + [f"{rps(label, p, c) or 0:.0f}" for p in PATHS for c in CONNECTIONS]
                f.write(" ".join(row) + "\n")
        script = os.path.join(tmp, "plot.gp")
        with open(script, "w") as f:
            f.write(f"""set terminal pngcairo size 1200,900 font ',10'
set output '{os.path.join(OUT, "benchmarks-http.png")}'
set multiplot layout 2,1 title 'Requests/s, wrk keep-alive GET, 127.0.0.1 (median of {ENV("BENCH_RUNS", "?")} runs; log scale)'
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set yrange [10:*]
set termoption noenhanced
set grid ytics
set ylabel 'requests/s'
set xtics rotate by -25 scale 0
set key top right
set title '12-byte body (GET /small)'
plot '{data}' using 2:xtic(1) title '1 connection', '' using 3 title '8 connections', '' using 4 title '64 connections'
set title '64 KiB body (GET /large)'
plot '{data}' using 5:xtic(1) title '1 connection', '' using 6 title '8 connections', '' using 7 title '64 connections'
unset multiplot
""")
        subprocess.run(["gnuplot", script], check=True)
        plot_ok = True
except (OSError, subprocess.CalledProcessError) as e:
    print(f"report_http.py: no plot ({e})", file=sys.stderr)

# ---------------------------------------------------------------- targets
md = []
md.append(BEGIN)
md.append("## Data plane: requests/s, latency, round trips, memory, file download")
md.append("")
md.append("This section is written by `scripts/bench-http.sh` (project issue 10); do not edit it by hand. "
          "Every server below ran **in the same run on the same machine**; wrk and curl drove them from Linux "
          "over 127.0.0.1. The HTTP Server API programs (`bench/http/httpapi_*.c`) load `httpapi.dll` with "
          "LoadLibrary and run once with `WINEDLLOVERRIDES=httpapi=n` (this project's DLL, beside the program) "
          "and once with `=b` (Wine's builtin); the minimal Winsock servers (`bench/http/winsock_*.c`) do the "
          "least HTTP work that answers wrk: they are the floor under Wine, what any Win32 server pays for its sockets.")
md.append("")
md.append("### How it was run")
md.append("")
md.append("```sh")
md.append(ENV("BENCH_COMMAND", "scripts/bench-http.sh"))
md.append("```")
md.append("")
secs = int(ENV("BENCH_SECONDS", "0"))
md.append(f"- total run time: **{secs // 60} min {secs % 60} s** (build, every server, report)"
          + (" — a `--quick` check run: short wrk runs, the figures are rough" if QUICK else ""))
md.append(f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; commit {ENV('BENCH_COMMIT', 'unknown')}")
md.append(f"- machine: {ENV('BENCH_NPROC', '?')} CPUs (`nproc`), {ENV('BENCH_CPU', '?')}, {ENV('BENCH_MEMORY', '?')} RAM, "
          f"{ENV('BENCH_KERNEL', '?')}; {ENV('BENCH_WINE', '?')} (64-bit loader `wine64`, a Wine prefix of its own so that no "
          f"other program shares its wineserver); programs built with {ENV('BENCH_COMPILER', '?')} (preset mingw-x64, -O2); "
          f"{ENV('BENCH_WRK', 'wrk')}, {ENV('BENCH_CURL', 'curl')}")
all_loads = [x for runs in points.values() for r in runs for x in r["loads"]]
if all_loads:
    md.append(f"- load of the machine (1-minute load average around each wrk run): {min(all_loads):.2f} to {max(all_loads):.2f}"
              + (" — other processes ran during the run: that disturbs the figures" if max(all_loads) > 1.5 else ""))
mods = facts["module"]
for dll, stamp in (("ours", "without"), ("builtin", "with")):
    paths = sorted({v for k, v in mods.items() if k.endswith(":" + dll)})
    if paths:
        md.append(f"- {DLL_TITLE[dll]}: every run loaded `{'`, `'.join(paths)}`, {stamp} the \"Wine builtin DLL\" stamp "
                  f"(checked in each run; a run that loaded the other DLL would be dropped)")
md.append(f"- wrk: keep-alive GET, `-t1` at 1 connection and `-t2` at 8 and 64 (2 cores: wrk and the server share them), "
          f"{ENV('BENCH_SECONDS_PER_RUN', '?')} s per run, {ENV('BENCH_RUNS', '?')} run(s) per point, the median shown; "
          f"`--latency` on every run, percentiles are medians across runs; a warm-up run before each body size. "
          f"`WINEDEBUG=-all` everywhere.")
md.append("- every server listens on 127.0.0.1 only; the HTTP Server API programs register the URL prefix "
          "`http://127.0.0.1:PORT/` with both DLLs (Wine's builtin accepts it), and wrk sends `Host: 127.0.0.1:PORT`. "
          "Each wrk run opens its connections anew: at 64 connections the connects are part of the run.")
apis = facts["api"]
skips = facts["skipped"]
if apis:
    md.append("- HTTP Server API version used: " + ", ".join(f"{k} {v}.0" for k, v in sorted(apis.items()))
              + (". Skipped (the DLL refused the property; the program carries on without it): "
                 + "; ".join(f"{k}: {v.strip()}" for k, v in sorted(skips.items())) if skips else ""))
md.append("- exact server commands (PORT: a free port in 50000-59999): " + "; ".join(f"`{v.strip()}`" for k, v in facts["command"].items() if k != "nginx")
          + (f"; nginx: {facts['command']['nginx']}" if "nginx" in facts["command"] else ""))
md.append("")


def pct_of(a, b):
    return a / b if a is not None and b else None


targets = []
# 1. >= 80 % of the matching minimal server at 1, 8, 64 connections.
for ours, floor in (("httpapi_sync1:ours", "winsock_blocking"), ("httpapi_sync4:ours", "winsock_blocking"),
                    ("httpapi_iocp:ours", "winsock_iocp")):
    ratios = [pct_of(rps(ours, "small", c), rps(floor, "small", c)) for c in CONNECTIONS]
    ok = None if None in ratios else all(r >= 0.8 for r in ratios)
    shown = ", ".join(f"{c}: {fmt_ratio(r)}" for c, r in zip(CONNECTIONS, ratios))
    targets.append((f"{split_label(ours)[0]} on this DLL ≥ 80 % of {floor}'s requests/s at 1, 8 and 64 connections (12-byte body)",
                    f"{shown} (by connections)", verdict(ok)))
# 2. >= 10x the builtin at 8 connections.
for shape in ("httpapi_sync1", "httpapi_sync4", "httpapi_iocp", "httpapi_threadpool"):
    a, b = rps(shape + ":ours", "small", 8), rps(shape + ":builtin", "small", 8)
    if shape + ":builtin" in notrun:
        targets.append((f"{shape} ≥ 10× Wine's builtin at 8 connections", f"builtin not run: {notrun[shape + ':builtin']}", "–"))
        continue
    x = a / b if a and b else None
    targets.append((f"{shape} ≥ 10× Wine's builtin at 8 connections",
                    f"{fmt_rps(a)} vs {fmt_rps(b)} req/s: **{x:.1f}×**" if x else "–", verdict(None if x is None else x >= 10)))
# 3. Latency at 1 connection within 1.25x of the minimal server.
for ours, floor in (("httpapi_sync1:ours", "winsock_blocking"), ("httpapi_iocp:ours", "winsock_iocp")):
    a, b = lat(ours, "small", 1, "50"), lat(floor, "small", 1, "50")
    x = a / b if a and b else None
    targets.append((f"{split_label(ours)[0]} median latency at 1 connection ≤ 1.25× {floor}'s",
                    f"{fmt_us(a)} vs {fmt_us(b)}: **{x:.2f}×** (p99 {fmt_us(lat(ours, 'small', 1, '99'))} vs "
                    f"{fmt_us(lat(floor, 'small', 1, '99'))})" if x else "–", verdict(None if x is None else x <= 1.25)))


def memory_figures(label):
    if label not in memory:
        return None
    count, kv = memory[label]
    rss = [int(x) for x in kv.get("rss_kib", "0,0").split(",")]
    private = [int(x) for x in kv.get("private_kib", "0,0").split(",")]
    held = int(kv.get("held", "0"))
    bad = int(kv.get("errors", "0")) + int(kv.get("connect_errors", "0")) + int(kv.get("closed_by_server", "0"))
    per_rss = (rss[1] - rss[0]) * 1024 / held if held else None
    per_private = (private[1] - private[0]) * 1024 / held if held else None
    return count, held, bad, per_rss, per_private, kv


# 4. memory per idle connection.
for label in ("httpapi_iocp:ours", "httpapi_sync1:ours"):
    m = memory_figures(label)
    if not m:
        targets.append((f"{label}: ≤ 16 KiB per idle keep-alive connection, {ENV('BENCH_IDLE_CONNECTIONS')} held without errors",
                        "not run: " + memory_notrun.get(label, "no result"), "–"))
        continue
    count, held, bad, per_rss, per_private, kv = m
    ok = per_rss is not None and per_rss <= 16384 and held == count and bad == 0
    targets.append((f"{split_label(label)[0]} on this DLL: ≤ 16 KiB of process memory per idle keep-alive connection, "
                    f"{count:,} held without errors",
                    f"{held:,} held, {bad} errors; **{per_rss / 1024:.1f} KiB** resident per connection "
                    f"(private {per_private / 1024:.1f} KiB)" if per_rss is not None else f"{held} held",
                    verdict(ok)))


def download_rate(label):
    runs = downloads.get(label, [])
    good = [s for code, size, s, expected in runs if code == "200" and size == expected]
    return (statistics.median(good) if good else None), len(good), len(runs)


# 5. File download.
ours_rate = download_rate("httpapi_sync1:ours")[0]
floors = {l: download_rate(l)[0] for l in ("winsock_blocking", "winsock_iocp")}
best_floor = max((v for v in floors.values() if v), default=None)
x = ours_rate / best_floor if ours_rate and best_floor else None
mib = int(ENV("BENCH_FILE_MIB", "1024"))
targets.append((f"{mib / 1024:g} GiB download from a file chunk ≥ 70 % of the minimal server's rate (the faster of the two)",
                f"{(ours_rate or 0) / 1048576:.0f} MiB/s vs {best_floor / 1048576:.0f} MiB/s: **{x * 100:.0f} %**" if x else "–",
                verdict(None if x is None else x >= 0.7)))
targets.append(("control plane: at 1,000,000 live sessions a URL-group create+close pair costs at most two memory latencies "
                "more than at 100", "measured by `scripts/bench.sh`: see the control-plane targets above", "–"))

md.append("### Targets (issue 10)")
md.append("")
md.append("| target | measured | verdict |")
md.append("|---|---|---|")
for t in targets:
    md.append("| " + " | ".join(t) + " |")
md.append("")

# ---------------------------------------------------------------- tables
md.append("### Requests per second (median), by body size and connections")
md.append("")
md.append("![requests per second](benchmarks-http.png)")
md.append("")
SHORT = {"small": "12 B", "large": "64 KiB"}
head = "| server | DLL | " + " | ".join(f"{SHORT[p]} ×{c}" for p in PATHS for c in CONNECTIONS) + " | errors |"
md.append(head)
md.append("|---|---|" + "---:|" * (len(PATHS) * len(CONNECTIONS)) + "---:|")
for label in labels:
    shape, dll = split_label(label)
    cells = [fmt_rps(rps(label, p, c)) for p in PATHS for c in CONNECTIONS]
    errs = sum(errors(label, p, c) for p in PATHS for c in CONNECTIONS)
    md.append(f"| {SHAPE_TITLE.get(shape, shape)} | {DLL_TITLE[dll] if dll else '–'} | " + " | ".join(cells) + f" | {errs} |")
for label, why in notrun.items():
    shape, dll = split_label(label)
    md.append(f"| {SHAPE_TITLE.get(shape, shape)} | {DLL_TITLE[dll] if dll else '–'} | not run: {why} |"
              + " |" * (len(PATHS) * len(CONNECTIONS)))
md.append("")
md.append("Errors are wrk's socket errors (connect, read, write, timeout) plus non-2xx answers, over every run of the server. "
          "Server-side counts from each program's `GET /stats` after its runs: "
          + "; ".join(f"{k}: `{v}`" for k, v in facts["stats"].items() if k != "nginx") + ".")
strays = {k: re.search(r"strays=(\d+)", v).group(1) for k, v in facts["stats"].items()
          if re.search(r"strays=([1-9]\d*)", v)}
if strays:
    md.append("")
    md.append("Stray completions (`strays=` above: a completion on the application's port for an OVERLAPPED the "
              "program never posted; the DLL let an internal operation's completion reach it): "
              + "; ".join(f"{k}: {v}" for k, v in strays.items()) + ". The program counts and ignores them.")
if facts["crashed"]:
    md.append("")
    md.append("**Programs that were gone after their runs**: " + "; ".join(f"{k}: {v}" for k, v in facts["crashed"].items()))
md.append("")

md.append("### Latency percentiles (wrk --latency, median across runs), 12-byte body")
md.append("")
md.append("| server | DLL | p50 ×1 | p90 ×1 | p99 ×1 | p50 ×64 | p90 ×64 | p99 ×64 |")
md.append("|---|---|---:|---:|---:|---:|---:|---:|")
for label in labels:
    shape, dll = split_label(label)
    cells = [fmt_us(lat(label, "small", c, p)) for c in (1, 64) for p in ("50", "90", "99")]
    md.append(f"| {SHAPE_TITLE.get(shape, shape)} | {DLL_TITLE[dll] if dll else '–'} | " + " | ".join(cells) + " |")
md.append("")

md.append("### Wineserver round trips per request")
md.append("")
n_rt = ENV("BENCH_ROUNDTRIP_REQUESTS", "?")
md.append(f"Counted, not estimated: a wineserver of the prefix's own started with request tracing (`wineserver -f -d1`), "
          f"one curl process sending {n_rt} keep-alive GETs on one connection after 100 of warm-up, between `GET /mark-start` "
          f"and `GET /mark-end` (each creates a named event, which shows in the trace and bounds the window). Every request "
          f"line in the window is one round trip; \"server\" counts those of the server process's threads (Unix thread IDs "
          f"sampled from /proc while it ran), \"all\" every process of the prefix (for Wine's builtin that includes "
          f"winedevice.exe, where its http.sys runs). The last column is the time per request at 1 connection (wrk) divided "
          f"by the round trips of all processes: what one round trip costs, if they were all the time there is. The minimal "
          f"servers' counts move by 1-4 between runs: a receive that finds the request already there completes at once, "
          f"one that has to wait costs a select (and, on a completion port, a remove_completion) more.")
md.append("")
md.append("| server | DLL | body | server | all | main calls (per request, server process) | µs per request at 1 conn ÷ round trips |")
md.append("|---|---|---|---:|---:|---|---:|")
for (label, path), r in sorted(roundtrips.items(), key=lambda kv: (SERVER_ORDER.index(kv[0][0]) if kv[0][0] in SERVER_ORDER else 99, kv[0][1])):
    shape, dll = split_label(label)
    one = rps(label, path, 1)
    per = (1e6 / one) / r["all"] if one and r["all"] else None
    md.append(f"| {SHAPE_TITLE.get(shape, shape)} | {DLL_TITLE[dll] if dll else '–'} | {PATH_TITLE[path]} | {r['server']:.1f} | "
              f"{r['all']:.1f} | {r['top'].replace(' ', ', ')} | {f'{per:.1f}' if per else '–'} |")
for key, why in roundtrip_notrun.items():
    md.append(f"| {key} | | | not counted: {why} | | | |")
md.append("")

md.append("### Memory per idle keep-alive connection")
md.append("")
md.append(f"A native client (`bench/http/idle_clients.c`) opens {int(ENV('BENCH_IDLE_CONNECTIONS', '0')):,} connections one after "
          f"the other, sends one `GET /small` on each, reads the answer and keeps them all open; the server process's VmRSS and "
          f"private memory (`/proc/PID/smaps_rollup`, Private_Clean + Private_Dirty) are read before (after one request) and "
          f"2 s after the last answer. The wineserver's own memory is not counted.")
md.append("")
md.append("| server | DLL | held | errors | RSS before → after | per connection (RSS) | per connection (private) | opening time |")
md.append("|---|---|---:|---:|---|---:|---:|---:|")
for label in ("httpapi_iocp:ours", "httpapi_sync1:ours", "winsock_iocp"):
    shape, dll = split_label(label)
    m = memory_figures(label)
    if not m:
        md.append(f"| {SHAPE_TITLE.get(shape, shape)} | {DLL_TITLE[dll] if dll else '–'} | not run: {memory_notrun.get(label, 'no result')} | | | | | |")
        continue
    count, held, bad, per_rss, per_private, kv = m
    rss = kv.get("rss_kib", "0,0").split(",")
    md.append(f"| {SHAPE_TITLE.get(shape, shape)} | {DLL_TITLE[dll] if dll else '–'} | {held:,} of {count:,} | {bad} | "
              f"{int(rss[0]) / 1024:.1f} → {int(rss[1]) / 1024:.1f} MiB | {per_rss / 1024:.1f} KiB | {per_private / 1024:.1f} KiB | "
              f"{kv.get('seconds', '?')} s |")
md.append("")

md.append(f"### {mib / 1024:g} GiB download from a file")
md.append("")
md.append(f"`curl -o /dev/null -w '%{{speed_download}}'` of `GET /file`, median of {ENV('BENCH_DOWNLOADS', '?')}; the file is "
          f"sparse (the page cache serves it, no disk traffic). The HTTP Server API program answers with one "
          f"HttpDataChunkFromFileHandle chunk (whole file); winsock_blocking sends it with TransmitFile, winsock_iocp with "
          f"ReadFile of 64 KiB blocks and blocking send.")
md.append("")
md.append("| server | DLL | rate | complete runs |")
md.append("|---|---|---:|---:|")
for label in ("winsock_blocking", "winsock_iocp", "httpapi_sync1:ours", "httpapi_sync1:builtin"):
    shape, dll = split_label(label)
    if label in download_notrun:
        md.append(f"| {SHAPE_TITLE.get(shape, shape)} | {DLL_TITLE[dll] if dll else '–'} | not run: {download_notrun[label]} | |")
        continue
    rate, good, total = download_rate(label)
    detail = ""
    if good < total:
        got = [f"HTTP {c}, {s:,} bytes" for c, s, _, e in downloads[label] if not (c == "200" and s == e)]
        detail = f" (incomplete: {'; '.join(got[:2])}"
        st = facts["download_stats"].get(label, "")
        m = re.search(r"errors=([1-9]\d*) last_error=(\d+)", st)
        if m:
            known = {"120": "ERROR_CALL_NOT_IMPLEMENTED", "87": "ERROR_INVALID_PARAMETER", "1229": "ERROR_CONNECTION_INVALID"}
            detail += (f"; HttpSendHttpResponse with the file-handle chunk returned {m.group(2)}"
                       f"{' (' + known[m.group(2)] + ')' if m.group(2) in known else ''}; the program counts the error and "
                       f"does not answer otherwise, so curl got nothing")
        detail += ")"
    md.append(f"| {SHAPE_TITLE.get(shape, shape)} | {DLL_TITLE[dll] if dll else '–'} | "
              f"{f'{rate / 1048576:.0f} MiB/s' if rate else '–'} | {good} of {total}{detail} |")
md.append("")

# ---------------------------------------------------------------- bounds
md.append("### What bounds each figure")
md.append("")


def rt(label, path="small"):
    return roundtrips.get((label, path))


bounds = []
n1 = rps("nginx", "small", 1)
if n1:
    bounds.append(f"**nginx** ({fmt_rps(n1)} req/s at 1 connection, {fmt_rps(rps('nginx', 'small', 64))} at 64): the kernel's "
                  f"loopback TCP and wrk itself, which shares the 2 cores; no Wine in the path.")
for floor in ("winsock_blocking", "winsock_iocp"):
    r = rt(floor)
    one = rps(floor, "small", 1)
    if r and one:
        bounds.append(f"**{floor}** ({fmt_rps(one)} req/s at 1 connection): {r['server']:.1f} wineserver round trips per request "
                      f"({r['top'].split(' ')[0] if r['top'] else ''}…), about {1e6 / one / r['server']:.0f} µs of request time "
                      f"per round trip — Wine's socket path (each recv/send asks the wineserver for the socket's fd and "
                      f"reports the result back), not the HTTP work.")
for shape in ("httpapi_sync1", "httpapi_iocp", "httpapi_threadpool"):
    r = rt(shape + ":ours")
    one = rps(shape + ":ours", "small", 1)
    floor = "winsock_iocp" if shape != "httpapi_sync1" else "winsock_blocking"
    f = rt(floor)
    f_one = rps(floor, "small", 1)
    if r and one:
        text = (f"**{shape} on this DLL** ({fmt_rps(one)} req/s at 1 connection): {r['server']:.1f} round trips per "
                f"request")
        if f and f_one:
            mine, theirs = 1e6 / one / r["server"], 1e6 / f_one / f["server"]
            text += (f" against {f['server']:.1f} for {floor} (main calls: {r['top']}); {mine:.0f} µs of request time "
                     f"per round trip against {theirs:.0f} µs for {floor}")
            if mine > 1.3 * theirs:
                text += (", so the round trips are not all of it: the rest is most likely the hand-off of each request "
                         "between the engine's own completion-port threads (src/engine/engine.c) and the caller's "
                         "thread, a thread switch that no round trip shows")
        text += ". Fewer round trips and hand-offs is the lever (issue 10, step 3)."
        bounds.append(text)
for shape in ("httpapi_sync1", "httpapi_iocp"):
    r = rt(shape + ":builtin")
    one = rps(shape + ":builtin", "small", 1)
    if r and one:
        bounds.append(f"**{shape} on Wine's builtin** ({fmt_rps(one)} req/s at 1 connection): {r['all']:.1f} round trips per "
                      f"request in all, {r['server']:.1f} of them in the program and the rest in winedevice.exe, where the "
                      f"builtin's http.sys driver answers each ioctl.")
m = memory_figures("httpapi_iocp:ours")
f = memory_figures("winsock_iocp")
engine_buffer = None
try:
    found = re.search(r"\bBUFFER_SIZE = (\d+)", open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src",
                                                                 "engine", "connection.c")).read())
    engine_buffer = int(found.group(1)) if found else None
except OSError:
    pass
if m and m[3] is not None:
    bounds.append(f"**memory** ({m[3] / 1024:.1f} KiB per idle connection on this DLL"
                  + (f", {f[3] / 1024:.1f} KiB for winsock_iocp" if f and f[3] is not None else "")
                  + "): "
                  + (f"the engine allocates a {engine_buffer // 1024} KiB receive buffer for each connection it accepts "
                     f"(src/engine/connection.c, BUFFER_SIZE, read when this report was written), plus the "
                     f"connection's state and the receive posted on its socket"
                     if engine_buffer else "what the engine keeps for each connection and the receive posted on its socket")
                  + "; the minimal IOCP server keeps a 4 KiB buffer and a pending WSARecv.")
if ours_rate and best_floor:
    bounds.append(f"**file download** ({ours_rate / 1048576:.0f} MiB/s on this DLL vs {best_floor / 1048576:.0f} MiB/s "
                  f"for the faster minimal server): the engine reads the file block by block with ReadFile and sends "
                  f"each block (src/engine/response.c), the minimal servers use TransmitFile or ReadFile + send; all of "
                  f"it crosses loopback TCP to a curl that runs on the same 2 cores.")
for b in bounds:
    md.append(f"- {b}")
md.append("")
md.append(END)
section = "\n".join(md) + "\n"

path = os.path.join(OUT, "BENCHMARKS.md")
if os.path.exists(path):
    text = open(path).read()
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + section.rstrip("\n") + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section
else:
    text = "# Benchmarks\n\n" + section
with open(path, "w") as f:
    f.write(text)
print(f"report_http.py: wrote {path} (HTTP section), benchmarks-http.csv" + (", benchmarks-http.png" if plot_ok else ""))
