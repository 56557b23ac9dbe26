#!/usr/bin/env bash
# Runs the Telethon interop check against target/debug/oxigram-testdc.
# The caller builds the binary first; this script only sets up Python.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
venv="${OXIGRAM_INTEROP_VENV:-target/interop-venv}"

# The venv lives outside the source tree and is reused, so reruns cost no
# downloads; pip is still run each time so a changed pin takes effect.
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/interop/requirements.txt

exec "$venv/bin/python" tests/interop/telethon_check.py target/debug/oxigram-testdc "$@"
