#!/usr/bin/env python3
"""Counts wineserver round trips per HTTP request in a wineserver request
trace (wineserver -f -d1), between the server's two marker requests.

usage: count_roundtrips.py TRACE TIDS N LABEL

TRACE  what `wineserver -f -d1` wrote to stderr
TIDS   the Unix thread IDs of the server process, one a line (read from
       /proc/PID/task before the server was stopped)
N      requests sent between GET /mark-start and GET /mark-end
LABEL  the server's label, for the output row

Each request line ("TTTT: name( ... )") is one round trip: the thread sent
a request to the wineserver and waited for its reply. The window runs from
the create_event call that names "bench-mark-start" to the one that names
"bench-mark-end"; the ends belong to the marker requests and are left out.
Prints one CSV row: label,n,server_process,all_processes,top calls.
"""
import re
import sys
from collections import Counter

TRACE, TIDS, N, LABEL = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
REQUEST = re.compile(r"^([0-9a-f]{4}): ([a-z_0-9]+)\( ")
UNIX_TID = re.compile(r"^([0-9a-f]{4}): init_(?:first_)?thread\( (?:unix_pid=\d+, )?unix_tid=(\d+)")

server_tids = {line.strip() for line in open(TIDS) if line.strip()}
thread_of_tid = {}
in_window = False
seen_start = seen_end = False
server_calls = Counter()
all_calls = 0
with open(TRACE, errors="replace") as trace:
    for line in trace:
        m = UNIX_TID.match(line)
        if m:
            thread_of_tid[m.group(1)] = m.group(2)
        m = REQUEST.match(line)
        if not m:
            continue
        if m.group(2) == "create_event" and 'name=L"bench-mark-start"' in line:
            in_window, seen_start = True, True
            continue
        if m.group(2) == "create_event" and 'name=L"bench-mark-end"' in line:
            in_window, seen_end = False, True
            break
        if not in_window:
            continue
        all_calls += 1
        if thread_of_tid.get(m.group(1)) in server_tids:
            server_calls[m.group(2)] += 1

if not (seen_start and seen_end):
    sys.exit(f"count_roundtrips: markers not found in {TRACE} (start={seen_start}, end={seen_end})")
server_total = sum(server_calls.values())
top = " ".join(f"{name}={count / N:.2f}" for name, count in server_calls.most_common(8))
print(f"{LABEL},{N},{server_total / N:.2f},{all_calls / N:.2f},{top}")
