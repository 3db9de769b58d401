#!/usr/bin/env bash
# Benchmark of one tool's web process: a release build, then wrk against the health check and
# the start page. Prints time-to-healthy, requests/s, p50/p99 latency and peak RSS.
# A recipe for humans and for comparing changes, not a test: nothing here passes or fails on speed.
#
# Usage: ci/bench.sh <tool> [seconds per path, default 5]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

tool=${1:-}
seconds=${2:-5}
require_tool "$tool"
root=$(repo_root)
command -v wrk >/dev/null || die "wrk is missing: apt-get install wrk"

cargo build --release --locked -p "$tool" --manifest-path "$root/Cargo.toml"
binary="$root/target/release/$tool"
port=$(free_port)
log=$(mktemp)
trap 'kill "$pid" 2>/dev/null || true; rm -f "$log"' EXIT

# Logs at warn: an access-log line per request would measure the terminal, not the tool.
env -i PATH=/usr/bin:/bin PORT="$port" RUST_LOG=warn TOOL_SECRET_KEY="bench-secret-key-$(date +%s%N)" \
  "$binary" >"$log" 2>&1 &
pid=$!
healthy_ms=$(wait_healthy "$port" /healthz "$pid" 120)

# "Requests/sec: 12345.67" and the --latency percentile lines "50% 1.23ms", "99% 4.56ms".
run_wrk() {
  local path=$1 output
  output=$(wrk -t2 -c32 -d"${seconds}s" --latency "http://127.0.0.1:$port$path")
  local rps p50 p99 non2xx
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$output")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$output")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$output")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$output")
  printf '%-10s %12s req/s   p50 %9s   p99 %9s   non-2xx %s\n' "$path" "$rps" "$p50" "$p99" "${non2xx:-0}"
}

echo "== $tool: ${seconds}s per path, wrk 2 threads, 32 connections, on $(nproc) cores"
echo "time to healthy: ${healthy_ms} ms"
run_wrk /healthz
run_wrk /
peak_rss_kib=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
echo "peak RSS: $(( peak_rss_kib / 1024 )) MiB ($peak_rss_kib KiB)"

# A tool's own benchmarks (benches/ in its crate, e.g. QuickCategories' background runner).
if [[ -d "$root/tools/$tool/benches" ]]; then
  kill "$pid" 2>/dev/null || true
  for bench in "$root/tools/$tool/benches/"*.rs; do
    cargo bench --locked -p "$tool" --bench "$(basename "$bench" .rs)" --manifest-path "$root/Cargo.toml"
  done
fi
