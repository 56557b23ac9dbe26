#!/usr/bin/env python3
"""Upload and download rates of one file: oxigram beside Telethon (with cryptg) and
Pyrogram (the kurigram fork, with TgCrypto) against one test DC, and the AES-256-IGE
rate of the same machine in the same run.

Usage: file_bench.py PATH/TO/oxigram-testdc PATH/TO/file_rate [--size SIZE]
                     [--only LIBRARY,...]

  1. Starts the test DC (its own process, on loopback) with one user per library, all
     homed on DC 2, and writes a file of SIZE random bytes (256M by default; K, M and G
     are binary units).
  2. Measures AES-256-IGE over SIZE bytes with the protocol crate (`file_rate ige`):
     encryption for uploads, decryption for downloads; every request and answer of a
     transfer goes through it once.
  3. Runs each library in a process of its own, in turn: sign in by phone and code, send
     the file as a document to Saved Messages (the upload: from the call to the sent
     message), download that message's document to a file (the download: from the call
     to the file written). Each library runs with its defaults, as its users run it.
     Every downloaded file is compared with the one sent.
  4. Prints MB/s (10^6 bytes a second) and the ratios oxigram/Telethon,
     oxigram/Pyrogram and oxigram/AES-IGE, and the CPU seconds per second the test DC
     and each client process used over that process's life (sign-in included): a test
     DC near the machine's cores means the rate measured is partly the server's.

`file_bench.py child LIBRARY PHONE FILE OUT --key PEM_FILE --dc ID=IP:PORT ...` is one
Python transfer (LIBRARY is `telethon` or `pyrogram`); the driver spawns it and reads
`upload NANOSECONDS` and `download NANOSECONDS` from it, as from `file_rate transfer`.
"""
import os
import sys
import time

API_ID = 17349          # the same as the Rust side's
API_HASH = 'interop'
TIMEOUT = 1800          # seconds for any one library's upload and download
# One user per library, each homed on DC 2 (a test number 99966XYYYY lives on DC X and
# signs in with the code X five times), so that every transfer stays on one DC.
PHONES = {
    'oxigram': '9996620001',
    'telethon': '9996620002',
    'pyrogram': '9996620003',
}
LIBRARIES = tuple(PHONES)


def parse_size(text):
    units = {'': 1, 'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30}
    digits = text.rstrip('KMG')
    unit = text[len(digits):]
    if not digits.isdigit() or unit not in units or int(digits) == 0:
        raise SystemExit(f'--size {text}: expected a positive number and K, M or G')
    return int(digits) * units[unit]


# --- one library's transfer, in a process of its own ---------------------------------

def child_args(argv):
    library, phone, path, out, rest = argv[0], argv[1], argv[2], argv[3], argv[4:]
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
    return library, phone, path, out, pem, dcs


async def telethon_transfer(phone, path, out, pem, dcs):
    from telethon import TelegramClient
    from telethon.crypto import aes as telethon_aes
    from telethon.crypto import rsa as telethon_rsa
    from telethon.sessions import MemorySession

    if telethon_aes.cryptg is None:
        raise SystemExit('cryptg is not installed: Telethon would encrypt in Python')
    telethon_rsa.add_key(pem, old=False)
    session = MemorySession()
    host, port = dcs[2]
    session.set_dc(2, host, port)
    client = TelegramClient(session, api_id=API_ID, api_hash=API_HASH,
                            receive_updates=False)
    await client.connect()
    sent = await client.send_code_request(phone)
    await client.sign_in(phone, phone[5] * 5, phone_code_hash=sent.phone_code_hash)

    started = time.perf_counter_ns()
    message = await client.send_file('me', path, force_document=True)
    print(f'upload {time.perf_counter_ns() - started}', flush=True)

    started = time.perf_counter_ns()
    written = await client.download_media(message, file=out)
    elapsed = time.perf_counter_ns() - started
    check_written(written, path)
    print(f'download {elapsed}', flush=True)
    await client.disconnect()


async def pyrogram_transfer(phone, path, out, pem, dcs):
    import tempfile

    from pyrogram import Client
    from pyrogram.connection import Connection
    from pyrogram.crypto import aes as pyrogram_aes
    from pyrogram.crypto import rsa as pyrogram_rsa

    from startup_bench import pem_numbers

    if getattr(pyrogram_aes, 'tgcrypto', None) is None:
        raise SystemExit('TgCrypto is not installed: Pyrogram would encrypt in Python')
    n, e, fingerprint = pem_numbers(pem)
    pyrogram_rsa.server_public_keys[fingerprint] = pyrogram_rsa.PublicKey(n, e)

    class TestDcConnection(Connection):
        # Pyrogram would dial Telegram's own address for a DC.
        def __init__(self, dc_id, server_address, port, *args, **kwargs):
            host, test_port = dcs[dc_id]
            super().__init__(dc_id, host, test_port, *args, **kwargs)

    with tempfile.TemporaryDirectory(prefix='oxigram-file-bench-') as workdir:
        client = Client('files', api_id=API_ID, api_hash=API_HASH, test_mode=True,
                        workdir=workdir, in_memory=True, no_updates=True,
                        connection_factory=TestDcConnection)
        await client.connect()
        sent = await client.send_code(phone)
        await client.sign_in(phone, sent.phone_code_hash, phone[5] * 5)

        started = time.perf_counter_ns()
        message = await client.send_document('me', path)
        print(f'upload {time.perf_counter_ns() - started}', flush=True)

        started = time.perf_counter_ns()
        written = await client.download_media(message, file_name=out)
        elapsed = time.perf_counter_ns() - started
        check_written(written, path)
        print(f'download {elapsed}', flush=True)
        await client.disconnect()


def check_written(written, path):
    if not written or os.path.getsize(written) != os.path.getsize(path):
        raise SystemExit(f'the download wrote {written!r}, not the {os.path.getsize(path)} '
                         'bytes sent')


def child(argv):
    import asyncio
    library, phone, path, out, pem, dcs = child_args(argv)
    transfer = {'telethon': telethon_transfer, 'pyrogram': pyrogram_transfer}[library]
    asyncio.run(transfer(phone, path, out, pem, dcs))


# --- the driver -------------------------------------------------------------------------

def start_server(binary):
    """The test DC, its banner (up to `ready`) read."""
    import subprocess
    args = [binary, '--seed', '1']
    for phone in PHONES.values():
        args += ['--user', phone]
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    banner = []
    for line in proc.stdout:
        line = line.rstrip('\n')
        if line == 'ready':
            return proc, banner
        banner.append(line)
    raise SystemExit(f'the test DC exited before "ready" ({proc.wait()})')


def cpu_seconds(pid):
    """User plus system CPU time of process `pid` (all its threads) so far."""
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def children_cpu_seconds():
    import resource
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command, what, env):
    """Runs one process; gives the `NAME NANOSECONDS` lines it printed, in seconds."""
    import subprocess
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, env=env, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise SystemExit(f'{what} did not finish within {TIMEOUT} s') from None
    if done.returncode != 0:
        raise SystemExit(f'{what} failed (exit {done.returncode}):\n{done.stdout}{done.stderr}')
    times = {}
    for line in done.stdout.splitlines():
        words = line.split()
        if len(words) == 2 and words[1].isdigit():
            times[words[0]] = int(words[1]) / 1e9
    return times


def same_file(a, b):
    """Whether two files hold the same bytes (read 1 MiB at a time)."""
    if os.path.getsize(a) != os.path.getsize(b):
        return False
    with open(a, 'rb') as fa, open(b, 'rb') as fb:
        while True:
            ca, cb = fa.read(1 << 20), fb.read(1 << 20)
            if ca != cb:
                return False
            if not ca:
                return True


def main():
    import argparse
    import tempfile

    from sessions_check import trust_key
    from telethon_check import parse_banner

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('testdc', help='path to oxigram-testdc')
    ap.add_argument('rust', help='path to the file_rate example')
    ap.add_argument('--size', default='256M', help='the file size (K, M, G: binary units)')
    ap.add_argument('--only', default=','.join(LIBRARIES),
                    help='the libraries to run, comma-separated')
    args = ap.parse_args()
    size = parse_size(args.size)
    libraries = [library for library in LIBRARIES if library in args.only.split(',')]
    mb = size / 1e6

    print(f'load average before: {os.getloadavg()[0]:.2f}', flush=True)
    server, banner = start_server(args.testdc)
    rates, loads = {}, {}
    try:
        with tempfile.TemporaryDirectory(prefix='oxigram-file-bench-') as workdir:
            dcs, pem, fingerprint = parse_banner(banner)
            trust_key(pem, fingerprint)
            key_file = os.path.join(workdir, 'server.pem')
            with open(key_file, 'w') as f:
                f.write(pem)
            dc_args = []
            for dc_id, (host, port) in sorted(dcs.items()):
                dc_args += ['--dc', f'{dc_id}={host}:{port}']
            source = os.path.join(workdir, 'source.bin')
            with open(source, 'wb') as f:
                left = size
                while left:
                    chunk = min(left, 1 << 20)
                    f.write(os.urandom(chunk))
                    left -= chunk
            env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.abspath(__file__)))
            env.pop('RUST_LOG', None)

            ige = run([args.rust, 'ige', str(size)], 'AES-IGE', env)
            rates['AES-256-IGE'] = (mb / ige['encrypt'], mb / ige['decrypt'])
            print(f'AES-256-IGE: encrypt {rates["AES-256-IGE"][0]:,.0f} MB/s, '
                  f'decrypt {rates["AES-256-IGE"][1]:,.0f} MB/s', flush=True)
            for library in libraries:
                out = os.path.join(workdir, f'{library}.bin')
                if library == 'oxigram':
                    command = [args.rust, 'transfer']
                else:
                    command = [sys.executable, os.path.abspath(__file__), 'child', library]
                command += [PHONES[library], source, out, '--key', key_file, *dc_args]
                cpu_before = cpu_seconds(server.pid), children_cpu_seconds()
                started = time.perf_counter()
                times = run(command, library, env)
                wall = time.perf_counter() - started
                loads[library] = ((cpu_seconds(server.pid) - cpu_before[0]) / wall,
                                  (children_cpu_seconds() - cpu_before[1]) / wall)
                if not same_file(source, out):
                    raise SystemExit(f'{library} downloaded other bytes than it sent')
                os.remove(out)
                rates[library] = (mb / times['upload'], mb / times['download'])
                print(f'{library}: upload {rates[library][0]:,.1f} MB/s, '
                      f'download {rates[library][1]:,.1f} MB/s, CPU s/s: test DC '
                      f'{loads[library][0]:.2f}, client {loads[library][1]:.2f}', flush=True)
    finally:
        server.terminate()
        server.wait()
    print(f'load average after: {os.getloadavg()[0]:.2f}')
    report(rates, loads, size, libraries)


def report(rates, loads, size, libraries):
    print(f'\n{size:,} bytes ({size / (1 << 20):g} MiB), one run, MB/s = 10^6 bytes/s:')
    print(f'  {"":14} {"upload":>10} {"download":>10}   CPU s/s: test DC, client')
    for name in ('AES-256-IGE', *libraries):
        up, down = rates[name]
        label = name if name != 'AES-256-IGE' else 'AES-256-IGE *'
        load = f'   {loads[name][0]:>16.2f} {loads[name][1]:>7.2f}' if name in loads else ''
        print(f'  {label:14} {up:>10,.1f} {down:>10,.1f}{load}')
    print('  * upload: encryption, download: decryption')
    if 'oxigram' not in rates:
        return
    ours = rates['oxigram']
    print('ratios:')
    for name, label in (('telethon', 'Telethon'), ('pyrogram', 'Pyrogram'),
                        ('AES-256-IGE', 'AES-IGE')):
        if name in rates:
            up, down = rates[name]
            print(f'  oxigram / {label:9} {ours[0] / up:>8.2f}x {ours[1] / down:>9.2f}x')


if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == 'child':
        child(sys.argv[2:])
    else:
        main()
