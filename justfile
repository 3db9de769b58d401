# Tasks for the whole workspace. `just` lists them.
set shell := ["bash", "-euo", "pipefail", "-c"]

# List the recipes.
default:
    @just --list

# Run a tool locally with its built-in defaults (local-development mode), on PORT or 8000.
run tool:
    cargo run -p {{ tool }}

# Every test of every crate, then the lint: the command CI runs.
test:
    cargo test --workspace --locked
    just lint

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
