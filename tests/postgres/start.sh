#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on loopback for the PostgreSQL storage's tests
# and prints its URL. The cluster lives in the folder given (created if missing); stop
# it with `tests/postgres/stop.sh <folder>`. Installs Debian's server package when no
# server is found. The server does not run as root: as root, it runs as `postgres`.
set -euo pipefail
dir="${1:?usage: start.sh <folder>}"

find_bin() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$found" ] && [ -x "$found/initdb" ]; then echo "$found"; fi
}
bin=$(find_bin)
if [ -z "$bin" ]; then
    echo "installing PostgreSQL (Debian's package)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    bin=$(find_bin)
fi
[ -n "$bin" ] || { echo "no PostgreSQL server found or installed" >&2; exit 1; }

as_owner=()
if [ "$(id -u)" = 0 ]; then as_owner=(runuser -u postgres --); fi

mkdir -p "$dir"
# The server's user must reach it: give the folder (not what it holds) to everyone to
# pass through; its parents must allow that too (a folder in /tmp does).
chmod 755 "$dir"
dir=$(cd "$dir" && pwd)
if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
# A free port on loopback, chosen by the kernel.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if [ ! -f "$dir/data/PG_VERSION" ]; then
    "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U oxigram --auth=trust >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
fi
"${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=500" start >&2 \
    || { cat "$dir/server.log" >&2; exit 1; }
echo "postgresql://oxigram@127.0.0.1:$port/postgres"
