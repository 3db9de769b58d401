# Tasks for the whole workspace. `just` lists them.
set shell := ["bash", "-euo", "pipefail", "-c"]

# List the recipes.
default:
    @just --list

# Run a tool locally with its built-in defaults (local-development mode), on PORT or 8000.
run tool:
    #!/usr/bin/env bash
    set -euo pipefail
    if [[ ! -f "tools/{{ tool }}/Cargo.toml" ]]; then
      echo "no tool '{{ tool }}'; the tools are: $(ls tools | tr '\n' ' ')" >&2
      exit 1
    fi
    exec cargo run -p "{{ tool }}"

# Every test of every crate, then the lint: the command CI runs. The database tests start
# MariaDB in Docker (the official 10.6 image, or a local one where no registry is reachable;
# see ci/mariadb-test-image.sh), or use TEST_MARIADB_URL, or a local mariadbd.
test:
    #!/usr/bin/env bash
    set -euo pipefail
    image=$(bash ci/mariadb-test-image.sh)
    if [[ -n "$image" ]]; then export TEST_MARIADB_IMAGE="$image"; fi
    cargo test --workspace --locked
    just lint

# Makes sure the MariaDB image the database tests use is there, and prints its name.
db-image:
    bash ci/mariadb-test-image.sh

# Only the database tests (ToolsDB's pool and migrations, store contract, outage and recovery), e.g. against TEST_MARIADB_URL.
test-db:
    #!/usr/bin/env bash
    set -euo pipefail
    image=$(bash ci/mariadb-test-image.sh)
    if [[ -n "$image" ]]; then export TEST_MARIADB_IMAGE="$image"; fi
    # The whole workspace, filtered by test target: features are unified as in `just test`, so
    # nothing is built again (`-p platform` alone builds the platform and sqlx anew, 2 minutes).
    # Other tools' `web` tests come along; they need no database and take seconds.
    cargo test --workspace --locked --test toolsdb --test store_contract --test web --test runner

# A new tool in tools/<name>/, deployable as it is: `just new-tool my-tool [--with-login] [--with-database]` (docs/new-tool.md).
[positional-arguments]
new-tool name *flags:
    bash ci/new-tool.sh "$@"

# Generates a tool of each flavour in a scratch copy, then fmt, clippy, tests and smoke tests of them; refused names write nothing.
new-tool-check:
    bash ci/new-tool-check.sh

# Formatting and clippy, warnings as errors.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets --locked -- -D warnings

# Build-Service emulation: deploy tree, release build, boot as an unnamed UID, health check, SIGTERM.
smoke tool:
    bash ci/smoke.sh {{ tool }}

# The same with a cold build (fresh target dir in the tree, as the Build Service has no cache).
smoke-cold tool:
    SMOKE_COLD=1 bash ci/smoke.sh {{ tool }}

# Self-test of the smoke test's Toolforge emulation (scripts without a shell, 5 s probe timeout, deploy trees); no build.
smoke-selftest:
    bash ci/smoke-selftest.sh

# Two builds of a tool compared on the same paths: instructions per request (callgrind) and req/s side by side.
bench-compare old new *paths:
    bash ci/compare-builds.sh {{ old }} {{ new }} {{ paths }}

# Write the tree the Build Service builds for one tool, from a committed ref (default HEAD).
deploy-tree tool dir ref="HEAD":
    bash ci/deploy-tree.sh {{ tool }} {{ dir }} {{ ref }}

# Commit the deploy tree to the deploy/<tool> branch of a remote (default: origin).
deploy-push tool remote="origin" ref="HEAD":
    bash ci/deploy-push.sh {{ tool }} {{ remote }} {{ ref }}

# Load-test a tool's release build with wrk: req/s, latency, peak RSS, time to healthy.
bench tool seconds="5":
    bash ci/bench.sh {{ tool }} {{ seconds }}
