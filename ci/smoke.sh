#!/usr/bin/env bash
# Build-Service emulation: proves that what Toolforge would build from the deploy tree boots
# and serves in a container like Toolforge's.
#
#  1. write the deploy tree (ci/deploy-tree.sh) and build it in release mode with the flags
#     from its RustConfig (production dependencies only: no dev-dependencies are compiled);
#  2. a tool that keeps its data in ToolsDB (one that depends on sqlx) gets a throwaway MariaDB
#     standing in for it, with credentials passed the way Toolforge injects them
#     (TOOL_TOOLSDB_USER, TOOL_TOOLSDB_PASSWORD) and a database named <user>__<tool>;
#  3. run every Procfile process from the tree root with an environment holding only PORT (web)
#     and TOOL_* settings, as a numeric UID with no passwd entry and no HOME;
#  4. web: wait for service.template's health-check-path to answer 200 (and say how long it
#     took) and fetch the pages; other processes: run the health_check_script toolforge.yaml
#     gives their component, as Toolforge's startup probe does (every second until it passes),
#     and once more after a few seconds, as the liveness probe does;
#  5. send SIGTERM to each process and require exit status 0 within 5 seconds.
#
# Usage: ci/smoke.sh <tool>
# Extra TOOL_* settings for the run can be given as SMOKE_ENV="TOOL_A=x TOOL_B=y", and the pages
# that must answer 200 as SMOKE_PATHS="/ /batch/" (default "/").
set -euo pipefail
source "$(dirname "$0")/lib.sh"

tool=${1:-}
require_tool "$tool"
root=$(repo_root)
# A UID that exists nowhere: Toolforge runs containers as the tool's UID, unknown to the image.
uid=${SMOKE_UID:-61234}
if getent passwd "$uid" >/dev/null; then
  die "UID $uid has a passwd entry here; set SMOKE_UID to an unused one"
fi

work=$(mktemp -d)
pids=()
database_pid=
cleanup() {
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  [[ -n "$database_pid" ]] && kill "$database_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
tree="$work/tree"

echo "== 1. deploy tree and release build"
bash "$root/ci/deploy-tree.sh" "$tool" "$tree"
# shellcheck disable=SC1091
source "$tree/RustConfig"
# The buildpack builds in the tree; sharing the workspace's target directory keeps CI fast, and
# the binary is then put where the buildpack puts it (target/release/ in the tree).
build_start=$(now_ms)
# shellcheck disable=SC2086
(cd "$tree" && CARGO_TARGET_DIR="$root/target" cargo build $RUST_CARGO_BUILD_FLAGS)
echo "release build: $(( $(now_ms) - build_start )) ms"
mkdir -p "$tree/target/release"
cp "$root/target/release/$tool" "$tree/target/release/$tool"
chmod -R a+rX "$work"

env_args=("TOOL_SECRET_KEY=smoke-test-secret-key-$(date +%s%N)")
for setting in ${SMOKE_ENV:-}; do
  env_args+=("$setting")
done
# Names only: values may be secrets.
names=$(for setting in ${SMOKE_ENV:-}; do printf ' %s' "${setting%%=*}"; done)

if grep -q '^sqlx' "$root/tools/$tool/Cargo.toml" && [[ " ${SMOKE_ENV:-} " != *" TOOL_DATABASE__URL="* ]]; then
  echo "== 2. a MariaDB standing in for ToolsDB"
  eval "$(bash "$root/ci/start-mariadb-service.sh")"
  database_pid=$MARIADB_SERVICE_PID
  # As on ToolsDB: a user per tool, its databases named <user>__<name>. A password of digits
  # with a leading zero proves that secrets reach the tool verbatim.
  toolsdb_user=s61234
  toolsdb_password=0${RANDOM}${RANDOM}
  mariadb --no-defaults -h127.0.0.1 -P"$MARIADB_SERVICE_PORT" -uroot -e "
    CREATE USER '$toolsdb_user'@'127.0.0.1' IDENTIFIED BY '$toolsdb_password';
    GRANT ALL PRIVILEGES ON \`${toolsdb_user}\\_\\_%\`.* TO '$toolsdb_user'@'127.0.0.1';
    CREATE DATABASE \`${toolsdb_user}__${tool}\` CHARACTER SET utf8mb4;"
  env_args+=("TOOL_TOOLSDB_USER=$toolsdb_user" "TOOL_TOOLSDB_PASSWORD=$toolsdb_password"
    "TOOL_DATABASE__HOST=127.0.0.1" "TOOL_DATABASE__PORT=$MARIADB_SERVICE_PORT")
  names+=" TOOL_TOOLSDB_USER TOOL_TOOLSDB_PASSWORD TOOL_DATABASE__HOST TOOL_DATABASE__PORT"
  echo "ToolsDB stand-in: database ${toolsdb_user}__${tool} for user $toolsdb_user"
fi

# Replaces the calling (sub)shell with $COMMAND run in the tree as the unnamed UID, with only the
# given environment. Call it with `&` (the job's pid is then the process's) or in `( … )`.
as_tool() {
  cd "$tree" && exec env -i "$@" setpriv --reuid="$uid" --regid="$uid" --clear-groups \
    /bin/sh -c 'exec '"${COMMAND:?}"
}

# The health_check_script of the component whose run.command is <process> in toolforge.yaml.
health_script() {
  python3 - "$tree/toolforge.yaml" "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
process = sys.argv[2]
# Small enough to read without a YAML library: components are blocks of indented lines.
for block in re.split(r"\n  (?=[a-z][\w-]*:\n)", text):
    if re.search(r"^\s+command:\s*" + re.escape(process) + r"\s*$", block, re.M):
        match = re.search(r"^\s+health_check_script:\s*(.+?)\s*$", block, re.M)
        if match:
            print(match.group(1))
PY
}

stop_process() {
  local name=$1 pid=$2
  kill -TERM "$pid"
  local stop_start; stop_start=$(now_ms)
  local deadline=$(( stop_start + 5000 ))
  while kill -0 "$pid" 2>/dev/null && (( $(now_ms) < deadline )); do
    sleep 0.05
  done
  kill -0 "$pid" 2>/dev/null && die "$name: still running 5 s after SIGTERM"
  local exit_status=0
  wait "$pid" || exit_status=$?
  [[ "$exit_status" == 0 ]] || die "$name: exited with status $exit_status after SIGTERM"
  echo "$name: SIGTERM, exited with status 0 after $(( $(now_ms) - stop_start )) ms"
}

processes=$(sed -n 's/^\([a-z][a-z0-9_-]*\):.*/\1/p' "$tree/Procfile")
grep -qx web <<<"$processes" || die "Procfile has no web process"
started=()

echo "== 3. web process as UID $uid"
port=$(free_port)
echo "environment: PORT=$port TOOL_SECRET_KEY${names}"
COMMAND=$(sed -n 's/^web: *//p' "$tree/Procfile") as_tool "PORT=$port" "${env_args[@]}" &
web_pid=$!
pids+=("$web_pid")
health_path=$(sed -n 's/^health-check-path: *//p' "$tree/service.template")
[[ -n "$health_path" ]] || die "service.template has no health-check-path"
if ! healthy_ms=$(wait_healthy "$port" "$health_path" "$web_pid" 120); then
  die "$health_path never answered 200"
fi
echo "web: $health_path answered 200 after ${healthy_ms} ms, as UID $(ps -o uid= -p "$web_pid" | tr -d ' ') (no passwd entry, no HOME)"
for path in ${SMOKE_PATHS:-/}; do
  status=$(curl -s -o "$work/page.html" -w '%{http_code}' "http://127.0.0.1:$port$path")
  [[ "$status" == 200 ]] || die "GET $path answered $status: $(head -c 2000 "$work/page.html")"
  echo "web: GET $path answered 200 ($(wc -c < "$work/page.html") bytes)"
done
started+=("web:$web_pid")

for process in $processes; do
  [[ "$process" == web ]] && continue
  echo "== 4. $process process as UID $uid"
  check=$(health_script "$process")
  [[ -n "$check" ]] || die "toolforge.yaml has no component running '$process' with a health_check_script"
  COMMAND=$(sed -n "s/^$process: *//p" "$tree/Procfile") as_tool "${env_args[@]}" &
  pid=$!
  pids+=("$pid")
  start=$(now_ms)
  # Startup probe: every second, up to 120 failures.
  for attempt in $(seq 1 120); do
    if (COMMAND=$check as_tool "${env_args[@]}") >/dev/null 2>&1; then
      break
    fi
    kill -0 "$pid" 2>/dev/null || die "$process exited before its health check passed"
    (( attempt < 120 )) || die "$process: '$check' never passed"
    sleep 1
  done
  echo "$process: '$check' passed after $(( $(now_ms) - start )) ms, as UID $(ps -o uid= -p "$pid" | tr -d ' ')"
  # Liveness probe: the process must keep proving it is alive.
  sleep 7
  (COMMAND=$check as_tool "${env_args[@]}") || die "$process: '$check' failed 7 s later (stuck?)"
  echo "$process: '$check' passed again 7 s later"
  started+=("$process:$pid")
done

echo "== 5. SIGTERM"
for entry in "${started[@]}"; do
  stop_process "${entry%%:*}" "${entry##*:}"
done
pids=()
echo "smoke test of $tool passed"
