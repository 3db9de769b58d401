# Tasks for the whole workspace. `just` lists them.
set shell := ["bash", "-euo", "pipefail", "-c"]

# List the recipes.
default:
    @just --list

# Run a tool locally with its built-in defaults (local-development mode), on PORT or 8000.
run tool:
    cargo run -p {{ tool }}

# The MariaDB image the database tests start when no TEST_MARIADB_URL is given: the official
# image if your Docker can pull it (TEST_MARIADB_IMAGE=mariadb:10.6), else one built locally.
export TEST_MARIADB_IMAGE := env("TEST_MARIADB_IMAGE", "toolforge-tests/mariadb:bookworm")

# Every test of every crate, then the lint: the command CI runs.
test: db-image
    cargo test --workspace --locked
    just lint

# Builds the local MariaDB image for the database tests, if Docker is there and it is needed.
db-image:
    #!/usr/bin/env bash
    set -euo pipefail
    if [[ -n "${TEST_MARIADB_URL:-}" ]] || ! docker version >/dev/null 2>&1; then exit 0; fi
    if [[ "$TEST_MARIADB_IMAGE" == toolforge-tests/* ]]; then bash ci/build-mariadb-image.sh "$TEST_MARIADB_IMAGE"; fi

# Only the database tests (store contract, outage and recovery), e.g. against TEST_MARIADB_URL.
test-db: db-image
    cargo test --locked -p quickcategories --test store_contract --test web --test runner

# Formatting and clippy, warnings as errors.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets --locked -- -D warnings

# Build-Service emulation: deploy tree, release build, boot as an unnamed UID, health check, SIGTERM.
smoke tool:
    bash ci/smoke.sh {{ tool }}

# Write the tree the Build Service builds for one tool (workspace + Procfile + RustConfig).
deploy-tree tool dir:
    bash ci/deploy-tree.sh {{ tool }} {{ dir }}

# Commit the deploy tree to the deploy/<tool> branch of a remote (default: origin).
deploy-push tool remote="origin":
    bash ci/deploy-push.sh {{ tool }} {{ remote }}

# Load-test a tool's release build with wrk: req/s, latency, peak RSS, time to healthy.
bench tool seconds="5":
    bash ci/bench.sh {{ tool }} {{ seconds }}
