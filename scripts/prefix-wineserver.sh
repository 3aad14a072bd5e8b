# prefix-wineserver.sh - sourced by scripts/test.sh and scripts/bench-http.sh.

# prefix_wineserver: prints the PID of the wineserver of $WINEPREFIX and
# succeeds, if one runs (found by its environment).
prefix_wineserver() {
    local pid
    for pid in $(pgrep '^wineserver' || true); do
        if tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -qxF "WINEPREFIX=$WINEPREFIX"; then
            echo "$pid"
            return 0
        fi
    done
    return 1
}
