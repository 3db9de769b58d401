#!/usr/bin/env bash
# Writes a tree the Toolforge Build Service can build for one tool.
#
# The Build Service builds a whole repository from its root and has no subdirectory option,
# so the tree is the whole workspace plus, at its root, the tool's Procfile (which process runs)
# and a RustConfig (build only this tool, with the pinned toolchain).
#
# Usage: ci/deploy-tree.sh <tool> <dir>   (dir must not exist or be empty)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

tool=${1:-}
dir=${2:-}
require_tool "$tool"
[[ -n "$dir" ]] || die "usage: $0 <tool> <dir>"
if [[ -e "$dir" && -n "$(ls -A "$dir")" ]]; then
  die "$dir exists and is not empty"
fi

root=$(repo_root)
channel=$(toolchain_channel)
[[ -n "$channel" ]] || die "no channel in rust-toolchain.toml"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

# The files git knows (tracked, or new and not ignored), as they are in the working tree:
# nothing from target/ or other local debris. Tracked files deleted in the working tree stay out.
(
  cd "$root"
  git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' file; do
      if [[ -e "$file" ]]; then cp --parents --no-dereference "$file" "$dir/"; fi
    done
)

cp "$root/tools/$tool/Procfile" "$dir/Procfile"
cp "$root/tools/$tool/service.template" "$dir/service.template"
cp "$root/tools/$tool/toolforge.yaml" "$dir/toolforge.yaml"

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

echo "deploy tree for $tool written to $dir"
