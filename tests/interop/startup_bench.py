#!/usr/bin/env python3
"""Start-up cost: a saved session to the first answered request, oxigram beside Telethon
and Pyrogram (the kurigram fork) against one test DC.

Usage: startup_bench.py PATH/TO/oxigram-testdc PATH/TO/startup_cost [-n N] [--debug]

  1. Starts the test DC once and signs a bot in once per library, each into its own
     session file (oxigram through examples/startup_cost.rs).
  2. N rounds (20 by default; one more, first, is a warm-up and not counted), each
     starting one fresh process per library, in turn, so that the noise of the machine
     hits all three alike. A process opens its library's session file, connects, calls
     users.getUsers([self]) (Telethon's get_me) and prints `answered NANOSECONDS ID`.
  3. Prints the medians and the ratios oxigram/Telethon and oxigram/Pyrogram of:
     - process: from just before the process is spawned to reading that line (so with
       the interpreter's or binary's start-up and every import);
     - in-process: from just before the client is built to the answer (imports done,
       the event loop or runtime already running).

`startup_bench.py child LIBRARY DIR --key PEM_FILE --dc ID=IP:PORT ...` is one Python
start (LIBRARY is `telethon` or `pyrogram`); the driver spawns it.
"""
import os
import sys
import time

API_ID = 17349          # the same as the Rust side's
API_HASH = 'interop'
TIMEOUT = 30            # seconds for any one process
TOKENS = {
    'oxigram': '7000031:startup-oxigram',
    'telethon': '7000032:startup-telethon',
    'pyrogram': '7000033:startup-pyrogram',
}
LIBRARIES = tuple(TOKENS)


# --- one start, in a process of its own ----------------------------------------------
# Each child imports its own library only, so that the process figure holds no other's.

def child_args(argv):
    library, workdir, rest = argv[0], argv[1], argv[2:]
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
    return library, workdir, pem, dcs


async def telethon_start(workdir, pem, dcs):
    from telethon import TelegramClient
    from telethon.crypto import rsa as telethon_rsa
    from telethon.tl import functions, types

    telethon_rsa.add_key(pem, old=False)
    started = time.perf_counter_ns()
    # The file names the test DC's address (the sign-in put it there).
    client = TelegramClient(
        os.path.join(workdir, 'telethon'), api_id=API_ID, api_hash=API_HASH,
        receive_updates=False, request_retries=1, connection_retries=1, retry_delay=0,
        auto_reconnect=False)
    await client.connect()
    users = await client(functions.users.GetUsersRequest([types.InputUserSelf()]))
    elapsed = time.perf_counter_ns() - started
    print(f'answered {elapsed} {users[0].id}', flush=True)
    await client.disconnect()


async def pyrogram_start(workdir, pem, dcs):
    from pyrogram import Client, raw
    from pyrogram.connection import Connection
    from pyrogram.crypto import rsa as pyrogram_rsa

    n, e, fingerprint = pem_numbers(pem)
    pyrogram_rsa.server_public_keys[fingerprint] = pyrogram_rsa.PublicKey(n, e)

    class TestDcConnection(Connection):
        # Pyrogram would fill in Telegram's own address for a DC it moves to.
        def __init__(self, dc_id, server_address, port, *args, **kwargs):
            host, test_port = dcs[dc_id]
            super().__init__(dc_id, host, test_port, *args, **kwargs)

    started = time.perf_counter_ns()
    client = Client(
        'pyrogram', api_id=API_ID, api_hash=API_HASH, test_mode=True, workdir=workdir,
        connection_factory=TestDcConnection, no_updates=True)
    if not await client.connect():
        raise SystemExit('the session is not signed in')
    users = await client.invoke(raw.functions.users.GetUsers(id=[raw.types.InputUserSelf()]))
    elapsed = time.perf_counter_ns() - started
    print(f'answered {elapsed} {users[0].id}', flush=True)
    await client.disconnect()


def pem_numbers(pem):
    """(n, e, fingerprint as a signed 64-bit integer) of a PKCS#1 PEM key.

    Read here, with the standard library, so that the Pyrogram process imports nothing
    Pyrogram itself does not (the `rsa` package is Telethon's).
    """
    import base64
    import hashlib
    import struct
    der = base64.b64decode(''.join(l for l in pem.splitlines() if l and not l.startswith('-----')))

    def read(at):  # one DER element: (its content, where the next one starts)
        length, at = der[at + 1], at + 2
        if length & 0x80:
            size = length & 0x7f
            length, at = int.from_bytes(der[at:at + size], 'big'), at + size
        return der[at:at + length], at + length
    body, _ = read(0)
    der = body
    n_bytes, at = read(0)
    e_bytes, _ = read(at)
    n, e = int.from_bytes(n_bytes, 'big'), int.from_bytes(e_bytes, 'big')

    def tl_bytes(b):
        head = bytes([len(b)]) if len(b) < 254 else b'\xfe' + len(b).to_bytes(3, 'little')
        return head + b + b'\0' * (-(len(head) + len(b)) % 4)

    def big(x):
        return x.to_bytes((x.bit_length() + 7) // 8, 'big')
    digest = hashlib.sha1(tl_bytes(big(n)) + tl_bytes(big(e))).digest()
    return n, e, struct.unpack('<q', digest[-8:])[0]


def child(argv):
    import asyncio
    library, workdir, pem, dcs = child_args(argv)
    start = {'telethon': telethon_start, 'pyrogram': pyrogram_start}[library]
    asyncio.run(start(workdir, pem, dcs))


# --- the driver -----------------------------------------------------------------------

def median(values):
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def timed_start(command, env):
    """Spawns `command`; once it prints its answer, gives (process ms, in-process ms) and
    the user id it answered with."""
    import subprocess
    started = time.perf_counter_ns()
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        while line and not line.startswith('answered '):
            line = proc.stdout.readline()
        process_ns = time.perf_counter_ns() - started
        proc.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise RuntimeError(f'{command[0]} {command[1]} did not exit within {TIMEOUT} s') from None
    if not line.startswith('answered ') or proc.returncode != 0:
        raise RuntimeError(f'{" ".join(command[:3])} failed (exit {proc.returncode}): '
                           f'{line.strip()} {proc.stderr.read().strip()}')
    _, in_process_ns, answered_id = line.split()
    return (process_ns / 1e6, int(in_process_ns) / 1e6), int(answered_id)


def main():
    import argparse
    import asyncio
    import logging
    import subprocess
    import tempfile

    from sessions_check import pyrogram_sign_in, telethon_sign_in, trust_key
    from telethon_check import parse_banner, start_server

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('testdc', help='path to oxigram-testdc')
    ap.add_argument('rust', help='path to the startup_cost example')
    ap.add_argument('-n', type=int, default=20, help='measured starts per library')
    ap.add_argument('--debug', action='store_true', help="show the libraries' debug logs")
    args = ap.parse_args()
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format='%(levelname)s %(name)s: %(message)s')

    server_args = []
    for token in TOKENS.values():
        server_args += ['--bot', token]
    proc, banner = start_server(args.testdc, server_args)
    try:
        with tempfile.TemporaryDirectory(prefix='oxigram-startup-') as root:
            dcs, pem, fingerprint = parse_banner(banner)
            trust_key(pem, fingerprint)
            pem_path = os.path.join(root, 'server.pem')
            with open(pem_path, 'w') as f:
                f.write(pem)
            common = ['--key', pem_path]
            for dc_id, (host, port) in sorted(dcs.items()):
                common += ['--dc', f'{dc_id}={host}:{port}']
            dirs = {library: os.path.join(root, library) for library in LIBRARIES}
            for d in dirs.values():
                os.mkdir(d)

            # One signed-in session file each.
            signed = subprocess.run(
                [args.rust, 'sign-in', *common, '--token', TOKENS['oxigram'], dirs['oxigram']],
                stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=TIMEOUT)
            if signed.returncode != 0 or not signed.stdout.startswith('signed in '):
                raise RuntimeError(f'oxigram sign-in failed: {signed.stdout}{signed.stderr}')
            ids = {'oxigram': int(signed.stdout.split()[2])}
            for library, sign_in in (('telethon', telethon_sign_in),
                                     ('pyrogram', pyrogram_sign_in)):
                account = {'token': TOKENS[library]}
                ids[library], _, _ = asyncio.run(sign_in(library, account, dcs, dirs[library]))
            print(f'signed in: {", ".join(sorted(os.listdir(root)))}', flush=True)

            here = os.path.abspath(__file__)
            commands = {
                'oxigram': [args.rust, 'start', *common, dirs['oxigram']],
                'telethon': [sys.executable, here, 'child', 'telethon', dirs['telethon'], *common],
                'pyrogram': [sys.executable, here, 'child', 'pyrogram', dirs['pyrogram'], *common],
            }
            env = dict(os.environ)
            env.pop('RUST_LOG', None)
            results = {library: [] for library in LIBRARIES}
            for round_no in range(args.n + 1):
                for library in LIBRARIES:
                    measured, answered_id = timed_start(commands[library], env)
                    if answered_id != ids[library]:
                        raise RuntimeError(f'{library} answered as user {answered_id}, '
                                           f'signed in as {ids[library]}')
                    if round_no > 0:  # the first round warms caches up
                        results[library].append(measured)
            report(results, args.n)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def ratio(ours, theirs):
    """`1/5.2` when oxigram takes a fifth of the time, `1.30x` when it takes more."""
    r = ours / theirs
    return f'1/{1 / r:.1f}' if r < 1 else f'{r:.2f}x'


def report(results, n):
    medians = {}
    print(f'\nsaved session to the first answered users.getUsers(self), {n} starts each, '
          f'ms (median, and the middle half):')
    print(f'{"":<10} {"process":>9} {"p25-p75":>15} {"in-process":>11} {"p25-p75":>13}')
    for library, samples in results.items():
        process = sorted(p for p, _ in samples)
        in_process = sorted(i for _, i in samples)
        medians[library] = (median(process), median(in_process))
        q = len(samples) // 4

        def middle(s):
            return f'{s[q]:.1f}-{s[-1 - q]:.1f}'
        print(f'{library:<10} {medians[library][0]:>9.1f} {middle(process):>15} '
              f'{medians[library][1]:>11.1f} {middle(in_process):>13}')
    ours = medians['oxigram']
    for peer in ('telethon', 'pyrogram'):
        theirs = medians[peer]
        print(f'oxigram/{peer}: process {ratio(ours[0], theirs[0])}, '
              f'in-process {ratio(ours[1], theirs[1])}')


if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == 'child':
        child(sys.argv[2:])
    else:
        try:
            main()
        except Exception as e:
            print(f'FAILED: {e}', flush=True)
            raise
