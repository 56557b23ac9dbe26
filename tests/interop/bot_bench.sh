#!/usr/bin/env bash
# A bot's update rate: oxigram (examples/bot_rate.rs) beside Telethon and Pyrogram
# running the same ten handlers, each flooded with the same private messages by one
# test DC, in turn, several rounds (tests/interop/bot_bench.py). Builds what it runs, in
# release; the Python packages come from the pinned requirements, plus the libraries'
# own C crypto (bench-requirements.txt), in the same venv as run.sh. Not part of CI,
# which does not time things.
#
#   tests/interop/bot_bench.sh [-n MESSAGES] [-r ROUNDS] [--batch N]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
venv="${OXIGRAM_INTEROP_VENV:-target/interop-venv}"

cargo build --quiet --release -p oxigram-testdc
cargo build --quiet --release --example bot_rate

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check \
    -r tests/interop/requirements.txt -r tests/interop/bench-requirements.txt

exec "$venv/bin/python" tests/interop/bot_bench.py \
    target/release/oxigram-testdc target/release/examples/bot_rate "$@"
