#!/usr/bin/env python3
"""A bot's update rate: oxigram beside Telethon and Pyrogram (the kurigram fork) running
the same bot logic against one test DC.

Usage: bot_bench.py PATH/TO/oxigram-testdc PATH/TO/bot_rate [-n MESSAGES] [-r ROUNDS]

The bot logic is the same in the three libraries: ten handlers, each behind a filter,
tried in order; the first that matches counts the message (Pyrogram's one group,
Telethon's handlers each ending propagation, oxigram's one group). The messages cycle
through ten texts, half of them commands, half plain text that only the last handler
takes, so most messages are tried against every filter.

Each round starts one bot process per library in turn. Once a bot says `ready` (signed
in, handlers registered, reading updates), the test DC is told on its standard input to
send the bot MESSAGES private messages from a user (`flood PHONE TOKEN COUNT`), as fast
as it can push them. The bot prints `done COUNT NANOSECONDS`: the time from the first
message seen to the last one counted. The report gives each library's median rate and
the ratios.

`bot_bench.py child LIBRARY TOKEN COUNT --key PEM_FILE --dc ID=IP:PORT ...` is one Python
bot (LIBRARY is `telethon` or `pyrogram`); the driver spawns it.
"""
import os
import sys
import time

API_ID = 17349          # the same as the Rust side's
API_HASH = 'interop'
TIMEOUT = 300           # seconds for any one bot to see every message
SENDER = '9996622222'   # the user the messages come from (lives on DC 2)
TOKENS = {
    'oxigram': '7000041:bot-rate-oxigram',
    'telethon': '7000042:bot-rate-telethon',
    'pyrogram': '7000043:bot-rate-pyrogram',
}
LIBRARIES = tuple(TOKENS)
COMMANDS = ('start', 'help', 'echo', 'stats', 'settings')


class Counter:
    """What every bot's handlers share: counts, and the time of the first message."""

    def __init__(self, expected, done):
        self.expected, self.done = expected, done
        self.seen, self.first = 0, None
        self.by_handler = {}

    def count(self, handler):
        if self.first is None:
            self.first = time.perf_counter_ns()
        self.by_handler[handler] = self.by_handler.get(handler, 0) + 1
        self.seen += 1
        if self.seen == self.expected:
            elapsed = time.perf_counter_ns() - self.first
            print(f'done {self.seen} {elapsed}', flush=True)
            self.done.set()


# --- one bot, in a process of its own ---------------------------------------------------

def child_args(argv):
    library, token, count, rest = argv[0], argv[1], int(argv[2]), argv[3:]
    pem, dcs = None, {}
    while rest:
        flag, value, rest = rest[0], rest[1], rest[2:]
        if flag == '--key':
            with open(value) as f:
                pem = f.read()
        elif flag == '--dc':
            dc_id, address = value.split('=')
            host, port = address.rsplit(':', 1)
            dcs[int(dc_id)] = (host, int(port))
        else:
            raise SystemExit(f'unexpected argument {flag}')
    return library, token, count, pem, dcs


async def telethon_bot(token, count, pem, dcs):
    import asyncio
    import re

    from telethon import TelegramClient, events
    from telethon.crypto import rsa as telethon_rsa
    from telethon.sessions import MemorySession

    telethon_rsa.add_key(pem, old=False)
    session = MemorySession()
    host, port = dcs[2]
    session.set_dc(2, host, port)
    client = TelegramClient(session, api_id=API_ID, api_hash=API_HASH)
    done = asyncio.Event()
    counter = Counter(count, done)

    def handler(name, **kwargs):
        async def handle(event):
            counter.count(name)
            raise events.StopPropagation
        client.add_event_handler(handle, events.NewMessage(**kwargs))

    # In registration order, each ending propagation: the first match takes the message.
    handler('start', pattern=re.compile(r'^/start(?:@\w+)?(?:\s|$)'), func=lambda e: e.is_private)
    for name in COMMANDS[1:]:
        handler(name, pattern=re.compile(rf'^/{name}(?:@\w+)?(?:\s|$)'))
    handler('ping', pattern=re.compile(r'^ping (\d+)$'))
    handler('photo', func=lambda e: e.photo is not None)
    handler('sticker', func=lambda e: e.sticker is not None)
    handler('document', func=lambda e: e.document is not None)
    handler('text', func=lambda e: bool(e.raw_text) and not e.raw_text.startswith('/'))

    await client.start(bot_token=token)
    print('ready', flush=True)
    await asyncio.wait_for(done.wait(), TIMEOUT)
    await client.disconnect()


async def pyrogram_bot(token, count, pem, dcs):
    import asyncio
    import tempfile

    from pyrogram import Client, filters
    from pyrogram.connection import Connection
    from pyrogram.crypto import rsa as pyrogram_rsa
    from pyrogram.handlers import MessageHandler

    from startup_bench import pem_numbers

    n, e, fingerprint = pem_numbers(pem)
    pyrogram_rsa.server_public_keys[fingerprint] = pyrogram_rsa.PublicKey(n, e)

    class TestDcConnection(Connection):
        def __init__(self, dc_id, server_address, port, *args, **kwargs):
            host, test_port = dcs[dc_id]
            super().__init__(dc_id, host, test_port, *args, **kwargs)

    done = asyncio.Event()
    counter = Counter(count, done)
    with tempfile.TemporaryDirectory(prefix='oxigram-bot-rate-') as workdir:
        client = Client('bot', api_id=API_ID, api_hash=API_HASH, bot_token=token,
                        test_mode=True, workdir=workdir, in_memory=True,
                        connection_factory=TestDcConnection)

        def handler(name, flt):
            async def handle(_client, _message):
                counter.count(name)
            client.add_handler(MessageHandler(handle, flt))

        # One group: the first handler whose filter matches takes the message.
        handler('start', filters.command('start') & filters.private)
        for name in COMMANDS[1:]:
            handler(name, filters.command(name))
        handler('ping', filters.regex(r'^ping (\d+)$'))
        handler('photo', filters.photo)
        handler('sticker', filters.sticker)
        handler('document', filters.document)
        handler('text', filters.text & ~filters.regex(r'^/'))

        await client.start()
        print('ready', flush=True)
        await asyncio.wait_for(done.wait(), TIMEOUT)
        await client.stop()


def child(argv):
    import asyncio
    library, token, count, pem, dcs = child_args(argv)
    bot = {'telethon': telethon_bot, 'pyrogram': pyrogram_bot}[library]
    asyncio.run(bot(token, count, pem, dcs))


# --- the driver -------------------------------------------------------------------------

def median(values):
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


class Server:
    """The test DC, its banner read, its standard input kept to ask for floods."""

    def __init__(self, binary):
        import queue
        import subprocess
        import threading
        args = [binary, '--seed', '1', '--user', SENDER]
        for token in TOKENS.values():
            args += ['--bot', token]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)
        self.lines = queue.Queue()

        def pump():
            for line in self.proc.stdout:
                self.lines.put(line.rstrip('\n'))
            self.lines.put(None)
        threading.Thread(target=pump, daemon=True).start()
        self.banner = []
        while True:
            line = self.lines.get(timeout=30)
            if line is None:
                raise SystemExit(f'the test DC exited before "ready" ({self.proc.wait()})')
            if line == 'ready':
                break
            self.banner.append(line)

    def flood(self, token, count):
        self.proc.stdin.write(f'flood {SENDER} {token} {count}\n')
        self.proc.stdin.flush()

    def close(self):
        self.proc.stdin.close()
        self.proc.terminate()
        self.proc.wait()


def run_bot(server, command, library, count, env):
    """Starts one bot, floods it once it is ready; the rate it reports (messages/s)."""
    import subprocess
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        while line and line.strip() != 'ready':
            line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f'{library} bot exited before "ready": {proc.stderr.read()}')
        server.flood(TOKENS[library], count)
        line = proc.stdout.readline()
        while line and not line.startswith('done '):
            line = proc.stdout.readline()
        proc.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise RuntimeError(f'{library} bot did not finish within {TIMEOUT} s') from None
    if not line.startswith('done ') or proc.returncode != 0:
        raise RuntimeError(f'{library} bot failed (exit {proc.returncode}): '
                           f'{line.strip()} {proc.stderr.read().strip()}')
    _, seen, elapsed_ns = line.split()
    if int(seen) != count:
        raise RuntimeError(f'{library} bot counted {seen} of {count} messages')
    return count / (int(elapsed_ns) / 1e9)


def main():
    import argparse
    import tempfile

    from sessions_check import trust_key
    from telethon_check import parse_banner

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('testdc', help='path to oxigram-testdc')
    ap.add_argument('rust', help='path to the bot_rate example')
    ap.add_argument('-n', type=int, default=10_000, help='messages per bot and round')
    ap.add_argument('-r', '--rounds', type=int, default=3, help='rounds')
    args = ap.parse_args()

    server = Server(args.testdc)
    try:
        with tempfile.TemporaryDirectory(prefix='oxigram-bot-rate-') as workdir:
            dcs, pem, fingerprint = parse_banner(server.banner)
            trust_key(pem, fingerprint)
            key_file = os.path.join(workdir, 'server.pem')
            with open(key_file, 'w') as f:
                f.write(pem)
            dc_args = []
            for dc_id, (host, port) in sorted(dcs.items()):
                dc_args += ['--dc', f'{dc_id}={host}:{port}']
            env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.abspath(__file__)))
            rates = {library: [] for library in LIBRARIES}
            for round_ in range(args.rounds):
                for library in LIBRARIES:
                    token = TOKENS[library]
                    if library == 'oxigram':
                        command = [args.rust, token, str(args.n), '--key', key_file, *dc_args]
                    else:
                        command = [sys.executable, os.path.abspath(__file__), 'child', library,
                                   token, str(args.n), '--key', key_file, *dc_args]
                    rate = run_bot(server, command, library, args.n, env)
                    rates[library].append(rate)
                    print(f'round {round_ + 1}: {library} {rate:,.0f} messages/s', flush=True)
    finally:
        server.close()

    ours = median(rates['oxigram'])
    print(f'\nmedian of {args.rounds} rounds, {args.n} messages each:')
    for library in LIBRARIES:
        rate = median(rates[library])
        print(f'  {library:9} {rate:>10,.0f} messages/s   oxigram = {ours / rate:.1f}x')


if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == 'child':
        child(sys.argv[2:])
    else:
        main()
