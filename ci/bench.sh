#!/usr/bin/env bash
# Benchmark of one tool's web process against a bare axum + askama server serving the same
# pages (shared/platform/examples/bare_reference.rs), in the same run, so that the ratio says
# what the platform's layers cost on this machine today. Prints, per path, req/s and p50/p99 of
# both and the ratio; then time to healthy and peak RSS of the tool; then the tool's own
# benchmarks (benches/ in its crate).
# A recipe for humans and for comparing changes, not a test: nothing here passes or fails on speed.
#
# The tool runs as in production: access log on (RUST_LOG unset, one line per request), written
# into a pipe as a container's stdout is. BENCH_RUST_LOG=warn measures without it.
#
# Usage: ci/bench.sh <tool> [seconds per path, default 5]
# BENCH_PATHS="/healthz / …" chooses the paths (default: tools/<tool>/bench-paths if there is
# one, else /healthz, /, the stylesheet, a 404).
# BENCH_ROUNDS=n (default 3): each path is loaded n times, tool and bare in turn, and the
# median of each is printed: on 2 cores shared with wrk, single runs vary by ±20 %.
# BENCH_BINARY=<path> benchmarks that binary of the tool instead (e.g. an older build, for a
# before/after table in one run).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

tool=${1:-}
seconds=${2:-5}
require_tool "$tool"
root=$(repo_root)
command -v wrk >/dev/null || die "wrk is missing: apt-get install wrk"
# A tool may name its own pages worth measuring in tools/<tool>/bench-paths (one line).
default_paths="/healthz / /static/style.css /does-not-exist"
[[ -f "$root/tools/$tool/bench-paths" ]] && default_paths=$(tr '\n' ' ' < "$root/tools/$tool/bench-paths")
paths=${BENCH_PATHS:-$default_paths}
rounds=${BENCH_ROUNDS:-3}
connections=64

cargo build --release --locked -p "$tool" --manifest-path "$root/Cargo.toml"
cargo build --release --locked -p platform --example bare_reference --manifest-path "$root/Cargo.toml"
binary=${BENCH_BINARY:-$root/target/release/$tool}
bare="$root/target/release/examples/bare_reference"

work=$(mktemp -d)
pid=
bare_pid=
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  [[ -n "$bare_pid" ]] && kill "$bare_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port=$(free_port)
log_settings=()
[[ -n "${BENCH_RUST_LOG:-}" ]] && log_settings=("RUST_LOG=$BENCH_RUST_LOG")
# The access log goes into a pipe (cat to a file), as a container's stdout goes to containerd.
env -i PATH=/usr/bin:/bin PORT="$port" "${log_settings[@]}" \
  TOOL_SECRET_KEY="bench-secret-key-$(date +%s%N)" "$binary" \
  > >(cat > "$work/tool.log") 2>&1 &
pid=$!
healthy_ms=$(wait_healthy "$port" /healthz "$pid" 120)

# What the tool serves, for the bare reference to serve too.
index=0
for path in $paths; do
  echo "$path" > "$work/$index.path"
  curl -s -o "$work/$index.body" -w '%{http_code}\n' "http://127.0.0.1:$port$path" > "$work/$index.status"
  curl -s -o /dev/null -w '%{content_type}' "http://127.0.0.1:$port$path" > "$work/$index.type"
  index=$(( index + 1 ))
done
# A returning visitor's cookie, from the first page that sets one.
cookie=
for path in $paths; do
  cookie=$(curl -s -o /dev/null -D - "http://127.0.0.1:$port$path" |
    sed -n 's/^[Ss]et-[Cc]ookie: \(session=[^;]*\).*/\1/p' | head -1)
  if [[ -n "$cookie" ]]; then cookie_path=$path; break; fi
done

bare_port=$(free_port)
PORT="$bare_port" "$bare" "$work" > "$work/bare.log" 2>&1 &
bare_pid=$!
wait_healthy "$bare_port" /healthz "$bare_pid" 30 >/dev/null

# Prints "req/s p50 p99 non-2xx/3xx" for one wrk run.
run_wrk() {
  local url=$1; shift
  local output
  output=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@" "$url")
  awk '/^Requests\/sec:/ {rps=$2} $1 == "50%" {p50=$2} $1 == "99%" {p99=$2}
       /Non-2xx/ {bad=$NF} END {printf "%s %s %s %s", rps, p50, p99, (bad == "" ? 0 : bad)}' <<<"$output"
}

# The median of the numbers given (values with units like 1.23ms are compared as wrk prints them,
# converted to microseconds).
median() {
  tr ' ' '\n' | awk '
    /us$/ {v = $0 + 0} /ms$/ {v = ($0 + 0) * 1000} /[0-9]s$/ && !/[um]s$/ {v = ($0 + 0) * 1000000}
    /^[0-9.]+$/ {v = $0 + 0}
    {print v}' | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'
}

# Prints one table row: the medians over the rounds of tool and bare, and their ratio.
row() {
  local label=$1 path=$2; shift 2
  local t_rps=() t_p50=() t_p99=() b_rps=() b_p50=() b_p99=() bad=0
  for _ in $(seq "$rounds"); do
    read -r rps p50 p99 non <<<"$(run_wrk "http://127.0.0.1:$port$path" "$@")"
    t_rps+=("$rps"); t_p50+=("$p50"); t_p99+=("$p99"); bad=$(( bad + non ))
    read -r rps p50 p99 _ <<<"$(run_wrk "http://127.0.0.1:$bare_port$path")"
    b_rps+=("$rps"); b_p50+=("$p50"); b_p99+=("$p99")
  done
  local tr tp50 tp99 br bp50 bp99 ratio
  tr=$(median <<<"${t_rps[*]}"); tp50=$(median <<<"${t_p50[*]}"); tp99=$(median <<<"${t_p99[*]}")
  br=$(median <<<"${b_rps[*]}"); bp50=$(median <<<"${b_p50[*]}"); bp99=$(median <<<"${b_p99[*]}")
  ratio=$(awk -v t="$tr" -v b="$br" 'BEGIN {printf "%.2f", (b > 0 ? t / b : 0)}')
  printf '%-22s %10.0f %7.2fms %7.2fms   %10.0f %7.2fms %7.2fms   %5s   %s\n' \
    "$label" "$tr" "$(awk -v v="$tp50" 'BEGIN {print v / 1000}')" "$(awk -v v="$tp99" 'BEGIN {print v / 1000}')" \
    "$br" "$(awk -v v="$bp50" 'BEGIN {print v / 1000}')" "$(awk -v v="$bp99" 'BEGIN {print v / 1000}')" \
    "$ratio" "$bad"
}

echo "== $tool: ${seconds}s per path and round, median of $rounds rounds, wrk 2 threads, $connections connections, on $(nproc) cores," \
  "access log ${BENCH_RUST_LOG:+off (RUST_LOG=$BENCH_RUST_LOG)}${BENCH_RUST_LOG:-on}"
echo "time to healthy: ${healthy_ms} ms"
printf '%-22s %10s %9s %9s   %10s %9s %9s   %5s   %s\n' \
  path "tool req/s" p50 p99 "bare req/s" p50 p99 ratio "tool non-2xx/3xx (all rounds)"
for path in $paths; do
  row "$path" "$path"
done
if [[ -n "$cookie" ]]; then
  row "$cookie_path (session)" "$cookie_path" -H "Cookie: $cookie"
fi
peak_rss_kib=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
echo "peak RSS of $tool: $(( peak_rss_kib / 1024 )) MiB ($peak_rss_kib KiB)"
echo "access log lines written: $(wc -l < "$work/tool.log")"

# A tool's own benchmarks (benches/ in its crate, e.g. QuickCategories' background runner).
kill "$pid" "$bare_pid" 2>/dev/null || true
if [[ -d "$root/tools/$tool/benches" ]]; then
  for bench in "$root/tools/$tool/benches/"*.rs; do
    cargo bench --locked -p "$tool" --bench "$(basename "$bench" .rs)" --manifest-path "$root/Cargo.toml"
  done
fi

# The platform's layers in process, per kind of page, against a bare router (no wrk, no sockets).
cargo bench --locked -p platform --bench stack --manifest-path "$root/Cargo.toml"
