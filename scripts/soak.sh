#!/usr/bin/env bash
# A soak test of the server, not run in CI: random edits (pasted lines, references,
# deletions, typing of multi-byte text) and requests of every kind against a live server
# for DURATION, on the real corpus split into files beside LINES generated lines. Every
# minute and at the end its findings must equal --check's; at the end a fresh server must
# agree and answer the same hovers, and the live heap, at the same text, must be within
# 10% of what it was after the first fifth.
#
#   scripts/soak.sh [DURATION [LINES]]     e.g. scripts/soak.sh 30m 100000
#   RACE=1 scripts/soak.sh 5m              the same with the race detector
#   PROFILE=/tmp/heap.prof scripts/soak.sh the soaked server's heap profile at exit
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10m}
lines=${2:-30000}
flags=(-count=1 -run '^TestSoak$' -v -timeout 0)
if [ -n "${RACE:-}" ]; then flags+=(-race); fi
args=(-soak "$duration" -soak.lines "$lines")
if [ -n "${PROFILE:-}" ]; then args+=(-soak.memprofile "$PROFILE"); fi
echo "soak: $duration, $lines generated lines, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
go test "${flags[@]}" ./cmd/notesls "${args[@]}"
