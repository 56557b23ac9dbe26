#!/usr/bin/env python3
"""Session interop: Telethon and Pyrogram sessions taken over by oxigram, and back.

Usage: sessions_check.py PATH/TO/oxigram-testdc PATH/TO/session_interop [--debug]

Against one test DC:
  1. Telethon and Pyrogram (the kurigram fork; its module is `pyrogram`) each sign in a
     bot by token and a user by phone and code, into a `.session` file, and call
     get_me and users.getFullUser; each session is also saved as the library's string.
  2. The Rust side (examples/session_interop.rs) starts a client from every string and
     from every file, must be signed in without signing in again, calls
     users.getFullUser on itself, and hands each session back as Pyrogram's and as
     Telethon's string and file.
  3. Both libraries load every string and file oxigram wrote and must be signed in as
     the same account on the same DC (get_me, users.getFullUser).
Each step prints "step N: ... ok"; the first failure prints what failed and exits 1.
"""
import argparse
import asyncio
import contextlib
import logging
import os
import subprocess
import sys
import tempfile
import traceback

import rsa
from pyrogram import Client as PyrogramClient
from pyrogram import raw as pyrogram_raw
from pyrogram.connection import Connection as PyrogramConnection
from pyrogram.crypto import rsa as pyrogram_rsa
from telethon import TelegramClient
from telethon.crypto import rsa as telethon_rsa
from telethon.sessions import SQLiteSession, StringSession
from telethon.tl import functions as telethon_functions
from telethon.tl import types as telethon_types

from telethon_check import StepFailed, check, describe, fingerprint_of, parse_banner, start_server

API_ID = 17349          # the same as the Rust side's
API_HASH = 'interop'
TIMEOUT = 20            # seconds; no single Python step may take longer
RUST_TIMEOUT = 60       # the Rust side takes over every session in one run

# One account per library and kind, so that a session that came back as the wrong
# account shows. A test number 99966XYYYY lives on DC X and its code is X five times:
# both users start on DC 2 and are sent home, so their sessions name DCs 1 and 3.
ACCOUNTS = {
    'telethon-bot': {'token': '7000001:telethon-interop'},
    'telethon-user': {'phone': '9996611111', 'code': '11111', 'dc': 1},
    'pyrogram-bot': {'token': '7000002:pyrogram-interop'},
    'pyrogram-user': {'phone': '9996633333', 'code': '33333', 'dc': 3},
}


def server_args():
    args = []
    for account in ACCOUNTS.values():
        args += ['--bot', account['token']] if 'token' in account else ['--user', account['phone']]
    return args


async def step(n, name, fn):
    print(f'step {n}: {name} ...', flush=True)
    try:
        result = await asyncio.wait_for(fn(), TIMEOUT)
    except asyncio.TimeoutError:
        raise StepFailed(f'step {n} ({name}) timed out after {TIMEOUT} s') from None
    except StepFailed as e:
        raise StepFailed(f'step {n} ({name}) failed: {e}') from None
    except Exception as e:
        raise StepFailed(f'step {n} ({name}) failed: {describe(e)}') from e
    print(f'step {n}: {name} ok', flush=True)
    return result


# --- Telethon ---------------------------------------------------------------

def telethon_client(session):
    # Few retries and no reconnects: a broken server should fail a step fast.
    return TelegramClient(
        session, api_id=API_ID, api_hash=API_HASH,
        timeout=TIMEOUT // 2, request_retries=1, connection_retries=1,
        retry_delay=0, auto_reconnect=False)


async def telethon_check_self(client, expected=None):
    """get_me and users.getFullUser on self agree (and name `expected`, if given)."""
    me = await client.get_me()
    check(me is not None, 'get_me() returned None: not signed in')
    full = await client(telethon_functions.users.GetFullUserRequest(telethon_types.InputUserSelf()))
    check(full.full_user.id == me.id, f'users.getFullUser(self) is {full.full_user.id}, get_me {me.id}')
    if expected is not None:
        check(me.id == expected, f'signed in as {me.id}, expected {expected}')
    return me


async def telethon_sign_in(label, account, dcs, workdir):
    """Signs in into a .session file; returns (user id, DC, the session as a string)."""
    session = SQLiteSession(os.path.join(workdir, label))
    host, port = dcs[2]
    session.set_dc(2, host, port)
    client = telethon_client(session)
    try:
        await client.connect()
        if 'token' in account:
            await client.sign_in(bot_token=account['token'])
        else:
            sent = await client.send_code_request(account['phone'])
            await client.sign_in(account['phone'], account['code'],
                                 phone_code_hash=sent.phone_code_hash)
        me = await telethon_check_self(client)
        check(me.bot == ('token' in account), f'get_me().bot is {me.bot}')
        return me.id, client.session.dc_id, StringSession.save(client.session)
    finally:
        await client.disconnect()


async def telethon_load(session, expected, dc_id, dcs):
    """Runs Telethon on a session oxigram wrote: it must name the test DC's address."""
    check(session.dc_id == dc_id, f'the session names DC {session.dc_id}, expected {dc_id}')
    address = (session.server_address, session.port)
    # Checked before connecting: Telethon dials whatever address it is given.
    check(address == dcs[dc_id], f'the session names {address} for DC {dc_id}, not {dcs[dc_id]}')
    client = telethon_client(session)
    try:
        await client.connect()
        check(await client.is_user_authorized(), 'the session is not signed in')
        await telethon_check_self(client, expected)
    finally:
        await client.disconnect()


# --- Pyrogram ---------------------------------------------------------------

def pyrogram_connection(dcs):
    """A Connection that reaches the test DC's DC N wherever Pyrogram thinks DC N is.

    Pyrogram fills in Telegram's own addresses (for a new session and for every session
    string, on port 80 in test mode); the test DC's addresses are known only at run time.
    """
    class TestDcConnection(PyrogramConnection):
        def __init__(self, dc_id, server_address, port, *args, **kwargs):
            check(dc_id in dcs, f'Pyrogram asked for DC {dc_id}, the test DC has {sorted(dcs)}')
            host, test_port = dcs[dc_id]
            super().__init__(dc_id, host, test_port, *args, **kwargs)
    return TestDcConnection


def pyrogram_client(label, dcs, **kwargs):
    return PyrogramClient(
        label, api_id=API_ID, api_hash=API_HASH, test_mode=True,
        connection_factory=pyrogram_connection(dcs), no_updates=True, **kwargs)


async def pyrogram_check_self(client, expected=None):
    me = await client.get_me()  # itself users.getFullUser(self)
    full = await client.invoke(pyrogram_raw.functions.users.GetFullUser(
        id=pyrogram_raw.types.InputUserSelf()))
    check(full.full_user.id == me.id, f'users.getFullUser(self) is {full.full_user.id}, get_me {me.id}')
    if expected is not None:
        check(me.id == expected, f'signed in as {me.id}, expected {expected}')
    return me


async def pyrogram_sign_in(label, account, dcs, workdir):
    """Signs in into a .session file; returns (user id, DC, the session as a string)."""
    client = pyrogram_client(label, dcs, workdir=workdir)
    try:
        check(not await client.connect(), 'a new session is already signed in')
        # A new session holds Telegram's address for DC 2: keep the test DC's in the file
        # instead (a DC the account moves to is stored as help.getConfig lists it).
        host, port = dcs[await client.storage.dc_id()]
        await client.storage.server_address(host)
        await client.storage.port(port)
        if 'token' in account:
            await client.sign_in_bot(account['token'])
        else:
            sent = await client.send_code(account['phone'])
            signed = await client.sign_in(account['phone'], sent.phone_code_hash, account['code'])
            check(getattr(signed, 'id', None) is not None, f'sign_in returned {signed!r}')
        me = await pyrogram_check_self(client)
        check(me.is_bot == ('token' in account), f'get_me().is_bot is {me.is_bot}')
        return me.id, await client.storage.dc_id(), await client.export_session_string()
    finally:
        if client.is_connected:
            await client.disconnect()


async def pyrogram_load(client, expected, dc_id, dcs, file=False):
    """Runs Pyrogram on a session oxigram wrote (a file must name the test DC's address)."""
    try:
        check(await client.connect(), 'the session is not signed in')
        home = await client.storage.dc_id()
        check(home == dc_id, f'the session names DC {home}, expected {dc_id}')
        if file:
            address = (await client.storage.server_address(), await client.storage.port())
            check(address == dcs[dc_id], f'the file names {address} for DC {dc_id}, not {dcs[dc_id]}')
        await pyrogram_check_self(client, expected)
    finally:
        if client.is_connected:
            await client.disconnect()


# --- the check --------------------------------------------------------------

SIGN_IN = {'telethon': telethon_sign_in, 'pyrogram': pyrogram_sign_in}


async def sign_in_all(dcs, workdir, n):
    ids = {}
    for label, account in ACCOUNTS.items():
        library = label.split('-')[0]
        kind = 'bot by token' if 'token' in account else 'user by phone and code'

        async def sign_in(label=label, account=account, library=library):
            return await SIGN_IN[library](label, account, dcs, workdir)
        user_id, dc_id, string = await step(
            n, f'{library} signs a {kind} in; get_me, getFullUser', sign_in)
        check(dc_id == account.get('dc', dc_id), f'{label} is on DC {dc_id}, not {account.get("dc")}')
        check(os.path.getsize(os.path.join(workdir, f'{label}.session')) > 0,
              f'{library} wrote no {label}.session')
        with open(os.path.join(workdir, f'{label}.in'), 'w') as f:
            f.write(f'{user_id} {dc_id} {string}\n')
        ids[label] = (user_id, dc_id)
        n += 1
    return ids, n


def run_rust(binary, pem, dcs, workdir, n):
    name = 'oxigram takes over every string and file without signing in; getFullUser; exports'
    print(f'step {n}: {name} ...', flush=True)
    pem_path = os.path.join(workdir, 'server.pem')
    with open(pem_path, 'w') as f:
        f.write(pem)
    command = [binary, '--key', pem_path]
    for dc_id, (host, port) in sorted(dcs.items()):
        command += ['--dc', f'{dc_id}={host}:{port}']
    command.append(workdir)
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=RUST_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise StepFailed(f'step {n} ({name}) timed out after {RUST_TIMEOUT} s') from None
    for line in (done.stdout + done.stderr).splitlines():
        print(f'  {line}', flush=True)
    check(done.returncode == 0, f'step {n} ({name}) failed: exit code {done.returncode}')
    print(f'step {n}: {name} ok', flush=True)


async def load_all(ids, dcs, workdir, n):
    for label, (user_id, dc_id) in ids.items():
        for fmt in ('telethon', 'pyrogram'):
            with open(os.path.join(workdir, f'{label}.{fmt}')) as f:
                string = f.read().strip()
            path = os.path.join(workdir, f'{label}-as-{fmt}.session')

            async def load_string(fmt=fmt, string=string, user_id=user_id, dc_id=dc_id):
                if fmt == 'telethon':
                    await telethon_load(StringSession(string), user_id, dc_id, dcs)
                else:
                    client = pyrogram_client('loaded', dcs, session_string=string, in_memory=True)
                    await pyrogram_load(client, user_id, dc_id, dcs)

            async def load_file(fmt=fmt, path=path, user_id=user_id, dc_id=dc_id):
                check(os.path.exists(path), f'oxigram wrote no {path}')
                if fmt == 'telethon':
                    await telethon_load(SQLiteSession(path), user_id, dc_id, dcs)
                else:
                    name = os.path.basename(path)[:-len('.session')]
                    client = pyrogram_client(name, dcs, workdir=workdir)
                    await pyrogram_load(client, user_id, dc_id, dcs, file=True)

            await step(n, f"{fmt} loads oxigram's {fmt} string of {label}; get_me, getFullUser",
                       load_string)
            await step(n + 1, f"{fmt} opens oxigram's {fmt} file of {label}; get_me, getFullUser",
                       load_file)
            n += 2
    return n


def trust_key(pem, fingerprint):
    key = rsa.PublicKey.load_pkcs1(pem.encode())
    check(fingerprint_of(key) == fingerprint,
          f'server says fingerprint {fingerprint}, key hashes to {fingerprint_of(key)}')
    telethon_rsa.add_key(pem, old=False)
    # Pyrogram looks keys up by the fingerprint as a signed 64-bit integer.
    signed = int(fingerprint, 16)
    signed -= (1 << 64) if signed >= (1 << 63) else 0
    pyrogram_rsa.server_public_keys[signed] = pyrogram_rsa.PublicKey(key.n, key.e)


@contextlib.contextmanager
def workspace(keep):
    if keep is None:
        with tempfile.TemporaryDirectory(prefix='oxigram-sessions-') as workdir:
            yield workdir
    else:
        os.makedirs(keep, exist_ok=True)
        check(not os.listdir(keep), f'{keep} is not empty')
        yield keep


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('testdc', help='path to oxigram-testdc')
    ap.add_argument('rust', help='path to the session_interop example')
    ap.add_argument('--debug', action='store_true', help="show the libraries' debug logs")
    ap.add_argument('--keep', metavar='DIR',
                    help='work in DIR (new or empty) and keep the sessions there')
    args = ap.parse_args()
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format='%(levelname)s %(name)s: %(message)s')

    proc = None
    try:
        with workspace(args.keep) as workdir:
            print('step 1: start the test DC ...', flush=True)
            proc, banner = start_server(args.testdc, server_args())
            dcs, pem, fingerprint = parse_banner(banner)
            check(2 in dcs, f'no DC 2 in {dcs}')
            print(f'step 1: start the test DC ok ({dcs})', flush=True)

            print('step 2: trust the server key ...', flush=True)
            trust_key(pem, fingerprint)
            print('step 2: trust the server key ok', flush=True)

            ids, n = asyncio.run(sign_in_all(dcs, workdir, 3))
            run_rust(args.rust, pem, dcs, workdir, n)
            asyncio.run(load_all(ids, dcs, workdir, n + 1))
    except Exception as e:
        if isinstance(e, StepFailed):
            print(f'FAILED: {e}', flush=True)
            if e.__cause__ is not None:
                traceback.print_exception(e.__cause__)
        else:
            print(f'FAILED: {describe(e)}', flush=True)
            traceback.print_exc()
        sys.exit(1)
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    print('session interop: ok', flush=True)


if __name__ == '__main__':
    main()
