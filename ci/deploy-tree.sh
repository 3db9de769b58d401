#!/usr/bin/env bash
# Writes a tree the Toolforge Build Service can build for one tool.
#
# The Build Service builds a whole repository from its root and has no subdirectory option, so
# the tree is a workspace of its own, made to build this one tool whoever reads it:
#
#  - the files of a commit (`git archive`, HEAD unless a ref is given), never the working tree:
#    what is deployed is what was committed, reviewed and tested, and nothing untracked or
#    half-edited can slip in;
#  - a root Cargo.toml whose workspace members are exactly this tool and the shared crates it
#    needs, with `default-members` the tool alone, so a plain `cargo build --release` at the
#    root builds only the tool; the other tools' directories are removed. Everything else in the
#    manifest ([workspace.dependencies], lints, profiles) stays byte for byte;
#  - Cargo.lock pruned to what these members use, with no version changed, so `--locked` passes;
#  - at the root, the tool's Procfile (which process runs), service.template and toolforge.yaml,
#    and a RustConfig and a plain rust-toolchain file (build only this tool, with the pinned
#    toolchain).
#
# Usage: ci/deploy-tree.sh <tool> <dir> [ref]   (dir must not exist or be empty; the ref, or
#        else $DEPLOY_REF, or else HEAD, names the commit to deploy)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

tool=${1:-}
dir=${2:-}
ref=${3:-${DEPLOY_REF:-HEAD}}
[[ -n "$tool" ]] || require_tool "$tool"
[[ -n "$dir" ]] || die "usage: $0 <tool> <dir> [ref]"
if [[ -e "$dir" && -n "$(ls -A "$dir")" ]]; then
  die "$dir exists and is not empty"
fi

root=$(repo_root)
commit=$(git -C "$root" rev-parse --verify --quiet "$ref^{commit}") || die "'$ref' names no commit"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

git -C "$root" archive --format=tar "$commit" | tar -x -C "$dir"
[[ -f "$dir/tools/$tool/Procfile" ]] || die "no tool '$tool' in $commit (tools/$tool/Procfile missing)"
channel=$(toolchain_channel "$dir")
[[ -n "$channel" ]] || die "no channel in rust-toolchain.toml of $commit"

# The workspace members: the tool and, transitively, every crate of the workspace it names by
# path, whatever the dependency table. Dev-dependencies count: `cargo build` never compiles
# them, but cargo reads the manifest of every path dependency of every member (dev-dependencies
# included) to resolve the workspace and its Cargo.lock, so without shared/test-support, which
# only the tests use, every cargo command fails ("failed to read shared/test-support/Cargo.toml").
# Cargo would make it a member anyway (a path dependency inside the workspace directory always
# is one); listing it says so.
members=$(python3 - "$dir" "tools/$tool" <<'PYTHON'
import os, sys, tomllib

tree, tool = sys.argv[1], sys.argv[2]
def manifest(member):
    with open(os.path.join(tree, member, "Cargo.toml"), "rb") as file:
        return tomllib.load(file)

workspace_paths = {
    name: os.path.normpath(spec["path"])
    for name, spec in manifest(".")["workspace"].get("dependencies", {}).items()
    if isinstance(spec, dict) and "path" in spec
}
KINDS = ("dependencies", "dev-dependencies", "build-dependencies")

def path_dependencies(member):
    """(path, kind) of each dependency of `member` that is a crate of this repository."""
    data = manifest(member)
    tables = [(kind, data.get(kind, {})) for kind in KINDS]
    for target in data.get("target", {}).values():
        tables += [(kind, target.get(kind, {})) for kind in KINDS]
    for kind, table in tables:
        for name, spec in table.items():
            if not isinstance(spec, dict):
                continue
            if spec.get("workspace") and name in workspace_paths:
                yield workspace_paths[name], kind
            elif "path" in spec:
                yield os.path.normpath(os.path.join(member, spec["path"])), kind

# Breadth-first from the tool; a crate is "for the tests only" if only dev-dependency edges
# reach it.
build_reachable, reachable, queue = {tool}, [tool], [(tool, True)]
while queue:
    member, for_build = queue.pop(0)
    for path, kind in path_dependencies(member):
        edge_for_build = for_build and kind != "dev-dependencies"
        if path not in reachable:
            reachable.append(path)
            queue.append((path, edge_for_build))
        if edge_for_build and path not in build_reachable:
            build_reachable.add(path)
            queue.append((path, True))
for member in [tool] + sorted(reachable[1:]):
    print(member, "build" if member in build_reachable else "tests-only")
PYTHON
)
member_dirs=$(cut -d' ' -f1 <<<"$members")
tests_only=$(awk '$2 == "tests-only" { print $1 }' <<<"$members" | paste -sd ' ' -)
echo "workspace members: $(paste -sd ' ' - <<<"$member_dirs")${tests_only:+ ($tests_only for the tests only: cargo must read it to resolve)}"

# Every crate directory under tools/ and shared/ that is not a member goes.
for crate in "$dir"/tools/*/ "$dir"/shared/*/; do
  crate=${crate%/}
  grep -qxF "${crate#"$dir"/}" <<<"$member_dirs" || rm -rf "$crate"
done
# The CI configuration goes too: it runs every tool's jobs, and a push of deploy/<tool> would
# start a pipeline that fails for want of the other tools.
rm -f "$dir/.gitlab-ci.yml"

# Only the `members` line of the root manifest changes (and `default-members` is added after
# it); the check after it proves that nothing else did.
python3 - "$dir/Cargo.toml" "tools/$tool" "$member_dirs" <<'PYTHON'
import json, re, sys, tomllib

path, tool, members = sys.argv[1], sys.argv[2], sys.argv[3].split()
text = open(path).read()
before = tomllib.loads(text)
line = re.compile(r"^members\s*=\s*\[[^\]]*\]", re.M)
if len(line.findall(text)) != 1 or "default-members" in before["workspace"]:
    sys.exit(f"{path}: expected one `members = [...]` and no default-members")
text = line.sub(
    lambda _: f"members = {json.dumps(members)}\n"
    "# A `cargo build` without -p builds the tool alone, not the shared crates on their own.\n"
    f"default-members = {json.dumps([tool])}",
    text,
)
after = tomllib.loads(text)
assert after["workspace"].pop("members") == members
assert after["workspace"].pop("default-members") == [tool]
before["workspace"].pop("members")
assert after == before, "the manifest changed beyond the members"
open(path, "w").write(text)
PYTHON

# heroku-buildpack-rust conventions: VERSION pins the toolchain, RUST_CARGO_BUILD_FLAGS
# limits the build to this tool (release profile, exactly the locked dependencies).
cat > "$dir/RustConfig" <<CONFIG
VERSION=$channel
RUST_CARGO_BUILD_FLAGS="--release --locked -p $tool"
CONFIG
# A plain rust-toolchain file is what the buildpack and rustup both read; the .toml variant
# (with rustfmt and clippy for development) is not needed to build.
rm -f "$dir/rust-toolchain.toml"
echo "$channel" > "$dir/rust-toolchain"

cp "$dir/tools/$tool/Procfile" "$dir/Procfile"
cp "$dir/tools/$tool/service.template" "$dir/service.template"
cp "$dir/tools/$tool/toolforge.yaml" "$dir/toolforge.yaml"

# Cargo.lock: with fewer members, cargo drops the packages only the other tools use, and
# `cargo build --locked` refuses a lock it would change. `cargo update --workspace` rewrites it
# for these members the way any build would, preferring every locked version (it updates only
# the workspace's own crates, which have no versions to change); the local index is enough, the
# network only a fallback. The checks after it make sure that is all that happened.
full_lock=$(mktemp)
trap 'rm -f "$full_lock"' EXIT
cp "$dir/Cargo.lock" "$full_lock"
(
  cd "$dir"
  cargo update --workspace --offline --quiet 2>/dev/null || cargo update --workspace --quiet
)
python3 - "$full_lock" "$dir/Cargo.lock" "${tool}" <<'PYTHON'
import sys, tomllib

def packages(path):
    with open(path, "rb") as file:
        return {
            (p["name"], p["version"], p.get("source"), p.get("checksum"))
            for p in tomllib.load(file)["package"]
        }
full, pruned, tool = packages(sys.argv[1]), packages(sys.argv[2]), sys.argv[3]
changed = sorted(f"{name} {version}" for name, version, *_ in pruned - full)
if changed:
    sys.exit("Cargo.lock: pruning changed or added packages: " + ", ".join(changed))
if not any(name == tool for name, *_ in pruned):
    sys.exit(f"Cargo.lock: {tool} is missing")
print(f"Cargo.lock: {len(pruned)} of {len(full)} packages kept, none changed")
PYTHON
# What `cargo build --locked` checks first: resolving the workspace changes nothing in the lock.
# (For the build machine's platform only: cargo metadata fetches the crates it reports.)
host=$(rustc -vV | sed -n 's/^host: //p')
(
  cd "$dir"
  cargo metadata --locked --offline --format-version 1 --filter-platform "$host" >/dev/null 2>&1 ||
    cargo metadata --locked --format-version 1 --filter-platform "$host" >/dev/null
) || die "Cargo.lock of the deploy tree does not pass --locked"

echo "deploy tree for $tool at $commit written to $dir"
