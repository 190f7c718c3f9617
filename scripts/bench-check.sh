#!/usr/bin/env bash
# Measures `notesls --check` on generated corpora of 100k and 1M lines against the baseline
# a user has today (`LC_ALL=C sort -f FILE | uniq -di`, on the same file in the same run),
# runs the Go benchmarks of analysis/ and index/, measures the language server with
# notesls-bench on a 100k-line workspace, measures workspaces of many files (the same
# notes split over 1, 100 and 1,000 files; 10,000 one-line files; 1M lines in 1,000
# files with a references file open), and prints a markdown block for
# docs/benchmarks.md. Nothing here is a pass/fail gate: it reports what it measured.
#
# Environment:
#   BENCH_SIZES    corpus sizes in lines (default "100000 1000000")
#   BENCH_SEED     notesgen seed (default 1)
#   BENCH_TIMEOUT  longest run of one command, seconds (default 900)
#   BENCH_GO=0     skip the Go benchmarks;  BENCH_LSP=0  skip the server benchmark
#   BENCH_FLOOR=0  skip the floor under --check on the largest size: reading the file,
#                  every rule off, each rule alone, all rules, the baseline, best of
#                  BENCH_FLOOR_RUNS (default 3) runs each, and a CPU profile
#   BENCH_LSP_LINES  lines of the server benchmark's workspace (default 100000)
#   BENCH_MEM_MB   address-space limit of each measured command, MiB (default 8192), so
#                  that a runaway run fails alone instead of pushing the shared machine
#                  into swap or the OOM killer
# Many files (each part on unless set to 0):
#   BENCH_SPLIT=0    skip --check of BENCH_SPLIT_LINES (default 100000) lines written as
#                    BENCH_SPLIT_FILES (default "1 100 1000") files, and the server on the
#                    last split with refs.notes open
#   BENCH_TINY=0     skip BENCH_TINY_FILES (default 10000) one-line files: --check, and the
#                    server's first hover
#   BENCH_MILLION=0  skip BENCH_MILLION_LINES (default 1000000) lines in
#                    BENCH_MILLION_FILES (default 1000) files: the server's first
#                    diagnostics, keystrokes and RSS with refs.notes open
#   BENCH_REFS       lines of the refs.notes written beside those corpora (default 1000)
#   BENCH_LSP_TIMEOUT  longest wait for one answer in the many-file server runs, seconds
#                    (default 30); their first diagnostics may take BENCH_TIMEOUT/4 and
#                    the whole run stops measuring at 3/4 of BENCH_TIMEOUT
set -euo pipefail
cd "$(dirname "$0")/.."

load_start="$(uptime | sed 's/^ *//'), $(nproc) CPUs"

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
echo '{"maxFileSize": 0, "maxCrossLineFindings": 0}' > "$tmp/all-rules.json"

echo "building notesls, notesgen and notesls-bench" >&2
go build -o "$tmp/notesls" ./cmd/notesls
go build -o "$tmp/notesgen" ./cmd/notesgen
go build -o "$tmp/notesls-bench" ./cmd/notesls-bench

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# measure NAME CMD...: runs CMD with stdout discarded (or written to $MEASURE_OUT when
# set), bounded by $limit seconds; sets wall_ms, rss_kb and cpu_ms (user + sys; "n/a"
# without GNU time) and status (the exit code; 124 = timed out).
measure() {
  local name=$1; shift
  local t0 t1 out=${MEASURE_OUT:-/dev/null}
  t0=$(now_ms)
  set +e
  (
    ulimit -v $((mem_mb * 1024))
    if [ $have_time = 1 ]; then
      exec timeout "$limit" /usr/bin/time -v -o "$tmp/$name.time" "$@" >"$out" 2>"$tmp/$name.err"
    else
      exec timeout "$limit" "$@" >"$out" 2>"$tmp/$name.err"
    fi
  )
  status=$?
  set -e
  t1=$(now_ms)
  wall_ms=$((t1 - t0))
  rss_kb=n/a cpu_ms=n/a
  if [ $have_time = 1 ] && [ -f "$tmp/$name.time" ]; then
    rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/$name.time")
    [ -n "$rss_kb" ] || rss_kb=n/a
    cpu_ms=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%d", s * 1000}' "$tmp/$name.time")
  fi
}

secs() { awk -v ms="$1" 'BEGIN { printf "%.2f", ms / 1000 }'; }
cpus() { if [ "$1" = n/a ]; then echo n/a; else echo "$(secs "$1") s"; fi; }
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
  # All rules on, whatever the file's size: a 1M-line file is past the default
  # maxFileSize (20 MB), which would skip the cross-line rules.
  measure "check-$n" "$tmp/notesls" --check --config "$tmp/all-rules.json" "$f"
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

# The floor under --check (BENCH_FLOOR=0 skips it): on the largest corpus, the best of
# BENCH_FLOOR_RUNS runs of reading the file, of --check with every rule off (the parse,
# the index and the report), of each rule alone, of all rules, and of the baseline; what
# a rule costs is its run less the all-off run. Then the CPU profile of an all-rules run.
floor_rows="" floor_top=""
if [ "${BENCH_FLOOR:-1}" != 0 ]; then
  # shellcheck disable=SC2086 # split the list of sizes
  set -- $sizes
  floor_n=${!#}
  floor_f="$tmp/corpus-$floor_n.notes"
  runs=${BENCH_FLOOR_RUNS:-3}
  rules=$(awk -F'|' '/^\| [a-z-]+ \| (error|warning|info|hint|off)/ {gsub(/ /, "", $2); print $2}' docs/format.md)
  # only_rule RULE: a config with every rule off but RULE (none: all off).
  only_rule() {
    local out='{"maxFileSize": 0, "maxCrossLineFindings": 0, "rules": {' sep="" r sev
    for r in $rules; do
      sev=off
      [ "$r" = "$1" ] && sev=warning
      out+="$sep\"$r\": \"$sev\""
      sep=", "
    done
    echo "$out}}"
  }
  # best NAME CMD...: the fastest of $runs runs; sets best_ms, best_rss and best_cpu (the
  # least CPU time of the runs: on a shared machine steadier than the wall).
  best() {
    local name=$1 i
    shift
    best_ms="" best_rss=n/a best_cpu=""
    for ((i = 0; i < runs; i++)); do
      measure "$name" "$@"
      if [ -z "$best_ms" ] || [ "$wall_ms" -lt "$best_ms" ]; then
        best_ms=$wall_ms best_rss=$rss_kb
      fi
      if [ "$cpu_ms" != n/a ] && { [ -z "$best_cpu" ] || [ "$cpu_ms" -lt "$best_cpu" ]; }; then
        best_cpu=$cpu_ms
      fi
    done
    [ -n "$best_cpu" ] || best_cpu=n/a
  }
  # cpu_over BASE: best_cpu less BASE, in seconds.
  cpu_over() { if [ "$best_cpu" = n/a ] || [ "$1" = n/a ]; then echo n/a; else awk -v a="$best_cpu" -v b="$1" 'BEGIN { printf "%+.2f s", (a - b) / 1000 }'; fi; }
  echo "the floor under --check on $floor_n lines ($runs runs each)" >&2
  # shellcheck disable=SC2016 # $1 is expanded by the inner bash
  best floor-base bash -c 'LC_ALL=C sort -f "$1" | uniq -di' _ "$floor_f"
  floor_base=$best_ms
  floor_rows+="| \`LC_ALL=C sort -f FILE \| uniq -di\` | $(secs "$best_ms") s | $(cpus "$best_cpu") | $(mb "$best_rss") MiB | | 1.00x |"$'\n'
  best floor-cat cat "$floor_f"
  floor_rows+="| read the file (\`cat FILE\`) | $(secs "$best_ms") s | $(cpus "$best_cpu") | $(mb "$best_rss") MiB | | $(ratio "$best_ms" "$floor_base")x |"$'\n'
  only_rule none >"$tmp/only-none.json"
  best floor-none "$tmp/notesls" --check --config "$tmp/only-none.json" "$floor_f"
  floor_none=$best_ms floor_none_cpu=$best_cpu
  floor_rows+="| --check, every rule off: parse, index, report | $(secs "$best_ms") s | $(cpus "$best_cpu") | $(mb "$best_rss") MiB | | $(ratio "$best_ms" "$floor_base")x |"$'\n'
  for r in $rules; do
    only_rule "$r" >"$tmp/only-$r.json"
    best "floor-$r" "$tmp/notesls" --check --config "$tmp/only-$r.json" "$floor_f"
    floor_rows+="| --check, $r alone | $(secs "$best_ms") s | $(cpus "$best_cpu") | $(mb "$best_rss") MiB | $(cpu_over "$floor_none_cpu") | $(ratio "$best_ms" "$floor_base")x |"$'\n'
  done
  best floor-all "$tmp/notesls" --check --config "$tmp/all-rules.json" "$floor_f"
  floor_rows+="| --check, all rules (as above) | $(secs "$best_ms") s | $(cpus "$best_cpu") | $(mb "$best_rss") MiB | $(cpu_over "$floor_none_cpu") | $(ratio "$best_ms" "$floor_base")x |"$'\n'
  # In process, without reading, reporting or exiting: the parse alone, the parse and
  # the index, and both with every finding made (default rules, no size limit applies).
  echo "go test -bench: parse, index, findings of $floor_n lines" >&2
  floor_go=$(NOTESLS_BENCH_FILE="$floor_f" go test -run '^$' -bench '^Benchmark(ParseFile|IndexFile|CheckFile)$' -benchtime "${runs}x" -benchmem ./index/ 2>&1 || true)
  for b in ParseFile IndexFile CheckFile; do
    ns=$(awk -v b="Benchmark$b" '$1 ~ "^"b"(-[0-9]+)?$" {print $3; exit}' <<<"$floor_go")
    what="parse alone (analysis.ParseParallel)"
    [ "$b" = IndexFile ] && what="parse and index (Workspace.UpdateMany)"
    [ "$b" = CheckFile ] && what="parse, index and every finding (Diagnostics)"
    if [ -n "$ns" ]; then
      floor_rows+="| in process: $what | $(awk -v ns="$ns" 'BEGIN { printf "%.2f s", ns / 1e9 }') | | | | $(awk -v ns="$ns" -v b="$floor_base" 'BEGIN { printf "%.1fx", ns / 1e6 / b }') |"$'\n'
    fi
  done
  measure floor-prof "$tmp/notesls" --check --config "$tmp/all-rules.json" --profile.cpu "$tmp/check.prof" "$floor_f"
  floor_top=$(go tool pprof -top -nodecount 25 "$tmp/notesls" "$tmp/check.prof" 2>&1 | sed -n '/flat%/,$p' || true)
fi

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

# Many files. check_split NAME DIR: --check of a directory, with the summary line.
declare -A split_ms split_rss split_status split_findings
check_dir() {
  local name=$1 dir=$2
  measure "$name" "$tmp/notesls" --check "$dir"
  split_ms[$name]=$wall_ms split_rss[$name]=$rss_kb split_status[$name]=$status
  split_findings[$name]=$(grep -E '^[0-9]+ files?,' "$tmp/$name.err" | tail -1 || true)
  if [ "$status" != 0 ] && [ "$status" != 1 ]; then
    local why=""
    [ "$status" = 124 ] && why=" (timed out after ${limit}s)"
    grep -qi "out of memory" "$tmp/$name.err" && why=" (out of memory under the ${mem_mb} MiB limit)"
    split_findings[$name]="exit status $status$why: $(tail -c 200 "$tmp/$name.err" | tr '\n' ' ')"
  fi
}
# lsp_run NAME DIR REQUESTS EDITS: notesls-bench on DIR with DIR/refs.notes open; sets
# lsp_out[NAME] to its report (or why it failed) and lsp_cmd[NAME] to the command.
lsp_timeout=${BENCH_LSP_TIMEOUT:-30}
declare -A lsp_out lsp_cmd
lsp_run() {
  local name=$1 dir=$2 requests=$3 edits=$4
  local args=(-workspace "$dir" -refs "$dir/refs.notes" -requests "$requests" -edits "$edits" -seed "$seed"
    -timeout "${lsp_timeout}s" -start-timeout "$((limit / 4))s" -deadline "$((limit * 3 / 4))s")
  lsp_cmd[$name]="notesls-bench ${args[*]} -- notesls"
  MEASURE_OUT="$tmp/$name.out" measure "$name" "$tmp/notesls-bench" "${args[@]}" -- "$tmp/notesls"
  lsp_out[$name]=$(cat "$tmp/$name.out")
  if [ "$status" != 0 ]; then
    local why=""
    [ "$status" = 124 ] && why=" (timed out after ${limit}s)"
    lsp_out[$name]="notesls-bench exit status $status$why:
${lsp_out[$name]}
$(tail -c 2000 "$tmp/$name.err")"
  fi
}
refs_lines=${BENCH_REFS:-1000}
# lsp_summary NAME: the figures the targets name, read from the report.
lsp_summary() {
  local out=${lsp_out[$1]}
  local first hover edits
  first=$(grep -m1 -E '^first diagnostics' <<<"$out" | sed 's/^first diagnostics *//' || true)
  hover=$(grep -m1 -E '^first hover' <<<"$out" | sed 's/^first hover *//' || true)
  edits=$(awk '/edit -> diagnostics/ { name = ($1 == "edit") ? "opened file" : $1; printf "%s%s %s / %s / %s ms (%d edits, %d timeouts)", sep, name, $(NF-3), $(NF-2), $(NF-1), $(NF-8), $(NF-6); sep = "; " }' <<<"$out" || true)
  echo "- First diagnostics of the opened file: ${first:-none}; first hover: ${hover:-none}."
  echo "- Keystroke to diagnostics, p50 / p99 / max (target: p99 under 50 ms): ${edits:-not measured}."
  echo "- $(grep -m1 -E '^peak RSS' <<<"$out" | tr -s ' ' || echo "peak RSS not reported")."
}

split_lines=${BENCH_SPLIT_LINES:-100000}
split_files=${BENCH_SPLIT_FILES:-"1 100 1000"}
split_last=""
if [ "${BENCH_SPLIT:-1}" != 0 ]; then
  for k in $split_files; do
    echo "notesls --check on $split_lines lines in $k files" >&2
    "$tmp/notesgen" -lines "$split_lines" -seed "$seed" -files "$k" -dir "$tmp/split-$k" -refs "$refs_lines"
    # --check sees the corpus alone, as it was split; refs.notes is for the server run.
    mv "$tmp/split-$k/refs.notes" "$tmp/refs-$k.notes"
    check_dir "split-$k" "$tmp/split-$k"
    split_last=$k
  done
  echo "notesls-bench on $split_lines lines in $split_last files with refs.notes open" >&2
  mv "$tmp/refs-$split_last.notes" "$tmp/split-$split_last/refs.notes"
  lsp_run split "$tmp/split-$split_last" 200 100
  for k in $split_files; do rm -rf "$tmp/split-$k" "$tmp/refs-$k.notes"; done
fi

tiny_files=${BENCH_TINY_FILES:-10000}
tiny_refs=$((refs_lines < tiny_files / 10 ? refs_lines : tiny_files / 10))
if [ "${BENCH_TINY:-1}" != 0 ]; then
  echo "notesls --check and the server on $tiny_files one-line files" >&2
  "$tmp/notesgen" -lines "$tiny_files" -seed "$seed" -files "$tiny_files" -dir "$tmp/tiny" -refs "$tiny_refs"
  mv "$tmp/tiny/refs.notes" "$tmp/refs-tiny.notes"
  check_dir tiny "$tmp/tiny"
  mv "$tmp/refs-tiny.notes" "$tmp/tiny/refs.notes"
  lsp_run tiny "$tmp/tiny" 50 20
  rm -rf "$tmp/tiny"
fi

million_lines=${BENCH_MILLION_LINES:-1000000}
million_files=${BENCH_MILLION_FILES:-1000}
if [ "${BENCH_MILLION:-1}" != 0 ]; then
  echo "notesls-bench on $million_lines lines in $million_files files with refs.notes open" >&2
  "$tmp/notesgen" -lines "$million_lines" -seed "$seed" -files "$million_files" -dir "$tmp/million" -refs "$refs_lines"
  lsp_run million "$tmp/million" 200 100
  rm -rf "$tmp/million"
fi
load_end="$(uptime | sed 's/^ *//'), $(nproc) CPUs"

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
echo "\`notesls --check --config all-rules.json FILE\`, where all-rules.json is"
echo "\`{\"maxFileSize\": 0, \"maxCrossLineFindings\": 0}\`: every rule runs, whatever the size."
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
if [ -n "$floor_rows" ]; then
  echo
  echo "### The floor under --check, $floor_n lines (best of $runs runs each)"
  echo
  echo "Each rule alone is \`--check --config\` with every other rule off; its cost is its CPU"
  echo "time (user + sys, the least of the runs) less that of the run with every rule off;"
  echo "on a shared machine the wall varies by more than most rules cost. unlinked-mention is"
  echo "off by default, so not among \"all rules\". The last column is the wall against the"
  echo "baseline's."
  echo
  echo "| run | wall | CPU | peak RSS | CPU over every rule off | / baseline |"
  echo "|---|---:|---:|---:|---:|---:|"
  printf '%s' "$floor_rows"
  echo
  echo "CPU profile of the all-rules run (\`--check --profile.cpu FILE\`, \`go tool pprof -top\`):"
  echo
  echo '```'
  echo "$floor_top"
  echo '```'
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

if [ "${BENCH_SPLIT:-1}" != 0 ] || [ "${BENCH_TINY:-1}" != 0 ] || [ "${BENCH_MILLION:-1}" != 0 ]; then
  echo
  echo "### Many files"
  echo
  echo "Load at the start: $load_start. At the end: $load_end."
  echo "Corpora: \`notesgen -lines N -seed $seed -files K -dir DIR\`, with \`-refs R\` for the server"
  echo "runs, which open the biggest corpus file and DIR/refs.notes (R entries whose"
  echo "references name terms of the other files, 5% misspelled). Limits: ${limit}s and ${mem_mb} MiB"
  echo "of address space per command."
fi
if [ "${BENCH_SPLIT:-1}" != 0 ]; then
  echo
  echo "#### notesls --check DIR, $split_lines lines split into K files"
  echo
  echo "\`notesgen -lines $split_lines -seed $seed -files K -dir DIR -refs $refs_lines\`, refs.notes moved out"
  echo "of DIR for --check and back for the server run on the last split."
  echo
  echo "| files | --check wall | --check peak RSS | exit | summary |"
  echo "|---:|---:|---:|---:|---|"
  for k in $split_files; do
    echo "| $k | $(secs "${split_ms[split-$k]}") s | $(mb "${split_rss[split-$k]}") MiB | ${split_status[split-$k]} | ${split_findings[split-$k]:-no summary line} |"
  done
  echo
  echo "#### Server, $split_lines lines in $split_last files, refs.notes ($refs_lines lines) open"
  echo
  lsp_summary split
  echo
  echo '```'
  echo "\$ ${lsp_cmd[split]//$tmp/\$TMP}"
  echo "${lsp_out[split]//$tmp/\$TMP}"
  echo '```'
fi
if [ "${BENCH_TINY:-1}" != 0 ]; then
  echo
  echo "#### $tiny_files one-line files"
  echo
  echo "\`notesgen -lines $tiny_files -seed $seed -files $tiny_files -dir DIR -refs $tiny_refs\`, refs.notes moved"
  echo "out of DIR for --check."
  echo
  echo "\`notesls --check DIR\`: $(secs "${split_ms[tiny]}") s wall, $(mb "${split_rss[tiny]}") MiB peak RSS, exit ${split_status[tiny]}; ${split_findings[tiny]:-no summary line}."
  echo "Server: $(grep -m1 -E '^first hover' <<<"${lsp_out[tiny]}" | tr -s ' ' || echo "no first hover line"); $(grep -m1 -E '^first diagnostics' <<<"${lsp_out[tiny]}" | tr -s ' ' || echo "no first diagnostics line") (refs.notes: $tiny_refs lines)."
  echo
  echo '```'
  echo "\$ ${lsp_cmd[tiny]//$tmp/\$TMP}"
  echo "${lsp_out[tiny]//$tmp/\$TMP}"
  echo '```'
fi
if [ "${BENCH_MILLION:-1}" != 0 ]; then
  echo
  echo "#### Server, $million_lines lines in $million_files files, refs.notes ($refs_lines lines) open"
  echo
  echo "\`notesgen -lines $million_lines -seed $seed -files $million_files -dir DIR -refs $refs_lines\`"
  echo
  lsp_summary million
  echo
  echo '```'
  echo "\$ ${lsp_cmd[million]//$tmp/\$TMP}"
  echo "${lsp_out[million]//$tmp/\$TMP}"
  echo '```'
fi
