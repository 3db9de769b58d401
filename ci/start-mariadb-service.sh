#!/usr/bin/env bash
# Starts a MariaDB server from Debian's packages, the way a CI service container would be: on
# a free local port, data in a temporary directory, root without password. Installs
# mariadb-server if it is missing. Prints the lines to eval:
#
#   eval "$(bash ci/start-mariadb-service.sh)"
#
# which sets TEST_MARIADB_URL, MARIADB_SERVICE_PORT and MARIADB_SERVICE_PID.
#
# Stop it with `kill "$MARIADB_SERVICE_PID"`; its directory goes with it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if ! command -v mariadbd >/dev/null && [[ ! -x /usr/sbin/mariadbd ]]; then
  echo "installing mariadb-server" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mariadb-server >&2
  # The package starts a system server; this script runs its own.
  (service mariadb stop || systemctl stop mariadb || true) >/dev/null 2>&1
fi
mariadbd=$(command -v mariadbd || echo /usr/sbin/mariadbd)

dir=$(mktemp -d /tmp/mariadb-service.XXXXXX)
chown -R mysql:mysql "$dir" 2>/dev/null || true
port=$(free_port)
mariadb-install-db --no-defaults --user=mysql --datadir="$dir/data" \
  --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1 \
  || { cat "$dir/install.log" >&2; die "mariadb-install-db failed"; }
chown -R mysql:mysql "$dir"

# In the background, with a watcher that removes the directory when the server exits.
(
  "$mariadbd" --no-defaults --user=mysql --datadir="$dir/data" --socket="$dir/mysqld.sock" \
    --pid-file="$dir/mysqld.pid" --port="$port" --bind-address=127.0.0.1 --skip-name-resolve \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci >"$dir/server.log" 2>&1
  rm -rf "$dir"
) </dev/null >/dev/null 2>&1 &
# (Detached from this script's output, so that `$(…)` around the script does not wait for it.)
watcher=$!

for _ in $(seq 1 600); do
  if [[ -f "$dir/mysqld.pid" ]] && grep -q "ready for connections" "$dir/server.log" 2>/dev/null; then
    break
  fi
  kill -0 "$watcher" 2>/dev/null || die "mariadbd exited: $(cat "$dir/server.log" 2>/dev/null)"
  sleep 0.1
done
grep -q "ready for connections" "$dir/server.log" || die "mariadbd did not start within 60 s"
# Allow root over TCP from 127.0.0.1 (install-db creates root@localhost, which TCP does not match
# with --skip-name-resolve).
mariadb --no-defaults --socket="$dir/mysqld.sock" -uroot -e \
  "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;"

echo "export TEST_MARIADB_URL=mysql://root@127.0.0.1:$port"
echo "export MARIADB_SERVICE_PID=$(cat "$dir/mysqld.pid")"
echo "export MARIADB_SERVICE_PORT=$port"
echo "MariaDB $("$mariadbd" --version | awk '{print $3}') from Debian packages on 127.0.0.1:$port" >&2
