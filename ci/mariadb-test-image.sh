#!/usr/bin/env bash
# Prints the MariaDB image the database tests should start (TEST_MARIADB_IMAGE), after making
# sure Docker has it; prints nothing when the tests will not start a container (TEST_MARIADB_URL
# is set, or there is no Docker engine: the harness then falls back to a local mariadbd).
#
# 1. TEST_MARIADB_IMAGE given: that image (a local toolforge-tests/* image is built if missing).
# 2. Otherwise the official image at the version ToolsDB runs, MariaDB 10.6: ToolsDB's hosts
#    install the `wmf-mariadb106` package (operations/puppet,
#    modules/profile/manifests/wmcs/services/toolsdb_apt_pinning.pp). Pulled if missing.
# 3. Only where no registry is reachable: an image built locally from Debian packages
#    (ci/build-mariadb-image.sh, which needs root for debootstrap).
#
# Messages go to stderr; stdout is only the image name.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
official=mariadb:10.6
local_image=toolforge-tests/mariadb:bookworm

if [[ -n "${TEST_MARIADB_URL:-}" ]] || ! docker version >/dev/null 2>&1; then
  exit 0
fi

build_local() {
  echo "building $1 from Debian packages (needs root for debootstrap)" >&2
  bash "$here/build-mariadb-image.sh" "$1" >&2
}

if [[ -n "${TEST_MARIADB_IMAGE:-}" ]]; then
  if ! docker image inspect "$TEST_MARIADB_IMAGE" >/dev/null 2>&1; then
    if [[ "$TEST_MARIADB_IMAGE" == toolforge-tests/* ]]; then
      build_local "$TEST_MARIADB_IMAGE"
    else
      docker pull "$TEST_MARIADB_IMAGE" >&2
    fi
  fi
  echo "$TEST_MARIADB_IMAGE"
  exit 0
fi

if docker image inspect "$official" >/dev/null 2>&1 || docker pull "$official" >/dev/null 2>&1; then
  echo "$official"
  exit 0
fi
echo "cannot pull $official (no registry reachable?); using a local image instead" >&2
docker image inspect "$local_image" >/dev/null 2>&1 || build_local "$local_image"
echo "$local_image"
