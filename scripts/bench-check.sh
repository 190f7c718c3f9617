#!/usr/bin/env bash
# Measures `notesls --check` on generated corpora of 100k and 1M lines against the baseline
# a user has today (`LC_ALL=C sort -f FILE | uniq -di`, on the same file in the same run),
# runs the Go benchmarks of analysis/ and index/, measures the language server with
# notesls-bench on a 100k-line workspace, and prints a markdown block for
# docs/benchmarks.md. Nothing here is a pass/fail gate: it reports what it measured.
#
# Environment:
#   BENCH_SIZES    corpus sizes in lines (default "100000 1000000")
#   BENCH_SEED     notesgen seed (default 1)
#   BENCH_TIMEOUT  longest run of one command, seconds (default 900)
#   BENCH_GO=0     skip the Go benchmarks;  BENCH_LSP=0  skip the server benchmark
#   BENCH_LSP_LINES  lines of the server benchmark's workspace (default 100000)
#   BENCH_MEM_MB   address-space limit of each measured command, MiB (default 8192), so
#                  that a runaway run fails alone instead of pushing the shared machine
#                  into swap or the OOM killer
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=${BENCH_SIZES:-"100000 1000000"}
seed=${BENCH_SEED:-1}
limit=${BENCH_TIMEOUT:-900}
lsp_lines=${BENCH_LSP_LINES:-100000}
mem_mb=${BENCH_MEM_MB:-8192}

if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time for peak RSS" >&2
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq time >/dev/null 2>&1; } || true
  fi
fi
have_time=0
[ -x /usr/bin/time ] && have_time=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "building notesls, notesgen and notesls-bench" >&2
go build -o "$tmp/notesls" ./cmd/notesls
go build -o "$tmp/notesgen" ./cmd/notesgen
go build -o "$tmp/notesls-bench" ./cmd/notesls-bench

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# measure NAME CMD...: runs CMD with stdout discarded, bounded by $limit seconds; sets
# wall_ms, rss_kb ("n/a" without GNU time) and status (the exit code; 124 = timed out).
measure() {
  local name=$1; shift
  local t0 t1
  t0=$(now_ms)
  set +e
  (
    ulimit -v $((mem_mb * 1024))
    if [ $have_time = 1 ]; then
      exec timeout "$limit" /usr/bin/time -v -o "$tmp/$name.time" "$@" >/dev/null 2>"$tmp/$name.err"
    else
      exec timeout "$limit" "$@" >/dev/null 2>"$tmp/$name.err"
    fi
  )
  status=$?
  set -e
  t1=$(now_ms)
  wall_ms=$((t1 - t0))
  rss_kb=n/a
  if [ $have_time = 1 ] && [ -f "$tmp/$name.time" ]; then
    rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/$name.time")
    [ -n "$rss_kb" ] || rss_kb=n/a
  fi
}

secs() { awk -v ms="$1" 'BEGIN { printf "%.2f", ms / 1000 }'; }
mb() { if [ "$1" = n/a ]; then echo n/a; else awk -v kb="$1" 'BEGIN { printf "%.0f", kb / 1024 }'; fi; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }'; }

declare -A check_ms check_rss check_status base_ms base_rss gen_ms bytes findings
for n in $sizes; do
  f="$tmp/corpus-$n.notes"
  echo "generating $n lines" >&2
  t0=$(now_ms)
  "$tmp/notesgen" -lines "$n" -seed "$seed" -o "$f"
  gen_ms[$n]=$(( $(now_ms) - t0 ))
  bytes[$n]=$(stat -c %s "$f")

  echo "notesls --check on $n lines" >&2
  measure "check-$n" "$tmp/notesls" --check "$f"
  check_ms[$n]=$wall_ms check_rss[$n]=$rss_kb check_status[$n]=$status
  # The summary line on stderr: "1 file, N lines: E errors, W warnings, ..."
  findings[$n]=$(grep -E '^[0-9]+ files?,' "$tmp/check-$n.err" | tail -1 || true)
  if [ "$status" != 0 ] && [ "$status" != 1 ]; then
    why=""
    [ "$status" = 124 ] && why=" (timed out after ${limit}s)"
    grep -qi "out of memory" "$tmp/check-$n.err" && why=" (out of memory under the ${mem_mb} MiB limit)"
    findings[$n]="exit status $status$why: $(tail -c 200 "$tmp/check-$n.err" | tr '\n' ' ')"
  fi

  echo "baseline sort | uniq on $n lines" >&2
  # shellcheck disable=SC2016 # $1 is expanded by the inner bash
  measure "base-$n" bash -c 'LC_ALL=C sort -f "$1" | uniq -di' _ "$f"
  base_ms[$n]=$wall_ms base_rss[$n]=$rss_kb
done

# One generated file serves the index benchmarks and the server benchmark.
mkdir -p "$tmp/ws"
"$tmp/notesgen" -lines "$lsp_lines" -seed "$seed" -o "$tmp/ws/corpus.notes"

gobench="" gobench_big=""
if [ "${BENCH_GO:-1}" != 0 ]; then
  echo "go test -bench (analysis, index)" >&2
  gobench=$(go test -bench . -benchmem -run '^$' ./analysis/ ./index/ 2>&1 || true)
  echo "go test -bench ./index/ on the $lsp_lines-line corpus" >&2
  gobench_big=$(NOTESLS_BENCH_FILE="$tmp/ws/corpus.notes" go test -bench . -benchmem -run '^$' ./index/ 2>&1 || true)
fi

lsp=""
lsp_enter=""
if [ "${BENCH_LSP:-1}" != 0 ]; then
  echo "notesls-bench on a $lsp_lines-line workspace" >&2
  set +e
  lsp=$(ulimit -v $((mem_mb * 1024)); timeout "$limit" "$tmp/notesls-bench" -workspace "$tmp/ws" -requests 1000 -edits 200 -seed "$seed" -- "$tmp/notesls" 2>&1)
  lsp_status=$?
  set -e
  [ $lsp_status = 0 ] || lsp="notesls-bench failed (exit $lsp_status):
$lsp"
  # The same edits typing Enter, which moves every later line.
  echo "notesls-bench typing Enter" >&2
  set +e
  lsp_enter=$(ulimit -v $((mem_mb * 1024)); timeout "$limit" "$tmp/notesls-bench" -workspace "$tmp/ws" -requests 10 -edits 200 -insert '\n' -seed "$seed" -- "$tmp/notesls" 2>&1)
  lsp_status=$?
  set -e
  [ $lsp_status = 0 ] || lsp_enter="notesls-bench failed (exit $lsp_status):
$lsp_enter"
fi

# The report.
cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
mem=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
echo
echo "## Run of $(date -u '+%Y-%m-%d %H:%M UTC') (commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown))"
echo
echo "Machine: $(nproc) CPUs ($cpu), $mem RAM, $(go version | awk '{print $3, $4}'), Linux $(uname -r)."
echo
echo "### notesls --check vs \`LC_ALL=C sort -f FILE | uniq -di\`"
echo
echo "| lines | size | notesgen | --check wall | --check peak RSS | sort\\|uniq wall | sort\\|uniq peak RSS | --check / baseline |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in $sizes; do
  echo "| $n | $(awk -v b="${bytes[$n]}" 'BEGIN { printf "%.1f MB", b / 1e6 }') | $(secs "${gen_ms[$n]}") s | $(secs "${check_ms[$n]}") s | $(mb "${check_rss[$n]}") MiB | $(secs "${base_ms[$n]}") s | $(mb "${base_rss[$n]}") MiB | $(ratio "${check_ms[$n]}" "${base_ms[$n]}")x |"
done
echo
for n in $sizes; do
  echo "- $n lines: --check exit ${check_status[$n]}; ${findings[$n]:-no summary line}"
done
# shellcheck disable=SC2086 # split the list of sizes
set -- $sizes
if [ $# -ge 2 ]; then
  small=$1 big=${!#}
  echo "- Scaling: ${big} lines take $(ratio "${check_ms[$big]}" "${check_ms[$small]}")x the time of ${small} ($(ratio "$big" "$small")x the lines)."
fi
benchlines() { grep -E '^(Benchmark|ok|FAIL|pkg|---)' <<<"$1" || echo "$1"; }
if [ -n "$gobench" ]; then
  echo
  echo "### go test -bench . -benchmem ./analysis/ ./index/ (index on the real corpus)"
  echo
  echo '```'
  benchlines "$gobench"
  echo '```'
  echo
  echo "### NOTESLS_BENCH_FILE=<$lsp_lines-line notesgen corpus> go test -bench . -benchmem ./index/"
  echo
  echo '```'
  benchlines "$gobench_big"
  echo '```'
fi
if [ -n "$lsp" ]; then
  echo
  echo "### notesls-bench, $lsp_lines-line workspace (one file)"
  echo
  echo '```'
  echo "${lsp//$tmp/\$TMP}"
  echo '```'
  echo
  echo "### notesls-bench -insert '\\n' (Enter), same workspace"
  echo
  echo '```'
  echo "${lsp_enter//$tmp/\$TMP}"
  echo '```'
fi
