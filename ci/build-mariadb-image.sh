#!/usr/bin/env bash
# Builds a local Docker image of MariaDB from Debian packages, for the tests that start MariaDB
# with testcontainers-modules' `Mariadb` image definition.
#
# No container registry is reachable here, only Debian's package archive, so the image is a
# debootstrap rootfs (minbase + mariadb-server) fed to `docker import`. Its entrypoint
# (ci/mariadb-image/entrypoint.sh) mimics what testcontainers-modules expects of the official
# image: MARIADB_ALLOW_EMPTY_ROOT_PASSWORD / MARIADB_ROOT_PASSWORD / MARIADB_DATABASE, and a
# stderr carrying "mariadbd: ready for connections." and "port: 3306" once the server is up.
#
# The Debian mirror is read at run time from this machine's apt sources.
#
# Usage: ci/build-mariadb-image.sh [tag]
# The tag defaults to $TEST_MARIADB_IMAGE, else toolforge-tests/mariadb:bookworm.
# An existing image with that tag is kept as it is (delete it with `docker rmi` to rebuild).
set -euo pipefail

suite=bookworm
tag=${1:-${TEST_MARIADB_IMAGE:-toolforge-tests/mariadb:$suite}}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
entrypoint=$here/mariadb-image/entrypoint.sh

die() {
  echo "error: $*" >&2
  exit 1
}

if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "image $tag exists already; skipping the build"
  exit 0
fi

[[ -f "$entrypoint" ]] || die "missing $entrypoint"
[[ $(id -u) -eq 0 ]] || die "debootstrap needs root"

start=$SECONDS

if ! command -v debootstrap >/dev/null 2>&1; then
  echo "installing debootstrap"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq debootstrap >/dev/null
fi

# The URI of the main archive for $suite (not -security, -updates, ...) in the apt sources:
# deb822 stanzas in /etc/apt/sources.list.d/*.sources first, then one-line `deb` entries.
apt_mirror() {
  local f uri
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] || continue
    uri=$(awk -v suite="$suite" '
      function flush() {
        if (!found && enabled != "no" && uris != "" &&
            (" " types " ") ~ /[ \t]deb[ \t]/ && (" " suites " ") ~ ("[ \t]" suite "[ \t]")) {
          split(uris, u, /[ \t]+/)
          print u[1]
          found = 1
        }
        types = ""; suites = ""; uris = ""; enabled = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      {
        key = tolower($1)
        value = $0
        sub(/^[^:]*:[ \t]*/, "", value)
        sub(/[ \t]+$/, "", value)
      }
      key == "types:" { types = value }
      key == "suites:" { suites = value }
      key == "uris:" { uris = value }
      key == "enabled:" { enabled = tolower(value) }
      END { flush() }
    ' "$f")
    if [[ -n "$uri" ]]; then
      echo "$uri"
      return
    fi
  done
  if [[ -f /etc/apt/sources.list ]]; then
    # deb [options] <uri> <suite> <components...>
    uri=$(sed -e 's/#.*//' -e 's/\[[^]]*\]//' /etc/apt/sources.list |
      awk -v suite="$suite" '$1 == "deb" && $3 == suite { print $2; exit }')
    if [[ -n "$uri" ]]; then
      echo "$uri"
      return
    fi
  fi
  return 1
}

mirror=$(apt_mirror) || die "no '$suite' archive in /etc/apt/sources.list{,.d/*.sources}"
echo "building $tag from $mirror ($suite)"

work=$(mktemp -d /tmp/mariadb-image.XXXXXX)
cleanup() {
  # debootstrap mounts /proc and /sys inside the rootfs; never let rm walk into them.
  local m
  for m in $(awk -v w="$work/" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

rootfs=$work/rootfs
if ! debootstrap --variant=minbase --include=mariadb-server,ca-certificates \
  "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1; then
  tail -n 40 "$work/debootstrap.log" >&2
  [[ -f "$rootfs/debootstrap/debootstrap.log" ]] && tail -n 40 "$rootfs/debootstrap/debootstrap.log" >&2
  die "debootstrap failed"
fi

# Nothing the image needs at run time: package caches and lists.
rm -f "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin
rm -rf "$rootfs"/var/lib/apt/lists/*
mkdir -p "$rootfs/var/lib/apt/lists/partial"
# A datadir made now, not at every container start, saves seconds per start (mostly fsyncs).
# It replaces the one of the package's postinst (root by unix socket only) with the one the
# entrypoint would make itself (root@localhost with an empty password, which it then sets up).
# --cross-bootstrap: no root@<this machine's host name>, nor a DNS check of that name.
rm -rf "$rootfs"/var/lib/mysql/*
if ! chroot "$rootfs" mariadb-install-db --no-defaults --user=mysql --datadir=/var/lib/mysql \
  --auth-root-authentication-method=normal --skip-test-db --cross-bootstrap \
  >"$work/install-db.log" 2>&1; then
  cat "$work/install-db.log" >&2
  die "mariadb-install-db failed"
fi
mkdir -p "$rootfs/docker-entrypoint-initdb.d"
install -m 755 "$entrypoint" "$rootfs/usr/local/bin/entrypoint"

tar -C "$rootfs" --numeric-owner -c . |
  docker import \
    -c 'ENTRYPOINT ["/usr/local/bin/entrypoint"]' \
    -c 'EXPOSE 3306' \
    -c 'ENV LANG=C.UTF-8' \
    - "$tag" >/dev/null

version=$(awk '/^Package: mariadb-server$/ { p = 1 } p && /^Version:/ { print $2; exit }' \
  "$rootfs/var/lib/dpkg/status")
cleanup
trap - EXIT
echo "built $tag (mariadb-server $version) in $((SECONDS - start)) s"
