# Shared helpers for the scripts in ci/. Source it; do not run it.
# shellcheck shell=bash

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
  [[ -n "$tool" ]] || die "name a tool: one of $(cd "$(repo_root)/tools" && echo *)"
  [[ -f "$(repo_root)/tools/$tool/Procfile" ]] || die "no tool '$tool' (tools/$tool/Procfile missing)"
}

# The pinned toolchain channel from the rust-toolchain.toml in <dir> (default: the workspace).
toolchain_channel() {
  local dir=${1:-$(repo_root)}
  sed -n 's/^channel *= *"\(.*\)"/\1/p' "$dir/rust-toolchain.toml"
}

# A TCP port nothing listens on right now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Milliseconds since the epoch.
now_ms() {
  date +%s%3N
}

# Toolforge's probes give up after 5 s: jobs-api sets timeoutSeconds 5 on the startup probe and
# on the liveness probe alike (toolforge-jobs-api, tjf/runtimes/k8s/healthchecks.py). An answer
# that comes later is a failed probe there, so it is one here.
PROBE_TIMEOUT_SECONDS=5

# One HTTP probe as the kubelet makes it: GET http://127.0.0.1:<port><path>, at most 5 s.
# Prints "<status> <milliseconds>" (status 000 when nothing answered in time); succeeds only on
# a 200 within the timeout. (The kubelet accepts any 2xx or 3xx; the tools answer 200, and
# requiring it keeps a redirect to a login page from passing by accident.)
probe_http() {
  local port=$1 path=$2 out code ms
  out=$(curl -s -o /dev/null --max-time "$PROBE_TIMEOUT_SECONDS" -w '%{http_code} %{time_total}' \
    "http://127.0.0.1:$port$path") || true
  code=${out%% *}
  ms=$(awk -v s="${out##* }" 'BEGIN { printf "%d", s * 1000 }')
  echo "${code:-000} $ms"
  [[ "$code" == 200 ]] && (( ms < PROBE_TIMEOUT_SECONDS * 1000 ))
}

# Polls http://127.0.0.1:<port><path> until one probe passes (200 within 5 s); prints the
# milliseconds that took. Gives up after <timeout> seconds (Toolforge's startup probe allows
# 120 tries a second apart) or if <pid> dies.
wait_healthy() {
  local port=$1 path=$2 pid=$3 timeout=${4:-120}
  local start; start=$(now_ms)
  local last="000 0"
  while true; do
    if last=$(probe_http "$port" "$path"); then
      echo $(( $(now_ms) - start ))
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { echo "the process exited before it was healthy" >&2; return 1; }
    if (( $(now_ms) - start >= timeout * 1000 )); then
      echo "not healthy after ${timeout}s (last probe: status ${last% *} after ${last#* } ms)" >&2
      return 1
    fi
    sleep 0.01  # fine enough to measure a start of a few tens of milliseconds
  done
}

# The words of a health_check_script as jobs-api makes them, each followed by a NUL byte:
# Python's shlex.split and nothing else. No shell ever sees the script: jobs-api runs it as the
# exec probe ["launcher", *words], so `a && b`, `a; b`, `$VAR`, `> file` and `X=1 cmd` are not
# shell syntax there, only words handed to the program as arguments (or, first, as its name).
health_script_words() {
  local split
  split=$(cat <<'PYTHON'
import shlex, sys
script = sys.argv[1]
try:
    words = shlex.split(script)
except ValueError as error:
    sys.exit(f"health_check_script {script!r} cannot be split into words: {error}")
if not words:
    sys.exit("health_check_script is empty")
for word in words:
    sys.stdout.write(word + "\0")
PYTHON
)
  python3 -c "$split" "$1"
}

# Runs a health_check_script once, exactly as Toolforge's exec probe does on a Build Service
# image, and returns its exit status (non-zero: the probe failed):
#   - split into words by health_script_words, then exec'd as they are: no shell anywhere;
#   - in <dir> (the app directory, where `launcher` runs it), as <uid>, which has no passwd
#     entry, without supplementary groups, with an environment of only the NAME=value settings
#     given (the tool's TOOL_* settings; no HOME, no PATH, so the usual default search path);
#   - killed, and failed, when it has not exited after 5 s (timeoutSeconds 5).
# `launcher` adds the buildpacks' environment and execs the words; if the first word named a
# Procfile process it would start that process instead, which no health check means to do, so
# that is refused here rather than emulated.
#
# Usage: run_health_script <dir> <uid> <script> [NAME=value ...]
run_health_script() {
  local dir=$1 uid=$2 script=$3
  shift 3
  local words=()
  health_script_words "$script" >/dev/null || return 2
  mapfile -d '' -t words < <(health_script_words "$script")
  if [[ -f "$dir/Procfile" ]] && cut -d: -f1 "$dir/Procfile" | grep -qxF -- "${words[0]}"; then
    echo "health_check_script starts with '${words[0]}', a Procfile process: launcher would start that process, not check it" >&2
    return 2
  fi
  local status=0
  # `env -i` keeps only the given settings; setpriv comes before the words so that `env` cannot
  # take a first word like X=1 for a setting, and `--` ends setpriv's options.
  (cd "$dir" && exec timeout --kill-after=1 "$PROBE_TIMEOUT_SECONDS" \
    env -i "$@" setpriv --reuid="$uid" --regid="$uid" --clear-groups -- "${words[@]}") || status=$?
  if (( status == 124 || status == 137 )); then
    echo "health_check_script timed out: still running after ${PROBE_TIMEOUT_SECONDS} s, Toolforge's probe timeout" >&2
  fi
  return "$status"
}

# The health_check_script of the component whose run.command is <process> in <toolforge.yaml>,
# as the YAML string it is (plain, 'single-' or "double-quoted"); nothing if there is none.
component_health_script() {
  python3 - "$1" "$2" <<'PYTHON'
import json, re, sys
text = open(sys.argv[1]).read()
process = sys.argv[2]
# Small enough to read without a YAML library: components are blocks of indented lines.
for block in re.split(r"\n  (?=[a-z][\w-]*:\n)", text):
    if re.search(r"^\s+command:\s*" + re.escape(process) + r"\s*$", block, re.M):
        match = re.search(r"^\s+health_check_script:\s*(.+?)\s*$", block, re.M)
        if match:
            value = match.group(1)
            if value.startswith("'"):
                value = value[1 : value.rindex("'")].replace("''", "'")
            elif value.startswith('"'):
                value = json.loads(value[: value.rindex('"') + 1])
            else:
                value = re.sub(r"\s+#.*$", "", value)
            print(value)
PYTHON
}
