#!/usr/bin/env bash
# A throwaway PostgreSQL cluster in a folder, for tools/run.sh and the benchmarks (the tests have
# their own, tests/pg/pg_cluster.cpp): initdb on first use, listening only on a unix socket in
# that folder, owned by an unprivileged user (postgres when run as root: PostgreSQL refuses root),
# with a `parcelgate` role owning a `parcelgate` database.
#   tools/pg-cluster.sh start DIR [EXTRA_SERVER_OPTIONS]   prints the gateway's libpq URI
#   tools/pg-cluster.sh stop DIR
# The data stays in DIR/data between runs; delete DIR to start afresh. The server's log is
# DIR/server.log.
set -euo pipefail
if (($# < 2)) || [[ "$1" != start && "$1" != stop ]]; then
  sed -n '2,9p' "$0" >&2
  exit 2
fi
what="$1"
mkdir -p "$2"
dir="$(cd "$2" && pwd)"
data="$dir/data"
bin="$(pg_config --bindir)"
owner=()
if [[ $(id -u) -eq 0 ]]; then
  owner=(runuser -u postgres --)
fi

if [[ "$what" == stop ]]; then
  [[ -f "$data/postmaster.pid" ]] || exit 0
  "${owner[@]}" "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
  getent passwd postgres >/dev/null ||
    useradd --system --home-dir /var/lib/postgresql --shell /usr/sbin/nologin postgres
  chown postgres: "$dir"
  "${owner[@]}" test -w "$dir" || {
    echo "the postgres user cannot reach $dir (a parent folder is closed to other users)" >&2
    exit 1
  }
fi
chmod 700 "$dir"
if [[ ! -f "$data/PG_VERSION" ]]; then
  "${owner[@]}" "$bin/initdb" -D "$data" -A trust -E UTF8 --locale=C.UTF-8 -U postgres \
    >"$dir/initdb.log" 2>&1 || { echo "initdb failed:" >&2; cat "$dir/initdb.log" >&2; exit 1; }
fi
# Only the unix socket, in a folder only the cluster's owner (and root) may enter: trust
# authentication reaches no one else.
"${owner[@]}" "$bin/pg_ctl" -D "$data" -w -t 60 -l "$dir/server.log" \
  -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c unix_socket_permissions=0700 ${3:-}" \
  start >/dev/null || { echo "PostgreSQL did not start:" >&2; tail -20 "$dir/server.log" >&2; exit 1; }
admin=("${owner[@]}" psql -X -q -v ON_ERROR_STOP=1 -h "$dir" -U postgres -d postgres)
if [[ -z "$("${admin[@]}" -Atc "SELECT 1 FROM pg_roles WHERE rolname = 'parcelgate'")" ]]; then
  "${admin[@]}" -c "CREATE ROLE parcelgate LOGIN" >/dev/null
fi
if [[ -z "$("${admin[@]}" -Atc "SELECT 1 FROM pg_database WHERE datname = 'parcelgate'")" ]]; then
  "${admin[@]}" -c "CREATE DATABASE parcelgate OWNER parcelgate" >/dev/null
fi
# libpq URI: the socket folder as host, percent-encoded.
echo "postgresql://parcelgate@${dir//\//%2F}/parcelgate?application_name=parcelgate"
