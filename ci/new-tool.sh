#!/usr/bin/env bash
# Creates tools/<name>/: a new tool that follows every practice of this repository and can be
# deployed as it is (docs/new-tool.md).
#
# Usage: ci/new-tool.sh <name> [--with-login] [--with-database]
#
# The files come from templates in ci/new-tool/, one directory per flavour, applied in this
# order: base/ (the plain tool), then login/ (--with-login), then database/ (--with-database).
# In a flavour directory:
#
#  - <path>.tmpl is a whole file: it is added to the tool, or replaces the one an earlier
#    flavour gave;
#  - <path>@<hook>.tmpl is a fragment: it goes where <path> has a line with `@hook: <hook>` (in
#    that file's comment syntax); fragments of several flavours go in flavour order, and a hook
#    line no flavour fills is dropped;
#  - _repository/ holds what is added to the repository's own files rather than to the tool:
#    the row of the README's tool table and the tool's jobs in .gitlab-ci.yml.
#
# Then __TOOL_NAME__ (my-tool), __TOOL_CRATE__ (my_tool) and __TOOL_TITLE__ (My Tool) are
# replaced everywhere, runs of blank lines are squeezed to one, the Rust code is formatted
# (rustfmt's line breaks depend on the name's length), and Cargo.lock gains the new crate.
#
# A name Toolforge would refuse, or one this repository has already, is refused with the
# reason, and nothing is written. Only bash, coreutils, findutils, sed, rustfmt and cargo are
# used, offline (the network only if the local crate index cannot resolve the lock).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

root=$(repo_root)
templates="$root/ci/new-tool"

usage() {
  echo "usage: just new-tool <name> [--with-login] [--with-database]" >&2
  exit 2
}

names=()
login=0
database=0
options=1
for argument in "$@"; do
  case "$options:$argument" in
    1:--with-login) login=1 ;;
    1:--with-database) database=1 ;;
    1:-h | 1:--help) usage ;;
    1:--) options=0 ;;
    1:-*) echo "error: unknown option '$argument'" >&2; usage ;;
    *) names+=("$argument") ;;
  esac
done
(( ${#names[@]} > 0 )) || usage
(( ${#names[@]} == 1 )) || { echo "error: one name only (got: ${names[*]})" >&2; usage; }
name=${names[0]}

# --- The name -------------------------------------------------------------------------------

# Toolforge's rule for tool names, from Striker (toolsadmin.wikimedia.org), which creates tool
# accounts: striker/tools/forms.py, ToolCreateForm.RE_NAME = r'^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$'
# ("the intersection of the user name rule of useradd(8) and the RFC 1035 DNS label"): a
# lowercase letter first, then lowercase letters, digits and hyphens, a letter or digit last,
# 32 characters at most. The name becomes <name>.toolforge.org, the tool's Unix user and group
# (tools.<name>), its ToolsDB databases (<user>__<name>) and here its crate and deploy branch.
toolforge_name_rule='^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$'
max_length=32

# Rust keywords (any edition) and the names of the standard crates: no crate may be called so.
reserved_crate_names=(as async await break const continue crate dyn else enum extern false fn
  for if impl in let loop match mod move mut pub ref return self static struct super trait true
  type unsafe use where while abstract become box "do" final macro override priv typeof unsized
  virtual yield try gen std core alloc proc_macro test)

# Prints why <name> cannot be a new tool here, or nothing if it can.
name_problem() {
  local name=$1
  local rule="a Toolforge tool name starts with a lowercase letter (a-z), has only lowercase letters, digits and hyphens, ends with a letter or digit, and is at most $max_length characters long"
  if [[ -z "$name" ]]; then
    echo "the name is empty: $rule"
  elif (( ${#name} > max_length )); then
    echo "'$name' is ${#name} characters long: $rule"
  elif [[ ! "$name" =~ $toolforge_name_rule ]]; then
    local reason
    if [[ "$name" =~ [A-Z] ]]; then
      reason="it has uppercase letters"
    elif [[ ! "$name" =~ ^[a-z] ]]; then
      reason="it does not start with a letter"
    elif [[ "$name" =~ [^-a-z0-9] ]]; then
      reason="it has '$(tr -d -- '-a-z0-9' <<<"$name" | fold -w1 | LC_ALL=C sort -u | tr -d '\n')', which a tool name cannot have"
    else
      reason="it ends with a hyphen"
    fi
    echo "'$name' is not a Toolforge tool name ($reason): $rule"
  elif [[ -e "$root/tools/$name" ]]; then
    echo "there is a tool called '$name' already (tools/$name/): choose another name"
  else
    local crate=${name//-/_}
    local reserved
    for reserved in "${reserved_crate_names[@]}"; do
      if [[ "$crate" == "$reserved" ]]; then
        echo "'$name' would be the crate '$crate', a name Rust reserves: choose another name"
        return
      fi
    done
    # The crates the tools depend on (Cargo.lock's packages with a source: the workspace's own
    # have none) and the shared ones, with hyphens and underscores alike, as cargo compares them.
    local taken
    taken=$(sed -n -e '/^name = "/{s/^name = "\(.*\)"$/\1/;h;}' -e '/^source = /{g;p;}' \
      "$root/Cargo.lock" 2>/dev/null | tr '-' '_' | sort -u)
    for crate_dir in "$root"/shared/*/; do
      taken+=$'\n'$(basename "$crate_dir" | tr '-' '_')
    done
    if grep -qxF "$crate" <<<"$taken"; then
      echo "'$name' is the name of a crate this workspace already uses (in shared/ or a dependency in Cargo.lock): the tool's crate would clash with it; choose another name"
    fi
  fi
}

problem=$(name_problem "$name")
[[ -z "$problem" ]] || die "cannot create tool: $problem"

crate=${name//-/_}
title=
IFS=- read -ra words <<<"$name"
for word in "${words[@]}"; do
  title+="${title:+ }${word^}"
done

flavours=(base)
(( login )) && flavours+=(login)
(( database )) && flavours+=(database)

# --- The files, put together in a staging directory ----------------------------------------

stage=$(mktemp -d)
backup=$(mktemp -d)
written=0
cleanup() {
  local status=$?
  if (( status != 0 && written )); then
    # Something failed after the first write: leave the repository as it was.
    rm -rf "${root:?}/tools/$name"
    for file in README.md .gitlab-ci.yml; do
      [[ -f "$backup/$file" ]] && cp "$backup/$file" "$root/$file"
    done
    echo "error: nothing was kept; the repository is as it was" >&2
  fi
  rm -rf "$stage" "$backup"
}
trap cleanup EXIT

# Whole files: each flavour adds its own and replaces earlier ones.
for flavour in "${flavours[@]}"; do
  dir="$templates/$flavour"
  [[ -d "$dir" ]] || die "templates missing: $dir"
  while IFS= read -r -d '' template; do
    relative=${template#"$dir"/}
    relative=${relative%.tmpl}
    [[ "$(basename "$relative")" == *@* ]] && continue
    mkdir -p "$stage/$(dirname "$relative")"
    cp "$template" "$stage/$relative"
  done < <(find "$dir" -type f -name '*.tmpl' -print0)
done

# Fragments: every hook line is replaced by the fragments for it, in flavour order.
declare -A used_fragments=()
fill_hooks() {
  local file=$1 relative=$2 line hook flavour fragment fragment_line
  local filled=()
  while IFS= read -r line || [[ -n "$line" ]]; do
    if [[ "$line" =~ @hook:\ ([a-z][a-z0-9-]*) ]]; then
      hook=${BASH_REMATCH[1]}
      for flavour in "${flavours[@]}"; do
        fragment="$templates/$flavour/$relative@$hook.tmpl"
        if [[ -f "$fragment" ]]; then
          while IFS= read -r fragment_line || [[ -n "$fragment_line" ]]; do
            filled+=("$fragment_line")
          done <"$fragment"
          used_fragments[$fragment]=1
        fi
      done
    else
      filled+=("$line")
    fi
  done <"$file"
  printf '%s\n' "${filled[@]}" >"$file"
}

# Names, then blank lines: a dropped hook line must not leave two blank lines where rustfmt and
# Markdown want one.
substitute() {
  local file=$1
  sed -i -e "s/__TOOL_NAME__/$name/g" -e "s/__TOOL_CRATE__/$crate/g" \
    -e "s/__TOOL_TITLE__/$title/g" "$file"
  cat -s "$file" >"$file.squeezed" && mv "$file.squeezed" "$file"
  if grep -n -e '__TOOL_[A-Z]*__' -e '@hook:' "$file" >&2; then
    die "template problem: $file still has a placeholder or a hook line (above)"
  fi
}

while IFS= read -r -d '' file; do
  relative=${file#"$stage"/}
  fill_hooks "$file" "$relative"
  substitute "$file"
done < <(find "$stage" -type f -print0)

# A fragment that found no hook line is a mistake in the templates, not something to skip.
for flavour in "${flavours[@]}"; do
  while IFS= read -r -d '' fragment; do
    [[ -n "${used_fragments[$fragment]:-}" ]] ||
      die "template problem: ${fragment#"$root"/} has no hook line to go to"
  done < <(find "$templates/$flavour" -type f -name '*@*.tmpl' -print0)
done

# --- The repository's own files: the README's tool table and the CI jobs --------------------

repository="$stage/_repository"
[[ -f "$repository/readme-row.md" && -f "$repository/gitlab-ci-smoke.yml" &&
  -f "$repository/gitlab-ci-deploy.yml" ]] || die "templates missing: ci/new-tool/base/_repository/"

# Each argument as a line; nothing at all for no arguments.
print_lines() {
  (( $# == 0 )) || printf '%s\n' "$@"
}

# The new row goes after the last row of the table under "## Tools".
insert_readme_row() {
  local readme=$1 row_file=$2 out=$3
  local -a lines
  mapfile -t lines <"$readme"
  local i in_tools=0 last_row=-1
  for i in "${!lines[@]}"; do
    if [[ "${lines[$i]}" == "## Tools" ]]; then
      in_tools=1
    elif [[ "${lines[$i]}" == "## "* ]]; then
      in_tools=0
    elif (( in_tools )) && [[ "${lines[$i]}" == "| ["* ]]; then
      last_row=$i
    fi
  done
  (( last_row >= 0 )) || return 1
  {
    print_lines "${lines[@]:0:last_row+1}"
    cat "$row_file"
    print_lines "${lines[@]:last_row+1}"
  } >"$out"
}

# A job goes after the last job whose name matches <pattern>, other than <except> (a job ends at
# the first blank line after its name).
insert_after_last_job() {
  local ci=$1 pattern=$2 except=$3 job_file=$4 out=$5
  local -a lines
  mapfile -t lines <"$ci"
  local i last_job=-1 end
  for i in "${!lines[@]}"; do
    if [[ "${lines[$i]}" =~ $pattern && "${lines[$i]}" != "$except" ]]; then
      last_job=$i
    fi
  done
  (( last_job >= 0 )) || return 1
  end=${#lines[@]}
  for (( i = last_job + 1; i < ${#lines[@]}; i++ )); do
    if [[ -z "${lines[$i]}" ]]; then end=$i; break; fi
  done
  {
    print_lines "${lines[@]:0:end}"
    cat "$job_file"
    print_lines "${lines[@]:end}"
  } >"$out"
}

insert_readme_row "$root/README.md" "$repository/readme-row.md" "$stage/README.root.md" ||
  die "README.md has no tool table under '## Tools' to add the tool to"
insert_after_last_job "$root/.gitlab-ci.yml" '^smoke:[a-z0-9-]+:$' 'smoke:selftest:' \
  "$repository/gitlab-ci-smoke.yml" "$stage/gitlab-ci.1.yml" ||
  die ".gitlab-ci.yml has no smoke:<tool> job to add the tool's after"
insert_after_last_job "$stage/gitlab-ci.1.yml" '^deploy:[a-z0-9-]+:$' '' \
  "$repository/gitlab-ci-deploy.yml" "$stage/gitlab-ci.yml" ||
  die ".gitlab-ci.yml has no deploy:<tool> job to add the tool's after"
rm -r "$repository"

# --- Writing: the tool, the README, the CI jobs, the lock -----------------------------------

# Checked again just before writing: another run may have created it meanwhile.
[[ ! -e "$root/tools/$name" ]] || die "cannot create tool: tools/$name/ appeared meanwhile"
for file in README.md .gitlab-ci.yml; do
  cp "$root/$file" "$backup/$file"
done
written=1
mkdir "$root/tools/$name"
for entry in "$stage"/*; do
  case "$(basename "$entry")" in
    README.root.md | gitlab-ci.1.yml | gitlab-ci.yml) ;;
    *) cp -r "$entry" "$root/tools/$name/" ;;
  esac
done
cp "$stage/README.root.md" "$root/README.md"
cp "$stage/gitlab-ci.yml" "$root/.gitlab-ci.yml"

written=0
# From here on the tool is complete: what fails is said, and the tool stays.
warnings=()

# rustfmt breaks lines by their length, and sorts imports, which both depend on the name: format
# what was generated, with the workspace's edition, as `cargo fmt` would.
edition=$(sed -n 's/^edition = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)
mapfile -d '' -t sources < <(find "$root/tools/$name" -name '*.rs' -print0)
if ! (cd "$root" && rustfmt --edition "${edition:-2024}" "${sources[@]}"); then
  warnings+=("rustfmt failed (is the toolchain's rustfmt component installed?): run \`cargo fmt -p $name\`")
fi

# Cargo.lock gains the new crate and nothing else: every dependency is the workspace's, already
# locked (`--workspace` updates only the workspace's own crates, which have no versions to
# change). The local index is enough, the network only a fallback, as in ci/deploy-tree.sh.
if ! (cd "$root" && { cargo update --workspace --offline --quiet 2>/dev/null ||
  cargo update --workspace --quiet; }); then
  warnings+=("Cargo.lock does not have the new crate yet (no crates downloaded here, and no network?): run \`cargo update --workspace\` once cargo can reach its registry")
fi

cat <<DONE
Created tools/$name/ ($(IFS=+; echo "${flavours[*]}")): $title.
Added it to the tool table in README.md, and jobs smoke:$name and deploy:$name to .gitlab-ci.yml.

Next: \`just run $name\` (http://localhost:8000/), \`cargo test -p $name\`, and after a commit
\`just smoke $name\` (it builds what is committed). Then make it do what it is for: see
tools/$name/README.md and docs/new-tool.md.
DONE
for warning in "${warnings[@]}"; do
  echo "WARNING: $warning" >&2
done
