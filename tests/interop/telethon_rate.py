#!/usr/bin/env python3
"""Pipelined RPC rate of Telethon against a running test DC, for runtimes/bench.sh.

Usage: telethon_rate.py HOST PORT PEM_FILE BOT_TOKEN ROUNDS WINDOW

Signs in as the bot, then runs ROUNDS rounds of WINDOW concurrent updates.getState
calls and prints `telethon <requests> <seconds>`.
"""
import asyncio
import sys
import time

from telethon import TelegramClient
from telethon.crypto import rsa as telethon_rsa
from telethon.sessions import MemorySession
from telethon.tl.functions.updates import GetStateRequest


async def main(host, port, pem_file, token, rounds, window):
    with open(pem_file) as f:
        telethon_rsa.add_key(f.read(), old=False)
    session = MemorySession()
    session.set_dc(2, host, port)
    client = TelegramClient(session, api_id=17349, api_hash='any')
    await client.connect()
    await client.sign_in(bot_token=token)
    # Warm-up: the same as one measured round.
    await asyncio.gather(*(client(GetStateRequest()) for _ in range(window)))
    start = time.perf_counter()
    for _ in range(rounds):
        await asyncio.gather(*(client(GetStateRequest()) for _ in range(window)))
    elapsed = time.perf_counter() - start
    await client.disconnect()
    print(f'telethon {rounds * window} {elapsed:.6f}')


if __name__ == '__main__':
    host, port, pem, token, rounds, window = sys.argv[1:7]
    asyncio.run(main(host, int(port), pem, token, int(rounds), int(window)))
