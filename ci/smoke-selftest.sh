#!/usr/bin/env bash
# Self-test of the smoke test's emulation of Toolforge (ci/lib.sh, ci/deploy-tree.sh): proves
# that it is as strict as Toolforge where tools can get it wrong. Fast (about 30 s, most of it
# two 5-second timeouts), no cargo build. Run as root, like the smoke test (setpriv).
#
#  - health_check_script: split like Python's shlex.split and exec'd without a shell, as
#    jobs-api's exec probe ["launcher", *words] does, so shell syntax (&&, ;, ||, $VAR, >, X=1)
#    fails or misbehaves exactly as on Toolforge, while a plain command with quoted arguments
#    works; it runs in the app directory as the unnamed UID with only the given environment;
#  - the 5 s probe timeout, for scripts and for HTTP health checks;
#  - the tools' own health_check_scripts use no shell syntax;
#  - the deploy tree: the committed files and nothing else, the workspace reduced to the tool
#    and the shared crates it needs, a pruned Cargo.lock that passes --locked with no version
#    changed.
#
# Usage: ci/smoke-selftest.sh
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

root=$(repo_root)
uid=${SMOKE_UID:-61234}
getent passwd "$uid" >/dev/null && die "UID $uid has a passwd entry here; set SMOKE_UID to an unused one"

work=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
app="$work/app"
mkdir -p "$app/bin"
# What a tool's check looks like: a program in the app directory, named by a relative path.
printf '#!/bin/sh\nexit 0\n' > "$app/bin/check"
chmod 755 "$app/bin/check"
touch "$work/marker"
chmod -R a+rX "$work"

failures=0
pass() { echo "ok    $*"; }
fail() { echo "FAIL  $*"; failures=$(( failures + 1 )); }

# probe <description> <want: pass|fail> <output regex, or ''> <script> [NAME=value ...]
# Runs <script> through run_health_script and checks its outcome and its output (stdout and
# stderr together, one line).
probe() {
  local description=$1 want=$2 pattern=$3 script=$4
  shift 4
  local status=0 output
  output=$(run_health_script "$app" "$uid" "$script" "$@" 2>&1) || status=$?
  output=$(tr '\n' '~' <<<"$output")
  output=${output%\~}
  local got=pass
  (( status == 0 )) || got=fail
  if [[ "$got" != "$want" ]]; then
    fail "$description: [$script] should $want, did $got (status $status): $output"
  elif [[ -n "$pattern" ]] && ! grep -qE -- "$pattern" <<<"$output"; then
    fail "$description: [$script] output '$output' does not match /$pattern/"
  else
    pass "$description: [$script] ${got}ed (status $status)${output:+: $output}"
  fi
}

echo "== shell syntax in a health_check_script is not run by a shell"
marker="$work/marker"
# Each with its control: the same line given to a shell explicitly passes, so it is the missing
# shell, nothing else, that makes the check fail.
probe "&& is an argument (test gets 5)" fail "extra argument" "test -f $marker && echo ok"
probe "  control, with an explicit shell" pass "^ok$" "sh -c 'test -f $marker && echo ok'"
probe "; is part of a word (no program 'false;')" fail "false;.*No such file" "false; true"
probe "  control, with an explicit shell" pass "" "sh -c 'false; true'"
probe "|| is an argument (false ignores it)" fail "" "false || true"
probe "\$VAR is not expanded" fail "" "test \"\$TOOL_X\" = expected" TOOL_X=expected
probe "  control, with an explicit shell" pass "" "sh -c 'test \"\$TOOL_X\" = expected'" TOOL_X=expected
probe "> /dev/null is two arguments (test gets 4)" fail "extra argument" "test -e / > /dev/null"
probe "> file redirects nothing: echo prints it" pass "^probe > out.txt$" "echo probe > out.txt"
if [[ -e "$app/out.txt" ]]; then fail "'> out.txt' created a file"; else pass "'> out.txt' created no file"; fi
probe "X=1 before a command is no assignment" fail "TOOL_X=1.*No such file" "TOOL_X=1 true"

echo "== plain commands work, as the unnamed UID, in the app directory, with only the tool's environment"
probe "quoted arguments stay whole" pass "^a b\|c d\|e f\|$" "printf '%s|' 'a b' \"c d\" e\\ f"
probe "a program named by a relative path" pass "" "./bin/check"
probe "the UID, without groups" pass "^$uid~$uid$" "sh -c 'id -u; id -G'"
probe "the environment: only what is given" pass "^TOOL_X=1~TOOL_Y=two words$" "env" TOOL_X=1 "TOOL_Y=two words"
probe "the working directory" pass "^$app$" "pwd"

echo "== the 5 s probe timeout"
start=$(now_ms)
probe "sleep 6 times out" fail "timed out" "sleep 6"
elapsed=$(( $(now_ms) - start ))
if (( elapsed >= 5000 && elapsed < 6500 )); then pass "it failed after $elapsed ms"; else fail "it failed after $elapsed ms, not about 5000"; fi
probe "sleep 1 is within the timeout" pass "" "sleep 1"

echo "== scripts Toolforge could not run"
probe "an unclosed quote" fail "cannot be split" "echo 'oops"
probe "an empty script" fail "empty" "   "
echo "runner: ./bin/check" > "$app/Procfile"
probe "a Procfile process name first" fail "Procfile process" "runner --check"
rm "$app/Procfile"

echo "== HTTP health checks: a 200 within 5 s"
port=$(free_port)
python3 - "$port" <<'PYTHON' &
import http.server, sys, time
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/slow":
            time.sleep(6)
        self.send_response(200 if self.path in ("/fast", "/slow") else 404)
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
PYTHON
server_pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/fast" && break; sleep 0.05; done
http_probe() {
  local description=$1 want=$2 path=$3 got=pass result
  result=$(probe_http "$port" "$path") || got=fail
  if [[ "$got" == "$want" ]]; then pass "$description: GET $path ${got}ed (status ${result% *} after ${result#* } ms)"
  else fail "$description: GET $path should $want, did $got (status ${result% *} after ${result#* } ms)"; fi
}
http_probe "a quick 200" pass /fast
http_probe "a 200 after 6 s is too late" fail /slow
http_probe "a 404" fail /missing

echo "== the tools' health_check_scripts use no shell syntax"
# Succeeds if <script> is plain words: no operator word, no word with a shell metacharacter in
# it, no first word that looks like an assignment. Prints why not otherwise.
plain_words() {
  local script_words
  if ! script_words=$(health_script_words "$1" 2>&1 | tr '\0' '\n'); then
    echo "cannot be split: $script_words"
    return 1
  fi
  if grep -qE '[;&|`$<>(){}*?~]' <<<"$script_words" || head -1 <<<"$script_words" | grep -qE '^[A-Za-z_][A-Za-z0-9_]*='; then
    echo "has shell syntax, which Toolforge would pass on as arguments"
    return 1
  fi
}
for example in "./check && echo ok" "./check > /dev/null" "X=1 ./check" "./check \$HOME"; do
  if why=$(plain_words "$example"); then fail "[$example] taken for plain words"; else pass "[$example] $why"; fi
done
for yaml in "$root"/tools/*/toolforge.yaml; do
  tool=$(basename "$(dirname "$yaml")")
  while read -r process; do
    script=$(component_health_script "$yaml" "$process")
    [[ -n "$script" ]] || continue
    if why=$(plain_words "$script"); then
      pass "$tool/$process: [$script] is plain words"
    else
      fail "$tool/$process: [$script] $why"
    fi
  done < <(sed -n 's/^ *command: *//p' "$yaml")
done

echo "== deploy trees: the committed files, the tool's workspace, a lock that passes --locked"
commit=$(git -C "$root" rev-parse HEAD)
for tool_dir in "$root"/tools/*/; do
  tool=$(basename "$tool_dir")
  tree="$work/tree-$tool"
  if ! bash "$root/ci/deploy-tree.sh" "$tool" "$tree" "$commit" >"$work/tree.log" 2>&1; then
    fail "$tool: deploy-tree.sh failed: $(tail -5 "$work/tree.log")"
    continue
  fi
  problems=$(python3 - "$root" "$commit" "$tree" "$tool" <<'PYTHON'
import os, subprocess, sys, tomllib

root, commit, tree, tool = sys.argv[1:]
def git(*args, input=None):
    return subprocess.run(["git", "-C", root, *args], input=input, capture_output=True, check=True).stdout

problems = []
manifest = tomllib.load(open(os.path.join(tree, "Cargo.toml"), "rb"))["workspace"]
members, default = manifest["members"], manifest.get("default-members")
if members[0] != f"tools/{tool}" or default != [f"tools/{tool}"]:
    problems.append(f"members {members}, default-members {default}")
if "shared/test-support" not in members:
    problems.append("shared/test-support, which the tests name, is no member")
if sorted(os.listdir(os.path.join(tree, "tools"))) != [tool]:
    problems.append(f"tools/ holds {os.listdir(os.path.join(tree, 'tools'))}")
if sorted(os.listdir(os.path.join(tree, "shared"))) != sorted(m.split("/", 1)[1] for m in members if m.startswith("shared/")):
    problems.append(f"shared/ holds {os.listdir(os.path.join(tree, 'shared'))}, members are {members}")
for gone in (".gitlab-ci.yml", "rust-toolchain.toml", "target"):
    if os.path.exists(os.path.join(tree, gone)):
        problems.append(f"{gone} is in the tree")

# Every file is the committed one, byte for byte, except those deploy-tree.sh writes.
written = {"Cargo.toml", "Cargo.lock", "Procfile", "RustConfig", "rust-toolchain", "service.template", "toolforge.yaml"}
committed = {}
for line in git("ls-tree", "-r", "-z", commit).split(b"\0"):
    if line:
        meta, path = line.split(b"\t", 1)
        committed[path.decode()] = meta.split()[2].decode()
files = []
for directory, _, names in os.walk(tree):
    files += [os.path.relpath(os.path.join(directory, name), tree) for name in names]
kept = sorted(f for f in files if f not in written)
blobs = git("hash-object", "--stdin-paths", input="\n".join(os.path.join(tree, f) for f in kept).encode()).decode().split()
for path, blob in zip(kept, blobs):
    if committed.get(path) != blob:
        problems.append(f"{path} is not the committed file" if path in committed else f"{path} is not committed")
expected = {p for p in committed if p.split("/")[0] not in ("tools", "shared") or any(p.startswith(m + "/") for m in members)}
expected -= {".gitlab-ci.yml", "rust-toolchain.toml"}
missing = sorted(expected - set(files))
if missing:
    problems.append(f"committed files missing: {missing[:5]}")

def lock(path):
    return {(p["name"], p["version"], p.get("source")) for p in tomllib.load(open(path, "rb"))["package"]}
full = {(p["name"], p["version"], p.get("source")) for p in tomllib.loads(git("show", f"{commit}:Cargo.lock").decode())["package"]}
pruned = lock(os.path.join(tree, "Cargo.lock"))
if not pruned <= full:
    problems.append(f"Cargo.lock changed versions: {sorted(pruned - full)[:5]}")
if not pruned < full:
    problems.append("Cargo.lock was not pruned")
rust = open(os.path.join(tree, "RustConfig")).read()
if f'RUST_CARGO_BUILD_FLAGS="--release --locked -p {tool}"' not in rust or "VERSION=" not in rust:
    problems.append(f"RustConfig: {rust!r}")
print("\n".join(problems))
PYTHON
  )
  host=$(rustc -vV | sed -n 's/^host: //p')
  # Offline where the crates are at hand; a fresh CI machine may have to fetch them.
  if ! (cd "$tree" && { cargo metadata --locked --offline --format-version 1 --filter-platform "$host" >/dev/null 2>&1 ||
    cargo metadata --locked --format-version 1 --filter-platform "$host" >/dev/null 2>"$work/metadata.log"; }); then
    problems+=$'\n'"cargo metadata --locked fails: $(tail -3 "$work/metadata.log")"
  fi
  if [[ -n "${problems//$'\n'/}" ]]; then
    fail "$tool: deploy tree: $(tr '\n' ';' <<<"$problems")"
  else
    pass "$tool: deploy tree of ${commit:0:12}: $(grep -E '^(workspace members|Cargo.lock)' "$work/tree.log" | paste -sd ';' -)"
  fi
done

if (( failures )); then
  echo "smoke self-test: $failures failure(s)"
  exit 1
fi
echo "smoke self-test passed"
