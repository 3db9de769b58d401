#!/usr/bin/env bash
# Compares two builds of one tool on the same paths, two ways (docs/performance.md):
# - instructions per request under callgrind (the server only; 2000 minus 500 keep-alive
#   requests, so start-up cancels out): repeatable, whatever else the machine does;
# - req/s with both builds served side by side and loaded in turn (wrk -t2 -c64, 4 s, five
#   rounds each), medians: what a user would notice, noisy on a shared 2-core machine.
# Usage: ci/compare-builds.sh <old binary> <new binary> [path …]   (default path: /)
set -euo pipefail
old=$1
new=$2
shift 2
paths=("$@")
(( ${#paths[@]} )) || paths=(/)
for program in valgrind wrk curl; do
  command -v "$program" >/dev/null || { echo "$program is needed (apt-get install $program)" >&2; exit 1; }
done
work=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
serve() { # binary port [wrapper…]
  local binary=$1 port=$2
  shift 2
  env -i PATH=/usr/bin:/bin PORT="$port" RUST_LOG=warn TOOL_SECRET_KEY="compare-builds-secret-key-0123456789" \
    "$@" "$binary" >/dev/null 2>&1 &
  pids+=($!)
  until curl -s -o /dev/null "http://127.0.0.1:$port/healthz"; do sleep 0.1; done
}

instructions() { # binary path requests
  local port out
  port=$(free_port)
  out="$work/callgrind.$RANDOM"
  serve "$1" "$port" valgrind --tool=callgrind --callgrind-out-file="$out"
  local pid=${pids[-1]}
  local urls=()
  for ((i = 0; i < $3; i++)); do urls+=("http://127.0.0.1:$port$2"); done
  curl -s "${urls[@]}" >/dev/null
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  awk '/^summary:/ {print $2}' "$out"
}

per_request() { # binary path
  local few many
  few=$(instructions "$1" "$2" 500)
  many=$(instructions "$1" "$2" 2000)
  echo $(( (many - few) / 1500 ))
}

echo "== instructions per request (callgrind)"
for path in "${paths[@]}"; do
  a=$(per_request "$old" "$path")
  b=$(per_request "$new" "$path")
  echo "$path: old $a, new $b ($(awk -v a="$a" -v b="$b" 'BEGIN { printf "%+.1f %%", (b - a) * 100 / a }'))"
done

echo "== req/s, both builds served side by side, loaded in turn, median of 5 rounds"
port_old=$(free_port)
serve "$old" "$port_old"
port_new=$(free_port)
serve "$new" "$port_new"
median() { printf '%s\n' "$@" | sort -n | sed -n 3p; }
rate() { wrk -t2 -c64 -d4s "$1" | awk '/Requests\/sec/ {print int($2)}'; }
for path in "${paths[@]}"; do
  rates_old=()
  rates_new=()
  for _ in 1 2 3 4 5; do
    rates_old+=("$(rate "http://127.0.0.1:$port_old$path")")
    rates_new+=("$(rate "http://127.0.0.1:$port_new$path")")
  done
  a=$(median "${rates_old[@]}")
  b=$(median "${rates_new[@]}")
  echo "$path: old ${rates_old[*]} (median $a), new ${rates_new[*]} (median $b), new/old $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b / a }')"
done
