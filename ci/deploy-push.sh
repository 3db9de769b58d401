#!/usr/bin/env bash
# Commits the deploy tree of one tool to the branch deploy/<tool> of a remote, so that
# Toolforge can build it: `toolforge build start <repository URL> --ref deploy/<tool>`.
#
# The branch keeps its history (each push adds one commit naming the source commit), so a
# deploy can be rolled back by building an older commit of the branch.
#
# Usage: ci/deploy-push.sh <tool> [remote name or URL, default origin] [ref]
#        (the commit to deploy: the ref, or else $DEPLOY_REF, or else HEAD)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

tool=${1:-}
remote=${2:-origin}
ref=${3:-${DEPLOY_REF:-HEAD}}
require_tool "$tool"
root=$(repo_root)

if url=$(git -C "$root" remote get-url "$remote" 2>/dev/null); then :; else url=$remote; fi
# Resolved once, so that the tree and the commit message name the same commit even if HEAD
# moves meanwhile. The tree is made from that commit (git archive), never from the working
# tree, so uncommitted changes cannot be deployed; they are only mentioned.
source_commit=$(git -C "$root" rev-parse --verify --quiet "$ref^{commit}") || die "'$ref' names no commit"
if [[ "$ref" == HEAD && -n "$(git -C "$root" status --porcelain --untracked-files=no)" ]]; then
  echo "note: uncommitted changes are not deployed; deploying $source_commit" >&2
fi
branch="deploy/$tool"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash "$root/ci/deploy-tree.sh" "$tool" "$work/tree" "$source_commit"

cd "$work/tree"
git init -q
export GIT_AUTHOR_NAME=${GIT_AUTHOR_NAME:-deploy} GIT_AUTHOR_EMAIL=${GIT_AUTHOR_EMAIL:-deploy@localhost}
export GIT_COMMITTER_NAME=${GIT_COMMITTER_NAME:-$GIT_AUTHOR_NAME} GIT_COMMITTER_EMAIL=${GIT_COMMITTER_EMAIL:-$GIT_AUTHOR_EMAIL}
git add -A
tree_id=$(git write-tree)
parent_args=()
if git fetch -q "$url" "refs/heads/$branch" 2>/dev/null; then
  parent_args=(-p FETCH_HEAD)
  if [[ "$(git rev-parse "FETCH_HEAD^{tree}")" == "$tree_id" ]]; then
    echo "$branch is already up to date with $source_commit"
    exit 0
  fi
fi
commit=$(git commit-tree "$tree_id" "${parent_args[@]}" -m "Deploy $tool from $source_commit")
git push -q "$url" "$commit:refs/heads/$branch"
echo "pushed $commit to $branch; build it with:"
echo "  toolforge build start <repository URL> --ref $branch"
