#!/usr/bin/env bash
# What users pay: client CPU per request (pipelined and one at a time) and resident memory
# per idle connected client, on every runtime, beside Telethon (pinned, in the interop
# venv) in the same run. The test DC and each measurement run as processes of their own;
# see examples/client_cost.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${OXIGRAM_INTEROP_VENV:-target/interop-venv}"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/interop/requirements.txt
cargo build --release --quiet -p oxigram-testdc --bin oxigram-testdc
cargo build --release --quiet --example client_cost --features tokio,async-std,smol,blocking
# A thousand idle clients hold a socket each in the client and in the test DC.
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 4096 ]; then
    ulimit -n 4096
fi
exec target/release/examples/client_cost run target/release/oxigram-testdc "$venv/bin/python"
