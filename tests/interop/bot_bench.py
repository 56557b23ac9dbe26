#!/usr/bin/env python3
"""A bot's update rate: oxigram beside Telethon and Pyrogram (the kurigram fork) running
the same bot logic against one test DC.

Usage: bot_bench.py PATH/TO/oxigram-testdc PATH/TO/bot_rate [-n MESSAGES] [-r ROUNDS]
                    [--batch N] [--only LIBRARY,...]

The bot logic is the same in the three libraries: ten handlers, each behind a filter,
tried in registration order; the first whose filter passes takes the message
(Pyrogram's and oxigram's one group; Telethon's handlers each ending propagation):

  handler    filter                                        the handler uses
  start      the command /start, in a private chat         its arguments
  help, echo, stats, settings   the command                its arguments
  ping       the regex ^ping (\\d+)$                        the number
  photo, sticker, document      that media                 nothing
  text       a text message not starting with /            the text's length

Commands are matched as Pyrogram's `filters.command` does: after the prefix `/`, the
name in any case, optionally `@` and the bot's own username, then a space or the end;
the arguments are split as a shell would. Telethon has no command filter: its handlers
take the same regular expression (`pattern=`) and split the arguments themselves.

The test DC sends the messages (`flood` on its standard input, see oxigram-testdc.rs),
cycling through ten texts, half commands, half plain text, so that most messages are
tried against most filters. Every bot reports how many messages each handler took and
what they found; the driver checks that against the expected split (`expected_tally`),
so the three bots are shown to run the same logic before their rates are compared.

Each round starts one bot process per library in turn (the order rotates from round to
round). Once a bot says `ready` (signed in, handlers registered, reading updates), the
test DC is told to send it MESSAGES private messages from a user, BATCH at a time: the
next batch goes out once the server has handed the previous one to the socket, so it
waits for a slow bot in the socket's buffers. The bot prints `done COUNT NANOSECONDS`:
the time from the first message a handler saw to the last one counted.

The report gives each library's median rate, the ratios, and the CPU time the test DC
and each bot used per second of the measured window: a test DC near its cores' limit
means the rate measured is the server's, and the fastest bot's figure a lower bound.

`bot_bench.py child LIBRARY TOKEN COUNT --key PEM_FILE --dc ID=IP:PORT ...` is one Python
bot (LIBRARY is `telethon` or `pyrogram`); the driver spawns it.
"""
import os
import sys
import time

API_ID = 17349          # the same as the Rust side's
API_HASH = 'interop'
TIMEOUT = 600           # seconds for any one bot to see every message
SENDER = '9996622222'   # the user the messages come from (lives on DC 2)
TOKENS = {
    'oxigram': '7000041:bot-rate-oxigram',
    'telethon': '7000042:bot-rate-telethon',
    'pyrogram': '7000043:bot-rate-pyrogram',
}
LIBRARIES = tuple(TOKENS)
COMMANDS = ('start', 'help', 'echo', 'stats', 'settings')
HANDLERS = COMMANDS + ('ping', 'photo', 'sticker', 'document', 'text')
# What the test DC's `flood` sends, in turn (FLOOD_TEXTS in oxigram-testdc.rs).
FLOOD_TEXTS = ('/start', 'ping 7', '/help x', 'hello there', '/echo a b', 'ping 42',
               '/stats', 'what time is it', '/settings', 'good night')
PING = r'^ping (\d+)$'


def command_pattern(name, username):
    """Pyrogram's command match, for Telethon (which has no command filter)."""
    import re
    return re.compile(rf'^/{name}(?:@?{re.escape(username)})?(?:\s|$)', re.IGNORECASE)


def split_args(text):
    """A command's arguments, split as a shell would (on whitespace if quotes do not
    balance), as oxigram and Pyrogram leave them on the message."""
    import shlex
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    return words[1:]


class Tally:
    """What every bot's handlers share: counts, what they found, the first message's
    time."""

    def __init__(self, expected, done):
        self.expected, self.done = expected, done
        self.seen, self.first = 0, None
        self.by_handler = dict.fromkeys(HANDLERS, 0)
        self.args = self.pings = self.text = 0

    def count(self, handler):
        if self.first is None:
            self.first = time.perf_counter_ns()
        self.by_handler[handler] += 1
        self.seen += 1
        if self.seen == self.expected:
            elapsed = time.perf_counter_ns() - self.first
            print(tally_line(self.by_handler, self.args, self.pings, self.text), flush=True)
            print(f'done {self.seen} {elapsed}', flush=True)
            self.done.set()


def tally_line(by_handler, args, pings, text):
    handled = ' '.join(f'{name}={by_handler[name]}' for name in HANDLERS)
    return f'handled {handled} args={args} pings={pings} text={text}'


def expected_tally(count):
    """The `handled` line every bot must print after `count` messages: which handler
    takes each text, by the rules in this file's docstring."""
    import re
    by_handler = dict.fromkeys(HANDLERS, 0)
    args = pings = text = 0
    for i in range(count):
        message = FLOOD_TEXTS[i % len(FLOOD_TEXTS)]
        command = next((c for c in COMMANDS if re.match(rf'^/{c}(?:\s|$)', message, re.I)), None)
        ping = re.match(PING, message)
        if command:
            by_handler[command] += 1
            args += len(split_args(message))
        elif ping:
            by_handler['ping'] += 1
            pings += int(ping.group(1))
        elif message and not message.startswith('/'):
            by_handler['text'] += 1
            text += len(message)
    return tally_line(by_handler, args, pings, text)


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
    tally = Tally(count, done)

    await client.start(bot_token=token)
    # The command patterns name the bot's username, as Pyrogram's filter does.
    me = await client.get_me()

    def handler(name, use=None, **kwargs):
        async def handle(event):
            if use is not None:
                use(event)
            tally.count(name)
            raise events.StopPropagation
        client.add_event_handler(handle, events.NewMessage(**kwargs))

    def use_args(event):
        tally.args += len(split_args(event.raw_text))

    def use_ping(event):
        tally.pings += int(event.pattern_match.group(1))

    def use_text(event):
        tally.text += len(event.raw_text)

    # In registration order, each ending propagation: the first match takes the message.
    handler('start', use_args, pattern=command_pattern('start', me.username or ''),
            func=lambda e: e.is_private)
    for name in COMMANDS[1:]:
        handler(name, use_args, pattern=command_pattern(name, me.username or ''))
    handler('ping', use_ping, pattern=re.compile(PING))
    handler('photo', func=lambda e: e.photo is not None)
    handler('sticker', func=lambda e: e.sticker is not None)
    handler('document', func=lambda e: e.document is not None)
    # Telethon's `text` is the message rendered back to Markdown; `raw_text` is what the
    # other libraries call the text. No media but a link preview: a caption is not a
    # text message.
    from telethon.tl.types import MessageMediaWebPage
    not_command = re.compile(r'^/')
    handler('text', use_text,
            func=lambda e: bool(e.raw_text)
            and (e.media is None or isinstance(e.media, MessageMediaWebPage))
            and not not_command.search(e.raw_text))

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
    tally = Tally(count, done)
    with tempfile.TemporaryDirectory(prefix='oxigram-bot-rate-') as workdir:
        client = Client('bot', api_id=API_ID, api_hash=API_HASH, bot_token=token,
                        test_mode=True, workdir=workdir, in_memory=True,
                        connection_factory=TestDcConnection)

        def handler(name, flt, use=None):
            async def handle(_client, message):
                if use is not None:
                    use(message)
                tally.count(name)
            client.add_handler(MessageHandler(handle, flt))

        def use_args(message):
            tally.args += len(message.command) - 1

        def use_ping(message):
            tally.pings += int(message.matches[0].group(1))

        def use_text(message):
            tally.text += len(message.text)

        # One group: the first handler whose filter matches takes the message.
        handler('start', filters.command('start') & filters.private, use_args)
        for name in COMMANDS[1:]:
            handler(name, filters.command(name), use_args)
        handler('ping', filters.regex(PING), use_ping)
        handler('photo', filters.photo)
        handler('sticker', filters.sticker)
        handler('document', filters.document)
        handler('text', filters.text & ~filters.regex(r'^/'), use_text)

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


def cpu_seconds(pid):
    """User plus system CPU time of process `pid` (all its threads) so far."""
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


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

    def flood(self, token, count, batch):
        self.proc.stdin.write(f'flood {SENDER} {token} {count} {batch}\n')
        self.proc.stdin.flush()

    def cpu(self):
        return cpu_seconds(self.proc.pid)

    def close(self):
        self.proc.stdin.close()
        self.proc.terminate()
        self.proc.wait()


def run_bot(server, command, library, count, batch, env):
    """Starts one bot, floods it once it is ready. Gives its rate (messages/s), the
    `handled` line it printed, and the CPU seconds per second of the measured window the
    test DC and the bot used."""
    import subprocess
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    handled = None
    try:
        line = proc.stdout.readline()
        while line and line.strip() != 'ready':
            line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f'{library} bot exited before "ready": {proc.stderr.read()}')
        cpu_before = server.cpu(), cpu_seconds(proc.pid)
        started = time.perf_counter()
        server.flood(TOKENS[library], count, batch)
        line = proc.stdout.readline()
        while line and not line.startswith('done '):
            if line.startswith('handled '):
                handled = line.strip()
            line = proc.stdout.readline()
        wall = time.perf_counter() - started
        cpu_after = (server.cpu(), cpu_seconds(proc.pid)) if line else cpu_before
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
    loads = tuple((after - before) / wall for before, after in zip(cpu_before, cpu_after))
    return count / (int(elapsed_ns) / 1e9), handled, loads


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
    ap.add_argument('--batch', type=int, default=64,
                    help='messages the test DC hands over at a time')
    ap.add_argument('--only', default=','.join(LIBRARIES),
                    help='the libraries to run, comma-separated')
    args = ap.parse_args()
    libraries = [library for library in LIBRARIES if library in args.only.split(',')]
    expected = expected_tally(args.n)

    print(f'load average before: {os.getloadavg()[0]:.2f}', flush=True)
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
            env.pop('RUST_LOG', None)
            rates = {library: [] for library in libraries}
            loads = {library: [] for library in libraries}
            for round_ in range(args.rounds):
                shift = round_ % len(libraries)
                for library in libraries[shift:] + libraries[:shift]:
                    token = TOKENS[library]
                    if library == 'oxigram':
                        command = [args.rust, token, str(args.n), '--key', key_file, *dc_args]
                    else:
                        command = [sys.executable, os.path.abspath(__file__), 'child', library,
                                   token, str(args.n), '--key', key_file, *dc_args]
                    rate, handled, load = run_bot(server, command, library, args.n,
                                                  args.batch, env)
                    if handled != expected:
                        raise RuntimeError(f'{library} bot handled the messages otherwise:\n'
                                           f'  got      {handled}\n  expected {expected}')
                    rates[library].append(rate)
                    loads[library].append(load)
                    print(f'round {round_ + 1}: {library:9} {rate:>10,.0f} messages/s   '
                          f'CPU s/s: test DC {load[0]:.2f}, bot {load[1]:.2f}', flush=True)
    finally:
        server.close()

    print(f'load average after: {os.getloadavg()[0]:.2f}')
    print(f'\nevery bot: {expected}')
    print(f'median of {args.rounds} rounds, {args.n} messages each, {args.batch} per batch:')
    ours = median(rates['oxigram']) if 'oxigram' in rates else None
    for library in libraries:
        rate = median(rates[library])
        versus = f'   oxigram/{library} = {ours / rate:.1f}x' if ours and library != 'oxigram' else ''
        server_load = median([l[0] for l in loads[library]])
        bot_load = median([l[1] for l in loads[library]])
        print(f'  {library:9} {rate:>10,.0f} messages/s   CPU s/s: test DC {server_load:.2f}, '
              f'bot {bot_load:.2f}{versus}')


if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == 'child':
        child(sys.argv[2:])
    else:
        main()
