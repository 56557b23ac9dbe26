#!/usr/bin/env bash
# Stops the server tests/postgres/start.sh started in the folder given.
set -euo pipefail
dir="${1:?usage: stop.sh <folder>}"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
as_owner=()
if [ "$(id -u)" = 0 ]; then as_owner=(runuser -u postgres --); fi
"${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2
