#!/usr/bin/env bash
# Proves `just new-tool` (ci/new-tool.sh) in a scratch copy of the workspace, which it removes
# afterwards; this checkout is not changed.
#
#  1. a scratch copy: the committed workspace (HEAD) with this checkout's ci/ and justfile laid
#     over it, so that changes to the generator and its templates are checked before they are
#     committed while unfinished work elsewhere does not get in the way; a repository of its
#     own with one commit (the smoke test deploys commits), in $NEW_TOOL_CHECK_DIR (default
#     $TMPDIR/new-tool-check), its target/ the workspace's (dependencies are not built again);
#  2. refusals: names Toolforge refuses (uppercase, a digit or hyphen first, a hyphen last, an
#     underscore, 33 characters, empty), names taken (an existing tool, a shared crate, a
#     dependency, a Rust keyword) and an unknown option each stop the generator with a
#     message that says why, and write nothing;
#  3. one tool of each flavour: plain, login, login + database (with a name of 32 characters,
#     the longest Toolforge allows), database alone; each in the README's table and in
#     .gitlab-ci.yml, and Cargo.lock gaining the new crates and nothing else;
#  4. `cargo fmt --check` on the generated code as it was generated;
#  5. `cargo clippy --all-targets -D warnings`;
#  6. `cargo test` (the database tests through test-support's harness, as `just test` runs
#     them);
#  7. `just smoke` of the flavours in NEW_TOOL_CHECK_SMOKE (default: all three of the issue:
#     plain login login-database; empty: none), from a commit of the scratch copy.
#
# Each stage prints its time. Usage: ci/new-tool-check.sh
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

root=$(repo_root)
smoke_flavours=${NEW_TOOL_CHECK_SMOKE-plain login login-database}
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}

# The generated tools, by flavour.
declare -A tools=(
  [plain]=new-tool-plain
  [login]=new-tool-login
  # 32 characters: the longest name Toolforge allows, in every file and line of the tool.
  [login-database]=new-tool-login-database-32-chars
  [database]=new-tool-database
)
declare -A flags=(
  [plain]=""
  [login]="--with-login"
  [login-database]="--with-login --with-database"
  [database]="--with-database"
)
flavour_order=(plain login login-database database)
# What the smoke test fetches besides the health check: /notes/ reads the database.
declare -A smoke_paths=([plain]="/" [login]="/" [login-database]="/ /notes/" [database]="/ /notes/")

check_start=$(date +%s)
stage_start=$check_start
stage() {
  local now; now=$(date +%s)
  if [[ -n "${stage_name:-}" ]]; then
    echo "-- $stage_name took $(( now - stage_start )) s"
  fi
  stage_name=$1
  stage_start=$now
  echo "== $stage_name"
}

# Always the same path, so that a second run finds the crates of the scratch copy (whose paths
# are part of their build hashes) already built; one check at a time.
scratch=${NEW_TOOL_CHECK_DIR:-${TMPDIR:-/tmp}/new-tool-check}
rm -rf "$scratch"
mkdir -p "$scratch"
trap 'rm -rf "$scratch"' EXIT
workspace="$scratch/workspace"

stage "1. scratch copy of the workspace"
mkdir "$workspace"
git -C "$root" archive --format=tar HEAD | tar -xf - -C "$workspace"
rm -rf "$workspace/ci"
(
  cd "$root"
  git ls-files -z --cached --others --exclude-standard -- ci justfile |
    while IFS= read -r -d '' file; do
      [[ -e "$file" ]] && printf '%s\0' "$file"
    done |
    tar --null -T - -cf -
) | tar -xf - -C "$workspace"
target=${CARGO_TARGET_DIR:-$root/target}
mkdir -p "$target"
ln -s "$target" "$workspace/target"
unset CARGO_TARGET_DIR
in_scratch() { (cd "$workspace" && "$@"); }
in_scratch git init -q
echo /target >>"$workspace/.git/info/exclude"
commit() {
  in_scratch git add -A
  in_scratch git -c user.name="new-tool check" -c user.email=new-tool-check@localhost \
    commit -q -m "$1"
}
commit "the workspace"
echo "scratch copy in $workspace (target: $target)"

stage "2. refusals: bad names, names taken, unknown options; nothing written"
refusals=0
# refuse <what the message must say> <arguments…>
refuse() {
  local expected=$1; shift
  local output status=0
  output=$(in_scratch bash ci/new-tool.sh "$@" 2>&1) || status=$?
  (( status != 0 )) || die "new-tool $* was accepted"
  grep -qF -- "$expected" <<<"$output" ||
    die "new-tool $*: the message does not say \"$expected\": $output"
  [[ -z "$(in_scratch git status --porcelain --untracked-files=all)" ]] ||
    die "new-tool $* wrote something: $(in_scratch git status --porcelain --untracked-files=all)"
  echo "refused: new-tool $* -> $(tail -1 <<<"$output" | cut -c1-150)"
  refusals=$(( refusals + 1 ))
}
refuse "has uppercase letters" Bad
refuse "does not start with a letter" 1abc
refuse "does not start with a letter" -- -abc
refuse "unknown option '-abc'" -abc
refuse "ends with a hyphen" abc-
refuse "has '_', which a tool name cannot have" a_b
refuse "has '.', which a tool name cannot have" a.b
refuse "is 33 characters long" abcdefghijklmnopqrstuvwxyz0123456
refuse "the name is empty" ""
refuse "there is a tool called 'quickcategories' already" quickcategories
refuse "there is a tool called 'translate-link' already" translate-link --with-login
refuse "a crate this workspace already uses" platform
refuse "a crate this workspace already uses" test-support
refuse "a crate this workspace already uses" serde
refuse "a name Rust reserves" match
refuse "a name Rust reserves" fn
refuse "a name Rust reserves" proc-macro
refuse "unknown option '--with-fish'" fine-name --with-fish
refuse "one name only" two names
echo "$refusals refusals, each with its reason, nothing written"

stage "3. generate: ${flavour_order[*]}"
lock_before="$scratch/Cargo.lock.before"
cp "$workspace/Cargo.lock" "$lock_before"
for flavour in "${flavour_order[@]}"; do
  tool=${tools[$flavour]}
  # shellcheck disable=SC2086
  in_scratch bash ci/new-tool.sh "$tool" ${flags[$flavour]} >/dev/null
  [[ -f "$workspace/tools/$tool/Procfile" ]] || die "$flavour: tools/$tool was not created"
  grep -qE "^\| \[[^]]*\]\(tools/$tool/\) \|" "$workspace/README.md" ||
    die "$flavour: $tool is not in the README's tool table"
  for job in "smoke:$tool:" "deploy:$tool:"; do
    grep -qx "$job" "$workspace/.gitlab-ci.yml" || die "$flavour: .gitlab-ci.yml has no job $job"
  done
  grep -qF "ref: deploy/$tool" "$workspace/tools/$tool/toolforge.yaml" ||
    die "$flavour: toolforge.yaml does not build deploy/$tool"
  echo "$flavour: tools/$tool ($(find "$workspace/tools/$tool" -type f | wc -l) files)"
done
# The lock gained the new crates, and no dependency was added, removed or changed. (Entries of
# the workspace's own crates may change besides, if the committed lock was not up to date.)
python3 - "$lock_before" "$workspace/Cargo.lock" "${tools[@]}" <<'PYTHON'
import sys, tomllib

def packages(path):
    with open(path, "rb") as file:
        return {(p["name"], p["version"], p.get("source")) for p in tomllib.load(file)["package"]}
before, after, new = packages(sys.argv[1]), packages(sys.argv[2]), set(sys.argv[3:])
added = {name for name, _, source in after - before if source is None}
changed = sorted(f"{name} {version}" for name, version, source in before ^ after if source)
if not new <= added or changed:
    sys.exit(f"Cargo.lock: added {sorted(added)}, dependencies changed {changed}; expected {sorted(new)} added, no dependency changed")
others = sorted(f"{name} {version}" for name, version, source in before ^ after if source is None and name not in new)
print(f"Cargo.lock: {len(new)} crates added, no dependency changed"
      + (f" (workspace entries brought up to date: {', '.join(others)})" if others else ""))
PYTHON
commit "new tools"

generated=()
for flavour in "${flavour_order[@]}"; do generated+=(-p "${tools[$flavour]}"); done

stage "4. cargo fmt --check on the generated code"
in_scratch cargo fmt "${generated[@]}" -- --check
echo "formatted as generated"

stage "5. cargo clippy --all-targets -D warnings"
in_scratch cargo clippy --locked "${generated[@]}" --all-targets --quiet -- -D warnings

stage "6. cargo test"
# As `just test`: the database tests start MariaDB in Docker, or use TEST_MARIADB_URL, or a
# local mariadbd.
image=$(in_scratch bash ci/mariadb-test-image.sh)
if [[ -n "$image" ]]; then export TEST_MARIADB_IMAGE="$image"; fi
log="$scratch/test.log"
if ! in_scratch cargo test --locked "${generated[@]}" >"$log" 2>&1; then
  tail -n 300 "$log" >&2
  die "the generated tools' tests failed"
fi
grep -E '^ +Running|^test result' "$log"

for flavour in $smoke_flavours; do
  tool=${tools[$flavour]:?unknown flavour \'$flavour\' in NEW_TOOL_CHECK_SMOKE}
  stage "7. just smoke $tool ($flavour)"
  (cd "$workspace" && SMOKE_PATHS=${smoke_paths[$flavour]} bash ci/smoke.sh "$tool")
done

stage "done"
echo "new-tool check passed in $(( $(date +%s) - check_start )) s"
