#!/usr/bin/env bash
# Start-up cost: a saved session to the first answered request, oxigram beside Telethon
# and Pyrogram against the test DC, N fresh processes each (tests/interop/startup_bench.py).
# Builds what it runs, in release; the Python packages come from the pinned requirements
# in the same venv as run.sh. Not part of CI, which does not time things.
#
#   tests/interop/startup_bench.sh [-n N]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
venv="${OXIGRAM_INTEROP_VENV:-target/interop-venv}"

cargo build --quiet --release -p oxigram-testdc
cargo build --quiet --release --example startup_cost

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/interop/requirements.txt

exec "$venv/bin/python" tests/interop/startup_bench.py \
    target/release/oxigram-testdc target/release/examples/startup_cost "$@"
