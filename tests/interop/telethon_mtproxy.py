"""Interop check: Telethon's MTProxy connections against the test DC's MTProxy knob.

Usage: telethon_mtproxy.py PATH/TO/oxigram-testdc

For each kind of secret Telethon speaks (plain with abridged and intermediate framing,
`dd` with padded intermediate; it has no fake TLS), the test DC is started with
`--mtproxy-secret` and a Telethon bot signs in through it, asks who it is and sends
itself nothing more: the proxy path is what is checked. Each step prints "... ok"; the
first failure exits 1.
"""
import asyncio
import sys

from telethon import TelegramClient, connection
from telethon.crypto import rsa as telethon_rsa
from telethon.sessions import MemorySession

import telethon_check as tc

KEY = '0123456789abcdef0123456789abcdef'
CASES = [
    (KEY, connection.ConnectionTcpMTProxyAbridged),
    (KEY, connection.ConnectionTcpMTProxyIntermediate),
    ('dd' + KEY, connection.ConnectionTcpMTProxyRandomizedIntermediate),
]


async def through(dcs, secret, kind):
    host, port = dcs[tc.USER_DC]
    session = MemorySession()
    session.set_dc(tc.USER_DC, host, port)
    client = TelegramClient(
        session, api_id=17349, api_hash='any', connection=kind, proxy=(host, port, secret),
        timeout=tc.TIMEOUT // 2, request_retries=1, connection_retries=1, retry_delay=0,
        auto_reconnect=False)
    try:
        await asyncio.wait_for(client.start(bot_token=tc.BOT_TOKEN), tc.TIMEOUT)
        me = await asyncio.wait_for(client.get_me(), tc.TIMEOUT)
        tc.check(me.bot and me.username == tc.BOT_USERNAME, f'signed in as {me!r}')
    finally:
        await client.disconnect()


def main():
    binary = sys.argv[1]
    for secret, kind in CASES:
        label = f'{kind.__name__} with a {"dd" if secret.startswith("dd") else "plain"} secret'
        print(f'{label} ...', flush=True)
        proc, banner = tc.start_server(binary, ('--bot', tc.BOT_TOKEN, '--mtproxy-secret', secret))
        try:
            dcs, pem, _ = tc.parse_banner(banner)
            telethon_rsa.add_key(pem, old=False)
            asyncio.run(through(dcs, secret, kind))
        except Exception as e:
            print(f'FAILED: {label}: {tc.describe(e)}', flush=True)
            sys.exit(1)
        finally:
            proc.kill()
            proc.wait()
        print(f'{label} ok', flush=True)


if __name__ == '__main__':
    main()
