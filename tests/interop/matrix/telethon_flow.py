#!/usr/bin/env python3
"""The interop matrix's flow (steps.txt) with Telethon, any release the venv holds.

Usage: telethon_flow.py PATH/TO/oxigram-testdc
"""
import asyncio
import io
import os
import sys

from telethon import TelegramClient, events
from telethon.crypto import rsa as telethon_rsa
from telethon.sessions import MemorySession
from telethon.tl.alltlobjects import LAYER
from telethon.version import __version__

from dc import (BOT_TOKEN, BOT_USERNAME, FILE_SIZE, TIMEOUT, USER_CODE, USER_DC, USER_PHONE,
                check, run_client)


def make_client(name, dcs):
    session = MemorySession()
    host, port = dcs[USER_DC]
    session.set_dc(USER_DC, host, port)
    # Few retries and no reconnects: a broken server should fail a step fast.
    return TelegramClient(session, api_id=17349, api_hash='any', timeout=TIMEOUT // 2,
                          request_retries=1, connection_retries=1, retry_delay=0,
                          auto_reconnect=False, base_logger=f'telethon.{name}')


def queue_of(client, event):
    q = asyncio.Queue()

    async def put(e):
        q.put_nowait(e)
    client.add_event_handler(put, event)
    return q


async def next_of(q):
    return await asyncio.wait_for(q.get(), TIMEOUT)


async def flow(dc, steps):
    telethon_rsa.add_key(dc.pem, old=False)
    bot, user = make_client('bot', dc.dcs), make_client('user', dc.dcs)
    bot_inbox = queue_of(bot, events.NewMessage(incoming=True))
    user_inbox = queue_of(user, events.NewMessage(incoming=True))
    user_edits = queue_of(user, events.MessageEdited())
    user_deletions = queue_of(user, events.MessageDeleted())
    ctx = {}

    async def bot_sign_in():
        await bot.connect()
        await bot.sign_in(bot_token=BOT_TOKEN)
        me = await bot.get_me()
        check(me.bot and me.username == BOT_USERNAME, f'get_me is {me!r}')
        ctx['bot'] = me

    async def user_sign_in():
        await user.connect()
        sent = await user.send_code_request(USER_PHONE)
        await user.sign_in(USER_PHONE, USER_CODE, phone_code_hash=sent.phone_code_hash)
        me = await user.get_me()
        check(not me.bot and me.first_name == 'Test', f'get_me is {me!r}')
        ctx['user'] = me

    async def user_to_bot():
        ctx['bot_peer'] = await user.get_input_entity('@' + BOT_USERNAME)
        await user.send_message(ctx['bot_peer'], '/start')
        event = await next_of(bot_inbox)
        check(event.raw_text == '/start', f'the bot got {event.raw_text!r}')
        check(event.sender_id == ctx['user'].id, f'from {event.sender_id}')
        ctx['user_peer'] = await event.get_input_sender()

    async def bot_to_user():
        sent = await bot.send_message(ctx['user_peer'], 'hello')
        event = await next_of(user_inbox)
        check(event.raw_text == 'hello', f'the user got {event.raw_text!r}')
        check(event.sender_id == ctx['bot'].id, f'from {event.sender_id}')
        ctx['sent'], ctx['received'] = sent, event.message

    async def file():
        data = os.urandom(FILE_SIZE)
        f = io.BytesIO(data)
        f.name = 'matrix.bin'
        await user.send_file(ctx['bot_peer'], f, force_document=True)
        event = await next_of(bot_inbox)
        check(event.message.document is not None, f'no document in {event.message!r}')
        got = await bot.download_media(event.message, file=bytes)
        check(got == data, f'{len(got or b"")} bytes came back for {len(data)}')

    async def edit():
        await bot.edit_message(ctx['user_peer'], ctx['sent'].id, 'hello, edited')
        event = await next_of(user_edits)
        check(event.raw_text == 'hello, edited', f'the user saw {event.raw_text!r}')
        check(event.message.id == ctx['received'].id, f'edit of {event.message.id}')

    async def delete():
        await bot.delete_messages(ctx['user_peer'], [ctx['sent'].id], revoke=True)
        event = await next_of(user_deletions)
        check(ctx['received'].id in event.deleted_ids, f'deleted {event.deleted_ids}')

    for step in (bot_sign_in, user_sign_in, user_to_bot, bot_to_user, file, edit, delete):
        await steps.run(step.__name__, step)
    for client in (bot, user):
        try:
            await asyncio.wait_for(client.disconnect(), 5)
        except Exception as e:  # the server is stopped next anyway
            print(f'note: {client} did not disconnect cleanly: {e}', file=sys.stderr)


def main():
    run_client(f'Telethon {__version__} layer {LAYER}', flow)


if __name__ == '__main__':
    main()
