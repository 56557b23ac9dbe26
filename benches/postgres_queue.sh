#!/usr/bin/env bash
# Updates per second a busy bot's handlers get through the PostgreSQL update queue with
# 1, 2 and 4 worker processes, beside one process whose dispatcher handles them all (no
# queue, per-chat order, its default workers), in one run on this machine:
# tests/postgres_queue.rs in release, messages from 50 users (50,000 with handlers that
# cost nothing, 10,000 with handlers that wait 1 ms each), against a throwaway
# PostgreSQL server on loopback (or the one OXIGRAM_TEST_POSTGRES names). Prints each
# rate and its ratio to the single process.
#
#   benches/postgres_queue.sh [MESSAGES]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
messages="${1:-50000}"

if [ -z "${OXIGRAM_TEST_POSTGRES:-}" ]; then
    pgdir=$(mktemp -d /tmp/oxigram-pg.XXXXXX)
    trap 'tests/postgres/stop.sh "$pgdir" || echo "warning: the server in $pgdir did not stop" >&2; rm -rf "$pgdir"' EXIT
    OXIGRAM_TEST_POSTGRES=$(tests/postgres/start.sh "$pgdir")
    export OXIGRAM_TEST_POSTGRES
fi

cargo build --quiet --release --test postgres_queue
binary=$(ls -t target/release/deps/postgres_queue-* | grep -v '\.d$' | head -n 1)

rate() {
    OXIGRAM_QUEUE_MESSAGES="$1" OXIGRAM_QUEUE_HANDLER_MS="$2" OXIGRAM_QUEUE_WORKERS="$3" "$binary" \
        | sed -n 's/.*(\([0-9]*\) per second.*/\1/p'
}

# Handlers that cost nothing show the queue's own cost; handlers that wait 1 ms per
# message (as on a request of their own) show what workers add.
for case in "$messages 0" "$((messages / 5)) 1"; do
    set -- $case
    count=$1 ms=$2
    echo "== $count messages, handlers waiting $ms ms each"
    alone=$(rate "$count" "$ms" 0)
    echo "one process, its dispatcher, no queue: $alone updates/s"
    for workers in 1 2 4; do
        r=$(rate "$count" "$ms" "$workers")
        ratio=$(python3 -c "print(f'{$r / $alone:.2f}')")
        echo "queue, $workers workers: $r updates/s ($ratio x the single process)"
    done
done
