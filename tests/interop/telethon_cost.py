#!/usr/bin/env python3
"""What Telethon costs its user, for runtimes/cost.sh (beside examples/client_cost.rs).

Usage: telethon_cost.py MODE HOST PORT PEM_FILE BOT_TOKEN ARGS...

  pipelined REQUESTS WINDOW   rounds of WINDOW concurrent updates.getState
  sequential REQUESTS         one updates.getState at a time
  idle CLIENTS                CLIENTS more connected clients, one request answered each

Runs in a process of its own so that getrusage(RUSAGE_SELF) counts this client alone.
Prints `cpu REQUESTS USER_S SYSTEM_S WALL_S SWITCHES` (CPU and context switches, read
after sign-in and warm-up, around the measured requests) or `rss CLIENTS BEFORE_KIB AFTER_KIB` (VmRSS before and after the
extra clients, after the same setup).
"""
import asyncio
import gc
import logging
import resource
import sys
import time

from telethon import TelegramClient
from telethon.crypto import rsa as telethon_rsa
from telethon.sessions import MemorySession
from telethon.tl.functions.updates import GetStateRequest

API_ID = 17349
DC = 2


def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return (usage.ru_utime, usage.ru_stime, time.perf_counter(),
            usage.ru_nvcsw + usage.ru_nivcsw)


def cpu_line(requests, before):
    after = cpu()
    return (f'cpu {requests} {after[0] - before[0]:.6f} {after[1] - before[1]:.6f} '
            f'{after[2] - before[2]:.6f} {after[3] - before[3]}')


def rss_kib():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    raise RuntimeError('no VmRSS in /proc/self/status')


def client(host, port, auth_key=None):
    session = MemorySession()
    session.set_dc(DC, host, port)
    if auth_key is not None:
        session.auth_key = auth_key
    return TelegramClient(session, api_id=API_ID, api_hash='any')


async def main(mode, host, port, token, args):
    first = client(host, port)
    await first.connect()
    await first.sign_in(bot_token=token)
    if mode == 'pipelined':
        requests, window = args
        rounds = requests // window
        await asyncio.gather(*(first(GetStateRequest()) for _ in range(window)))
        before = cpu()
        for _ in range(rounds):
            await asyncio.gather(*(first(GetStateRequest()) for _ in range(window)))
        line = cpu_line(rounds * window, before)
    elif mode == 'sequential':
        (requests,) = args
        for _ in range(requests // 10):
            await first(GetStateRequest())
        before = cpu()
        for _ in range(requests):
            await first(GetStateRequest())
        line = cpu_line(requests, before)
    elif mode == 'idle':
        (count,) = args
        await first(GetStateRequest())
        # The clients share the first one's key (the test DC takes a key on any number of
        # sessions): a thousand pure-Python key exchanges would take minutes, and the
        # key exchange's leftovers are not what an idle client keeps.
        key = first.session.auth_key
        gc.collect()
        before = rss_kib()

        async def connected():
            c = client(host, port, key)
            await c.connect()
            await c(GetStateRequest())
            return c

        idle = await asyncio.gather(*(connected() for _ in range(count)))
        gc.collect()
        after = rss_kib()
        line = f'rss {len(idle)} {before} {after}'
        await asyncio.gather(*(c.disconnect() for c in idle))
    else:
        raise SystemExit(f'unknown mode {mode}')
    await first.disconnect()
    print(line)


if __name__ == '__main__':
    # Keeps stderr for failures: a thousand clients would otherwise print a warning each
    # for anything Telethon finds odd.
    logging.basicConfig(level=logging.ERROR)
    mode, host, port, pem, token = sys.argv[1:6]
    with open(pem) as f:
        telethon_rsa.add_key(f.read(), old=False)
    asyncio.run(main(mode, host, int(port), token, [int(a) for a in sys.argv[6:]]))
