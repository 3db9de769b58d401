#!/bin/sh
# Entrypoint of the image built by ci/build-mariadb-image.sh. It does what testcontainers-modules'
# `Mariadb` expects of the official mariadb image:
#
#   MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=<non-empty>  root has an empty password, or
#   MARIADB_ROOT_PASSWORD=<pw>                     root has that password;
#   MARIADB_DATABASE=<name>                        that database is created;
#   /docker-entrypoint-initdb.d/*.sql, *.sql.gz, *.sh are run (in name order) against it;
#
# root may log in from anywhere (root@'%', ALL PRIVILEGES WITH GRANT OPTION). The MYSQL_* names
# of these variables are accepted too. Setup runs on a temporary server that listens only on
# the socket and logs to /var/log/mysql/init.log, so that the only "ready for connections."
# and "port: 3306" on stderr are those of the final server, which testcontainers waits for.
#
# The image ships a datadir made by mariadb-install-db (see ci/build-mariadb-image.sh), which saves
# seconds per start; an empty /var/lib/mysql (e.g. a tmpfs or volume there) is initialised here.
# Setup runs once per container: a marker file in the datadir skips it on a restart.
#
# Arguments starting with "-" are added to the final mariadbd's options; any other command is
# run instead of the server.
set -eu

datadir=/var/lib/mysql
socket=/run/mysqld/mysqld.sock
initlog=/var/log/mysql/init.log

if [ "$#" -gt 0 ] && [ "${1#-}" = "$1" ]; then
  exec "$@"
fi

log() {
  echo "entrypoint: $*" >&2
}

die() {
  log "error: $*"
  exit 1
}

root_password=${MARIADB_ROOT_PASSWORD:-${MYSQL_ROOT_PASSWORD:-}}
allow_empty=${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:-${MYSQL_ALLOW_EMPTY_PASSWORD:-}}
database=${MARIADB_DATABASE:-${MYSQL_DATABASE:-}}

# An SQL string literal's contents / a quoted identifier's contents.
sql_string() {
  printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/''/g"
}
sql_ident() {
  printf '%s' "$1" | sed -e 's/`/``/g'
}

client() {
  mariadb --no-defaults --protocol=socket --socket="$socket" -uroot "$@"
}

mkdir -p /run/mysqld "$datadir" "$(dirname "$initlog")"
chown mysql:mysql /run/mysqld "$datadir"

marker=$datadir/.entrypoint-done
if [ ! -e "$marker" ]; then
  if [ -z "$root_password" ] && [ -z "$allow_empty" ]; then
    die "set MARIADB_ROOT_PASSWORD, or MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1 for an empty one"
  fi

  if [ ! -d "$datadir/mysql" ]; then
    log "initialising $datadir"
    mariadb-install-db --no-defaults --user=mysql --datadir="$datadir" \
      --auth-root-authentication-method=normal --skip-test-db \
      --skip-name-resolve >"$initlog" 2>&1 ||
      { cat "$initlog" >&2; die "mariadb-install-db failed"; }
  fi

  log "setting up users and database on a temporary server (socket only)"
  mariadbd --no-defaults --user=mysql --datadir="$datadir" --socket="$socket" \
    --skip-networking --skip-name-resolve >>"$initlog" 2>&1 &
  pid=$!
  i=0
  until client -e 'SELECT 1' >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { cat "$initlog" >&2; die "temporary server exited"; }
    i=$((i + 1))
    [ "$i" -le 300 ] || { cat "$initlog" >&2; die "temporary server not up after 30 s"; }
    sleep 0.1
  done

  pw=$(sql_string "$root_password")
  create_db=
  if [ -n "$database" ]; then
    create_db="CREATE DATABASE IF NOT EXISTS \`$(sql_ident "$database")\`;"
  fi
  # Only root@localhost (socket) and root@'%' remain, as in the official image: the root@<host>,
  # root@127.0.0.1 and root@::1 of mariadb-install-db go (<host> may be the build machine's).
  # root@localhost gets its password last, as that ends password-less access over the socket.
  # (A here-document, not echo: dash's echo would eat the backslashes of an escaped password.)
  client <<SQL || { kill "$pid"; cat "$initlog" >&2; die "user setup failed"; }
SET @@SESSION.SQL_LOG_BIN = 0;
SET @@SESSION.SQL_MODE = REPLACE(@@SESSION.SQL_MODE, 'NO_BACKSLASH_ESCAPES', '');
DELETE FROM mysql.global_priv WHERE User = '' OR (User = 'root' AND Host <> 'localhost');
DELETE FROM mysql.proxies_priv WHERE User = '' OR (User = 'root' AND Host <> 'localhost');
FLUSH PRIVILEGES;
CREATE OR REPLACE USER 'root'@'%' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;
GRANT PROXY ON ''@'%' TO 'root'@'%' WITH GRANT OPTION;
$create_db
ALTER USER 'root'@'localhost' IDENTIFIED BY '$pw';
SQL

  if [ -d /docker-entrypoint-initdb.d ]; then
    for f in /docker-entrypoint-initdb.d/*; do
      [ -f "$f" ] || continue
      log "running $f"
      case $f in
        *.sql) MYSQL_PWD=$root_password client ${database:+"$database"} <"$f" ;;
        *.sql.gz) gzip -dc "$f" | MYSQL_PWD=$root_password client ${database:+"$database"} ;;
        *.sh) . "$f" ;;
        *) log "ignoring $f" ;;
      esac
    done
  fi

  kill "$pid"
  wait "$pid" || true
  touch "$marker"
  log "setup done"
fi

exec mariadbd --no-defaults --user=mysql --datadir="$datadir" --socket="$socket" \
  --bind-address=0.0.0.0 --port=3306 --skip-name-resolve \
  --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci "$@"
