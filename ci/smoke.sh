#!/usr/bin/env bash
# Build-Service emulation: proves that what Toolforge would build from the deploy tree boots
# and serves in a container like Toolforge's.
#
#  1. write the deploy tree (ci/deploy-tree.sh) and build it in release mode with the flags
#     from its RustConfig (production dependencies only: no dev-dependencies are compiled);
#  2. run the Procfile's `web` command from the tree root with an environment holding only
#     PORT and the tool's TOOL_* settings, as a numeric UID with no passwd entry and no HOME;
#  3. wait for service.template's health-check-path to answer 200 (and say how long it took),
#     fetch `/`, send SIGTERM and require exit status 0 within 5 seconds.
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
server_pid=
cleanup() {
  [[ -n "$server_pid" ]] && kill -KILL "$server_pid" 2>/dev/null || true
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

echo "== 2. run the Procfile web process as UID $uid"
command=$(sed -n 's/^web: *//p' "$tree/Procfile")
[[ -n "$command" ]] || die "Procfile has no web process"
health_path=$(sed -n 's/^health-check-path: *//p' "$tree/service.template")
[[ -n "$health_path" ]] || die "service.template has no health-check-path"
port=$(free_port)

env_args=("PORT=$port" "TOOL_SECRET_KEY=smoke-test-secret-key-$(date +%s%N)")
for setting in ${SMOKE_ENV:-}; do
  env_args+=("$setting")
done
# Names only: values may be secrets.
names=$(for setting in ${SMOKE_ENV:-}; do printf ' %s' "${setting%%=*}"; done)
echo "environment: PORT=$port TOOL_SECRET_KEY${names}"
(cd "$tree" && exec env -i "${env_args[@]}" setpriv --reuid="$uid" --regid="$uid" --clear-groups \
  /bin/sh -c "exec $command") &
server_pid=$!

echo "== 3. health check, start page, SIGTERM"
if ! healthy_ms=$(wait_healthy "$port" "$health_path" "$server_pid" 120); then
  die "$health_path never answered 200"
fi
echo "health check $health_path answered 200 after ${healthy_ms} ms, as UID $(ps -o uid= -p "$server_pid" | tr -d ' ') (no passwd entry, no HOME)"

for path in ${SMOKE_PATHS:-/}; do
  status=$(curl -s -o "$work/page.html" -w '%{http_code}' "http://127.0.0.1:$port$path")
  [[ "$status" == 200 ]] || die "GET $path answered $status: $(head -c 2000 "$work/page.html")"
  echo "GET $path answered 200 ($(wc -c < "$work/page.html") bytes)"
done

kill -TERM "$server_pid"
stop_start=$(now_ms)
deadline=$(( stop_start + 5000 ))
while kill -0 "$server_pid" 2>/dev/null && (( $(now_ms) < deadline )); do
  sleep 0.05
done
if kill -0 "$server_pid" 2>/dev/null; then
  die "still running 5 s after SIGTERM"
fi
exit_status=0
wait "$server_pid" || exit_status=$?
server_pid=
[[ "$exit_status" == 0 ]] || die "exited with status $exit_status after SIGTERM"
echo "SIGTERM: exited with status 0 after $(( $(now_ms) - stop_start )) ms"
echo "smoke test of $tool passed"
