#!/usr/bin/env python3
"""Bot API file ids: oxigram's against Pyrogram's (the kurigram fork; module `pyrogram`).

Usage: file_ids_check.py < cases.json > answers.json

Reads {"file_ids": [{"id": ..., "fields": {...}}], "unique_ids": [...]}: each id as
oxigram wrote it, with its fields as `oxigram file-id decode --json` prints them.
  1. Pyrogram decodes every id oxigram wrote and must find the same fields.
  2. Pyrogram encodes every id from those fields; the strings are written out (as
     {"file_ids": [...], "unique_ids": [...]}, null where Pyrogram cannot write one)
     for oxigram to decode and compare.
The first mismatch is printed to standard error and the exit status is 1.
Run by tests/file_ids.rs with the interop venv's Python.
"""
import json
import struct
import sys

from pyrogram.file_id import FileId, FileType, FileUniqueId, FileUniqueType, ThumbnailSource


class Mismatch(Exception):
    pass


def expect(what, ours, theirs, text):
    if ours != theirs:
        raise Mismatch(f'{text}: {what} is {theirs!r} for Pyrogram, {ours!r} for oxigram')


def file_type(name):
    return FileType[name.upper()]


def pyrogram_kwargs(fields):
    """The keyword arguments of Pyrogram's FileId for oxigram's fields."""
    kwargs = {
        'major': fields['major'],
        'minor': fields['minor'],
        'file_type': file_type(fields['file_type']),
        'dc_id': fields['dc_id'],
        'file_reference': bytes.fromhex(fields['file_reference']),
    }
    if 'url' in fields:
        kwargs['url'] = fields['url']
        kwargs['access_hash'] = fields['access_hash']
        return kwargs
    kwargs['media_id'] = fields['media_id']
    kwargs['access_hash'] = fields['access_hash']
    if 'thumbnail_source' not in fields:
        return kwargs
    kwargs['thumbnail_source'] = ThumbnailSource(fields['thumbnail_source'])
    # Pyrogram holds one volume and local id: the ones beside the source when the
    # version has them, else the legacy source's own.
    if 'volume_id' in fields:
        kwargs['volume_id'] = fields['volume_id']
        kwargs['local_id'] = fields['local_id']
    elif 'source_volume_id' in fields:
        kwargs['volume_id'] = fields['source_volume_id']
        kwargs['local_id'] = fields['source_local_id']
    for key in ('secret', 'thumbnail_size', 'chat_id', 'chat_access_hash', 'sticker_set_id',
                'sticker_set_access_hash', 'sticker_set_version'):
        if key in fields:
            kwargs[key] = fields[key]
    if 'thumbnail_file_type' in fields:
        kwargs['thumbnail_file_type'] = file_type(fields['thumbnail_file_type'])
    return kwargs


def check_file_id(case):
    text, fields = case['id'], case['fields']
    decoded = FileId.decode(text)
    for key, value in pyrogram_kwargs(fields).items():
        theirs = getattr(decoded, key)
        if key == 'thumbnail_file_type':
            theirs = FileType(theirs)
        expect(key, value, theirs, text)
    if 'url' in fields:
        # Pyrogram writes no web ids (it has no media id to write after the URL).
        return None
    if fields['major'] < 4:
        # Nor ids of the old versions, which have no sub-version byte.
        return None
    return FileId(**pyrogram_kwargs(fields)).encode()


def unique_kwargs(fields):
    kind = fields['unique_type']
    if kind == 'photo':
        return {'file_unique_type': FileUniqueType.PHOTO, 'volume_id': fields['volume_id'],
                'local_id': fields['local_id']}
    if kind == 'document':
        return {'file_unique_type': FileUniqueType.DOCUMENT, 'media_id': fields['media_id']}
    raise Mismatch(f'Pyrogram has no unique id of the {kind} form')


def check_unique_id(case):
    text, kwargs = case['id'], unique_kwargs(case['fields'])
    decoded = FileUniqueId.decode(text)
    for key, value in kwargs.items():
        expect(key, value, getattr(decoded, key), text)
    return FileUniqueId(**kwargs).encode()


def main():
    cases = json.load(sys.stdin)
    try:
        answers = {
            'file_ids': [check_file_id(case) for case in cases['file_ids']],
            'unique_ids': [check_unique_id(case) for case in cases['unique_ids']],
        }
    except Mismatch as e:
        print(f'mismatch: {e}', file=sys.stderr)
        return 1
    except (ValueError, TypeError, KeyError, struct.error) as e:
        print(f'Pyrogram failed: {e!r}', file=sys.stderr)
        return 1
    json.dump(answers, sys.stdout)
    print()
    print(f"checked {len(answers['file_ids'])} file ids and {len(answers['unique_ids'])} "
          'unique ids', file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
