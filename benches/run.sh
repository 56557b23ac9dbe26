#!/usr/bin/env bash
# Runs the comparison benches and prints oxigram's speed as ratios against each peer and
# limit measured in the same run (OpenSSL's `openssl speed` rates for AES).
# Usage: benches/run.sh [criterion filter]
set -euo pipefail
cd "$(dirname "$0")"
cargo bench --bench tl_codec -- "$@"
cargo bench --bench crypto -- "$@"
cargo bench --bench session -- "$@"
cargo bench --bench client -- "$@"
speed=$(mktemp)
trap 'rm -f "$speed"' EXIT
for cipher in aes-256-cbc aes-256-ctr; do
    openssl speed -evp "$cipher" -bytes 1048576 -seconds 3 2>/dev/null | tail -1 >>"$speed"
done
python3 ratios.py --openssl "$speed"
