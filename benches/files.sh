#!/usr/bin/env bash
# Upload and download MB/s of one file (256 MiB unless --size says otherwise): oxigram
# (examples/file_rate.rs) beside Telethon with cryptg and Pyrogram (kurigram) with
# TgCrypto, against one test DC run as its own release process on loopback, with the
# AES-256-IGE rate measured in the same run (tests/interop/file_bench.py). Builds what
# it runs, in release; the Python packages come from the pinned requirements in the
# interop venv. Not part of CI's default run except as a smoke test at a small size.
#
#   benches/files.sh [--debug] [--size 256M] [--only oxigram,telethon,pyrogram]
#
# --debug builds and runs the debug binaries instead: for CI's smoke run at a small size
# (`--debug --size 4M`), which checks that the bench works, not how fast.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
venv="${OXIGRAM_INTEROP_VENV:-target/interop-venv}"

profile=release
if [ "${1:-}" = --debug ]; then
    profile=debug
    shift
fi
flags=()
[ "$profile" = release ] && flags=(--release)
cargo build --quiet "${flags[@]}" -p oxigram-testdc
cargo build --quiet "${flags[@]}" --example file_rate

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check \
    -r tests/interop/requirements.txt -r tests/interop/bench-requirements.txt

exec "$venv/bin/python" tests/interop/file_bench.py \
    "target/$profile/oxigram-testdc" "target/$profile/examples/file_rate" "$@"
