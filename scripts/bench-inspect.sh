#!/bin/bash
# Times `wirelab inspect FILE --summary` (release build) next to tshark's WebSocket dissection
# of the same file, with wall time and peak memory from /usr/bin/time -v.
# Usage: scripts/bench-inspect.sh [FILE] [--no-tshark]
#   FILE defaults to the big capture made by ../shared/bench/make_big.sh
#   (${XDG_CACHE_HOME:-$HOME/.cache}/wirelab-bench/big.pcap).
set -euo pipefail
cd "$(dirname "$0")/.."
file=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/wirelab-bench/big.pcap}
tshark=yes
[ "${2:-}" = "--no-tshark" ] && tshark=no
if [ ! -f "$file" ]; then
    echo "no capture at $file: make it with ../shared/bench/make_big.sh (root, tcpdump, python3 websockets)" >&2
    exit 1
fi
if [ ! -x /usr/bin/time ]; then
    echo "/usr/bin/time is missing (Debian/Ubuntu: apt-get install time)" >&2
    exit 1
fi
cargo build --release --locked --bin wirelab >&2
bin=${CARGO_TARGET_DIR:-target}/release/wirelab
packets=$(command -v capinfos >/dev/null && capinfos -M -c "$file" | awk -F: '/Number of packets/ {gsub(/ /, "", $2); print $2}' || true)

# Prints: label, wall seconds, peak RSS, packets/s.
measure() {
    local label=$1
    shift
    local log
    log=$(mktemp)
    cat "$file" >/dev/null # the file in the page cache for every contender alike
    /usr/bin/time -v "$@" >"$log.out" 2>"$log"
    local wall rss user sys
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    user=$(awk -F': ' '/User time/ {print $2}' "$log")
    sys=$(awk -F': ' '/System time/ {print $2}' "$log")
    local secs
    secs=$(echo "$wall" | awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
    local rate=""
    [ -n "$packets" ] && rate=$(awk -v p="$packets" -v s="$secs" 'BEGIN { if (s > 0) printf "%.0f", p / s }')
    printf '%-34s wall %8.2f s   user %7.2f s   sys %6.2f s   peak RSS %7.1f MiB   %s packets/s\n' \
        "$label" "$secs" "$user" "$sys" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "${rate:-?}"
    if [ "$label" = "wirelab inspect --summary" ]; then sed 's/^/    /' "$log.out"; fi
    rm -f "$log" "$log.out"
}

echo "$file: ${packets:-?} packets, $(du -h "$file" | cut -f1); $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M UTC')"
measure "wirelab inspect --summary" "$bin" inspect "$file" --summary
if [ "$tshark" = yes ] && command -v tshark >/dev/null; then
    measure "tshark -Y websocket" tshark -r "$file" -Y websocket
fi
