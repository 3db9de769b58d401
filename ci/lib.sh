# Shared helpers for the scripts in ci/. Source it; do not run it.

# The workspace root, wherever the script is called from.
repo_root() {
  cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd
}

die() {
  echo "error: $*" >&2
  exit 1
}

# Fails unless tools/<tool> is a tool of this workspace.
require_tool() {
  local tool=$1
  [[ -n "$tool" ]] || die "name a tool: one of $(ls "$(repo_root)/tools" | tr '\n' ' ')"
  [[ -f "$(repo_root)/tools/$tool/Procfile" ]] || die "no tool '$tool' (tools/$tool/Procfile missing)"
}

# The pinned toolchain channel from rust-toolchain.toml.
toolchain_channel() {
  sed -n 's/^channel *= *"\(.*\)"/\1/p' "$(repo_root)/rust-toolchain.toml"
}

# A TCP port nothing listens on right now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Milliseconds since the epoch.
now_ms() {
  date +%s%3N
}

# Polls http://127.0.0.1:<port><path> until it answers 200; prints the milliseconds it took.
# Gives up after <timeout> seconds (Toolforge's startup probe allows 120) or if <pid> dies.
wait_healthy() {
  local port=$1 path=$2 pid=$3 timeout=${4:-120}
  local start; start=$(now_ms)
  while true; do
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$path" || true)" == 200 ]]; then
      echo $(( $(now_ms) - start ))
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { echo "the process exited before it was healthy" >&2; return 1; }
    (( $(now_ms) - start < timeout * 1000 )) || { echo "not healthy after ${timeout}s" >&2; return 1; }
    sleep 0.05
  done
}
