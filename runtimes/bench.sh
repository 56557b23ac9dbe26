#!/usr/bin/env bash
# Pipelined RPC round trips per second against the test DC on every runtime, beside
# Telethon (pinned, in the interop venv) driving the same workload in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${OXIGRAM_INTEROP_VENV:-target/interop-venv}"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/interop/requirements.txt
cargo run --release --example rpc_rate --features async-std,smol,blocking -- "$venv/bin/python"
