#!/usr/bin/env bash
# Throughput of the test DC under load: 200 connections each sending 100 messages
# (the load test, optimised, with its printed figures shown).
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo test --release -p oxigram-testdc --test load two_hundred -- --nocapture 2>&1 |
    grep -E "connections:|test result"
