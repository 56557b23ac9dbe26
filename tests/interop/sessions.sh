#!/usr/bin/env bash
# Session interop: Telethon and Pyrogram (kurigram) sign in against the test DC, oxigram
# takes their sessions over and hands them back (tests/interop/sessions_check.py).
# Builds what it runs; the Python packages come from the pinned requirements in the
# same venv as run.sh.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
venv="${OXIGRAM_INTEROP_VENV:-target/interop-venv}"

cargo build --quiet -p oxigram-testdc
cargo build --quiet --example session_interop

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/interop/requirements.txt

exec "$venv/bin/python" tests/interop/sessions_check.py \
    target/debug/oxigram-testdc target/debug/examples/session_interop "$@"
