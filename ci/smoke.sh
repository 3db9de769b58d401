#!/usr/bin/env bash
# Build-Service emulation: proves that what Toolforge would build from the deploy tree boots
# and serves in a container like Toolforge's.
#
#  1. write the deploy tree (ci/deploy-tree.sh: the committed state, HEAD or $DEPLOY_REF) and
#     build it in release mode with the flags from its RustConfig (production dependencies
#     only: no dev-dependencies are compiled); print the build time and the binary's size, and
#     fail if the binary is over 15 MB;
#  2. a tool that keeps its data in ToolsDB (one that depends on sqlx) gets a throwaway MariaDB
#     standing in for it, with credentials passed the way Toolforge injects them
#     (TOOL_TOOLSDB_USER, TOOL_TOOLSDB_PASSWORD) and a database named <user>__<tool>;
#  3. run every Procfile process from the tree root with an environment holding only PORT (web)
#     and TOOL_* settings, as a numeric UID with no passwd entry and no HOME;
#  4. web: wait for service.template's health-check-path to answer 200 within Toolforge's 5 s
#     probe timeout (and say how long it took), fetch the pages, probe once more as the liveness
#     probe does; other processes: run the health_check_script toolforge.yaml gives their
#     component exactly as Toolforge's exec probe does (split into words like Python's
#     shlex.split and exec'd without a shell, 5 s timeout: see run_health_script in ci/lib.sh),
#     every second until it passes, as the startup probe does, and once more a few seconds
#     later, as the liveness probe does;
#  5. send SIGTERM to each process and require exit status 0 within 5 seconds.
#
# Usage: ci/smoke.sh <tool>
# Extra TOOL_* settings for the run can be given as SMOKE_ENV="TOOL_A=x TOOL_B=y", and the pages
# that must answer 200 as SMOKE_PATHS="/ /batch/" (default "/").
# SMOKE_COLD=1 builds in a fresh target directory inside the tree, as the Build Service does (it
# has no cache), instead of sharing the workspace's target/, and checks the build time against
# the goal (3 minutes on 2 cores).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

tool=${1:-}
require_tool "$tool"
root=$(repo_root)
# A UID that exists nowhere: Toolforge runs containers as the tool's UID, unknown to the image.
uid=${SMOKE_UID:-61234}
if getent passwd "$uid" >/dev/null; then
  die "UID $uid has a passwd entry here; set SMOKE_UID to an unused one"
fi
cold=${SMOKE_COLD:-0}
# The goals for every tool: a cold build within 3 minutes on 2 cores, a binary of at most 15 MB.
cold_build_goal_seconds=180
binary_limit_bytes=$(( 15 * 1024 * 1024 ))

work=$(mktemp -d)
pids=()
database_pid=
cleanup() {
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  if [[ -n "$database_pid" ]]; then kill "$database_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
tree="$work/tree"

echo "== 1. deploy tree and release build"
if [[ -z "${DEPLOY_REF:-}" ]] &&
  [[ -n "$(git -C "$root" status --porcelain --untracked-files=no -- "tools/$tool" shared Cargo.toml Cargo.lock)" ]]; then
  echo "note: the deploy tree is the committed state (HEAD); uncommitted changes are not tested" >&2
fi
bash "$root/ci/deploy-tree.sh" "$tool" "$tree"
# shellcheck disable=SC1091
source "$tree/RustConfig"
if [[ "$cold" == 1 ]]; then
  # As on the Build Service: nothing compiled before, the target directory in the tree, no
  # compiler cache. (Crates already downloaded to CARGO_HOME are reused: download time is not
  # build time.)
  target_dir="$tree/target"
  mode="cold"
  unset RUSTC_WRAPPER CARGO_BUILD_RUSTC_WRAPPER
else
  # Sharing the workspace's target directory keeps CI fast; the binary is then put where the
  # buildpack puts it (target/release/ in the tree).
  target_dir="$root/target"
  mode="warm (shared target dir)"
fi
build_start=$(now_ms)
# shellcheck disable=SC2086
(cd "$tree" && CARGO_TARGET_DIR="$target_dir" cargo build $RUST_CARGO_BUILD_FLAGS)
build_seconds=$(( ($(now_ms) - build_start + 500) / 1000 ))
if [[ "$target_dir" != "$tree/target" ]]; then
  mkdir -p "$tree/target/release"
  cp "$target_dir/release/$tool" "$tree/target/release/$tool"
fi
binary_bytes=$(stat -c %s "$tree/target/release/$tool")
binary_mb=$(awk -v b="$binary_bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
echo "release build of $tool: $build_seconds s $mode, binary $binary_mb MB ($binary_bytes bytes)"
# The size is checked in every mode, since a warm build makes the same binary as a cold one; the
# time only in cold mode, and only with a warning: machines and their load vary too much for a
# test to fail on it, while the size does not vary at all.
if (( binary_bytes > binary_limit_bytes )); then
  die "the $tool binary is $binary_mb MB ($binary_bytes bytes), over the 15 MB goal ($binary_limit_bytes bytes)"
fi
if [[ "$cold" == 1 ]] && (( build_seconds > cold_build_goal_seconds )); then
  {
    echo "WARNING: **************************************************************************"
    echo "WARNING: the cold release build of $tool took $build_seconds s, over the goal of"
    echo "WARNING: $cold_build_goal_seconds s on 2 cores; here: $(nproc) cores, load average$(uptime | sed 's/.*load average//')"
    echo "WARNING: **************************************************************************"
  } >&2
fi
chmod -R a+rX "$work"

env_args=("TOOL_SECRET_KEY=smoke-test-secret-key-$(date +%s%N)")
for setting in ${SMOKE_ENV:-}; do
  env_args+=("$setting")
done
# Names only: values may be secrets.
names=$(for setting in ${SMOKE_ENV:-}; do printf ' %s' "${setting%%=*}"; done)

if grep -q '^sqlx' "$tree/tools/$tool/Cargo.toml" && [[ " ${SMOKE_ENV:-} " != *" TOOL_DATABASE__URL="* ]]; then
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

# Replaces the calling (sub)shell with the Procfile command $COMMAND run in the tree as the
# unnamed UID, with only the given environment. Call it with `&` (the job's pid is then the
# process's). Procfile commands are shell command lines; health checks are not (see
# run_health_script).
as_tool() {
  cd "$tree" && exec env -i "$@" setpriv --reuid="$uid" --regid="$uid" --clear-groups \
    /bin/sh -c 'exec '"${COMMAND:?}"
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
  die "$health_path never answered 200 within ${PROBE_TIMEOUT_SECONDS} s"
fi
echo "web: $health_path answered 200 after ${healthy_ms} ms, as UID $(ps -o uid= -p "$web_pid" | tr -d ' ') (no passwd entry, no HOME)"
for path in ${SMOKE_PATHS:-/}; do
  status=$(curl -s -o "$work/page.html" -w '%{http_code}' "http://127.0.0.1:$port$path")
  [[ "$status" == 200 ]] || die "GET $path answered $status: $(head -c 2000 "$work/page.html")"
  echo "web: GET $path answered 200 ($(wc -c < "$work/page.html") bytes)"
done
# Liveness probe: the same request, after the pages, still within the timeout.
probe=$(probe_http "$port" "$health_path") ||
  die "web: liveness probe of $health_path failed: status ${probe% *} after ${probe#* } ms (limit ${PROBE_TIMEOUT_SECONDS} s)"
echo "web: liveness probe of $health_path: 200 after ${probe#* } ms (limit ${PROBE_TIMEOUT_SECONDS} s)"
started+=("web:$web_pid")

for process in $processes; do
  [[ "$process" == web ]] && continue
  echo "== 4. $process process as UID $uid"
  check=$(component_health_script "$tree/toolforge.yaml" "$process")
  [[ -n "$check" ]] || die "toolforge.yaml has no component running '$process' with a health_check_script"
  health_script_words "$check" >/dev/null || die "$process: toolforge.yaml's health_check_script cannot run on Toolforge"
  mapfile -d '' -t words < <(health_script_words "$check")
  echo "$process: health_check_script '$check' is exec'd as$(printf ' [%s]' "${words[@]}") (no shell)"
  COMMAND=$(sed -n "s/^$process: *//p" "$tree/Procfile") as_tool "${env_args[@]}" &
  pid=$!
  pids+=("$pid")
  start=$(now_ms)
  # Startup probe: every second, up to 120 failures.
  for attempt in $(seq 1 120); do
    if run_health_script "$tree" "$uid" "$check" "${env_args[@]}" >"$work/check.log" 2>&1; then
      break
    fi
    kill -0 "$pid" 2>/dev/null ||
      die "$process exited before its health check passed; the check said: $(head -c 2000 "$work/check.log")"
    (( attempt < 120 )) || die "$process: '$check' never passed; it said: $(head -c 2000 "$work/check.log")"
    sleep 1
  done
  echo "$process: '$check' passed after $(( $(now_ms) - start )) ms, as UID $(ps -o uid= -p "$pid" | tr -d ' ')"
  # Liveness probe: the process must keep proving it is alive.
  sleep 7
  check_start=$(now_ms)
  run_health_script "$tree" "$uid" "$check" "${env_args[@]}" >"$work/check.log" 2>&1 ||
    die "$process: '$check' failed 7 s later (stuck?): $(head -c 2000 "$work/check.log")"
  echo "$process: '$check' passed again 7 s later, in $(( $(now_ms) - check_start )) ms (limit ${PROBE_TIMEOUT_SECONDS} s)"
  started+=("$process:$pid")
done

echo "== 5. SIGTERM"
for entry in "${started[@]}"; do
  stop_process "${entry%%:*}" "${entry##*:}"
done
pids=()
echo "smoke test of $tool passed"
