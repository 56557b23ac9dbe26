//! File ids the Bot API handed out, read and written back byte for byte, and property
//! tests of the coding.

use super::*;
use crate::tl::{enums, types};
use proptest::prelude::*;

/// Real ids as bots received them, with their unique ids.
const BOT_API: &[(&str, &str)] = &[
    // A sticker (4.24).
    (
        "CAACAgQAAxkBAAIFDF6YtEvR0cUHdlqq6W9IN3pDroKzAAKIAAOI_8AV6TJIsFy4Oc8YBA",
        "AgADiAADiP_AFQ",
    ),
    // A video (4.54).
    (
        "BAACAgQAAxkDAAMUaAUz0xMkTfAt6U5fpThEhdoNLWYAAqYHAAKpO_xTHX5XZpe5yrI2BA",
        "AgADpgcAAqk7_FM",
    ),
    // A sticker (4.54).
    (
        "CAACAgIAAxkBAAIJT2cP5ms79lnTRUsqfv850DXOU2d7AAKGAwACRxVoCX0Sfg8K8IGWNgQ",
        "AgADhgMAAkcVaAk",
    ),
];

#[test]
fn bot_api_ids_read_and_write_back_unchanged() {
    for (text, unique) in BOT_API {
        let id = FileId::decode(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(id.encode().as_deref(), Ok(*text));
        assert_eq!(id.unique_id().map(|u| u.encode()).as_deref(), Ok(*unique));
        let read = FileUniqueId::decode(unique).unwrap();
        assert_eq!(read.encode(), *unique);
        assert_eq!(Ok(read), id.unique_id());
    }
    let sticker = FileId::decode(BOT_API[0].0).unwrap();
    assert_eq!((sticker.major, sticker.sub_version), (4, 24));
    assert_eq!((sticker.file_type, sticker.dc_id), (FileType::Sticker, 4));
    assert_eq!(sticker.file_reference.len(), 25);
    let video = FileId::decode(BOT_API[1].0).unwrap();
    assert_eq!((video.file_type, video.sub_version), (FileType::Video, 54));
}

#[test]
fn a_sticker_thumbnail_of_4_24_carries_its_volume_and_is_named_by_it() {
    // The thumbnail of the first sticker above, as the Bot API gave it in 2020.
    let text = "AAMCBAADGQEAAgUMXpi0S9HRxQd2Wqrpb0g3ekOugrMAAogAA4j_wBXpMkiwXLg5zwABbeAZAAQBAAdtAAM3NQACGAQ";
    let id = FileId::decode(text).unwrap();
    assert_eq!((id.file_type, id.sub_version), (FileType::Thumbnail, 24));
    let sticker = FileId::decode(BOT_API[0].0).unwrap();
    let (
        FileIdLocation::Photo {
            id: thumb_of,
            volume,
            source,
            ..
        },
        FileIdLocation::Common { id: sticker_id, .. },
    ) = (&id.location, &sticker.location)
    else {
        panic!("a thumbnail of a document: {id:?}");
    };
    assert_eq!(thumb_of, sticker_id);
    assert_eq!(
        *source,
        PhotoSizeSource::Thumbnail {
            file_type: FileType::Thumbnail,
            thumbnail_type: 'm'
        }
    );
    assert!(volume.is_some_and(|v| v.volume_id != 0));
    assert_eq!(id.encode().as_deref(), Ok(text));
    assert_eq!(
        id.unique_id().map(|u| u.encode()).as_deref(),
        Ok("AQAEbeAZAAQ3NQAC")
    );
    // Downloaded as the document's thumbnail.
    assert!(matches!(
        id.input_location(),
        Ok(enums::InputFileLocation::InputDocumentFileLocation(l)) if l.thumb_size == "m"
    ));
}

#[test]
fn a_current_photo_id_has_no_volume() {
    // A photo's size `m` (4.54), as the Bot API writes photos since 4.32.
    let text =
        "AgACAgIAAxkBAAIENGfeY4AfRquwTL2LpDrzqvFMVNt_AAIG9DEbXX3wSq3oI7t_PqQGAQADAgADbQADNgQ";
    let id = FileId::decode(text).unwrap();
    assert_eq!(id.file_type, FileType::Photo);
    let FileIdLocation::Photo { volume, source, .. } = id.location else {
        panic!("a photo location: {id:?}");
    };
    assert_eq!(volume, None);
    assert_eq!(
        source,
        PhotoSizeSource::Thumbnail {
            file_type: FileType::Photo,
            thumbnail_type: 'm'
        }
    );
    assert_eq!(id.encode().as_deref(), Ok(text));
    // 'm' is 109, plus 5.
    assert!(matches!(
        id.unique_id(),
        Ok(FileUniqueId::PhotoSize { size: 114, .. })
    ));
}

#[test]
fn a_sticker_thumbnail_unique_id_is_the_sticker_id_and_a_size_byte() {
    // The thumbnail (size `m`) of the third sticker above.
    let unique = FileUniqueId::decode("AQADhgMAAkcVaAly").unwrap();
    let FileIdLocation::Common { id, .. } = FileId::decode(BOT_API[2].0).unwrap().location else {
        panic!("a document");
    };
    assert_eq!(unique, FileUniqueId::PhotoSize { id, size: b'm' + 5 });
    assert_eq!(unique.encode(), "AQADhgMAAkcVaAly");
    // A legacy photo size's unique id: its volume and local id.
    let legacy = FileUniqueId::decode("AQAEbeAZAAQ3NQAC").unwrap();
    assert!(matches!(legacy, FileUniqueId::Photo { .. }), "{legacy:?}");
    assert_eq!(legacy.encode(), "AQAEbeAZAAQ3NQAC");
}

#[test]
fn major_version_2_sticker_ids_still_read() {
    for text in [
        "CAADAgADOwADPPEcAXkko5EB3YGYAg",
        "CAADBAADMQQAAjJQbQAB-nKAEeKNehgC",
    ] {
        let id = FileId::decode(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!((id.major, id.sub_version), (2, 0));
        assert_eq!(id.file_type, FileType::Sticker);
        assert!(id.file_reference.is_empty());
        assert!(matches!(id.location, FileIdLocation::Common { .. }));
        assert_eq!(id.encode().as_deref(), Ok(text));
    }
    // A version 2 photo: volume, secret, local id.
    let photo = FileId {
        major: 2,
        sub_version: 0,
        file_type: FileType::Photo,
        dc_id: 2,
        file_reference: Vec::new(),
        location: FileIdLocation::Photo {
            id: 1,
            access_hash: 2,
            volume: Some(Volume {
                volume_id: 3,
                local_id: 4,
            }),
            source: PhotoSizeSource::Legacy { secret: 5 },
        },
    };
    let text = photo.encode().unwrap();
    assert_eq!(FileId::decode(&text), Ok(photo.clone()));
    let major_3 = FileId { major: 3, ..photo };
    assert_eq!(FileId::decode(&major_3.encode().unwrap()), Ok(major_3));
}

#[test]
fn malformed_ids_are_typed_errors() {
    let sticker = BOT_API[0].0;
    let cases: &[(&str, FileIdError)] = &[
        ("", FileIdError::Empty),
        ("not base64!", FileIdError::Base64),
        (
            &"A".repeat(MAX_ID_LEN + 1),
            FileIdError::TooLong(MAX_ID_LEN + 1),
        ),
        // A zero byte, then the versions: the run's length is missing.
        ("AB4E", FileIdError::ZeroRun),
        ("CAADAgADOwADPPEcAXkko5EB3YGYBQ", FileIdError::Version(5)),
        ("BA", FileIdError::Truncated("version")),
        // Type 99.
        ("YwADAgADAQADAQADHgQ", FileIdError::FileType(99)),
        // A sticker's type and DC, then half an id.
        ("CAADAgADAQIDBDYE", FileIdError::Truncated("id")),
    ];
    for (text, error) in cases {
        assert_eq!(FileId::decode(text).as_ref(), Err(error), "{text:?}");
    }
    // One byte more after the last field.
    let FileIdLocation::Common { id, access_hash } = FileId::decode(sticker).unwrap().location
    else {
        panic!("a sticker");
    };
    let mut w = encode::Writer::default();
    w.i32(FileType::Sticker.number());
    w.i32(2);
    w.i64(id);
    w.i64(access_hash);
    w.bytes.push(7);
    let mut bytes = rle::encode(&w.bytes);
    bytes.extend([SUB_VERSION, MAJOR_VERSION]);
    assert_eq!(
        FileId::decode(&encode::base64(&bytes)),
        Err(FileIdError::Trailing(1))
    );
    assert_eq!(
        FileUniqueId::decode("CQAD"),
        Err(FileIdError::UniqueType(9))
    );
    assert_eq!(
        FileUniqueId::decode("AgAD"),
        Err(FileIdError::Truncated("id"))
    );
}

#[test]
fn unknown_sources_and_inconsistent_fields_are_refused() {
    let mut id = FileId::photo(2, 10, 20, vec![1, 2, 3], 'x');
    // A volume in a version that has none.
    id.sub_version = 40;
    assert!(matches!(id.encode(), Err(FileIdError::Inconsistent(_))));
    // No volume where the version needs one.
    id.sub_version = 30;
    if let FileIdLocation::Photo { volume, .. } = &mut id.location {
        *volume = None;
    }
    assert!(matches!(id.encode(), Err(FileIdError::Inconsistent(_))));
    id.major = 7;
    assert_eq!(id.encode(), Err(FileIdError::Version(7)));
    // Source 10 does not exist.
    let mut w = encode::Writer::default();
    w.i32(FileType::Photo.number());
    w.i32(2);
    w.i64(1);
    w.i64(2);
    w.i32(10);
    let mut bytes = rle::encode(&w.bytes);
    bytes.extend([40, 4]);
    assert_eq!(
        FileId::decode(&encode::base64(&bytes)),
        Err(FileIdError::Source(10))
    );
}

#[test]
fn a_pyrogram_document_id_without_file_reference_reads() {
    // Pyrogram writes the versions twice more, as 32-bit numbers, after such an id.
    let mut w = encode::Writer::default();
    w.i32(FileType::Document.number());
    w.i32(1);
    w.i64(11);
    w.i64(12);
    w.i32(30);
    w.i32(4);
    let mut bytes = rle::encode(&w.bytes);
    bytes.extend([30, 4]);
    let id = FileId::decode(&encode::base64(&bytes)).unwrap();
    assert_eq!(
        id,
        FileId::document(FileType::Document, 1, 11, 12, Vec::new())
    );
}

#[test]
fn web_ids_carry_the_url() {
    let id = FileId {
        major: 4,
        sub_version: SUB_VERSION,
        file_type: FileType::Photo,
        dc_id: 0,
        file_reference: Vec::new(),
        location: FileIdLocation::Web {
            url: "https://example.com/cat.jpg".into(),
            access_hash: -5,
        },
    };
    assert_eq!(FileId::decode(&id.encode().unwrap()), Ok(id.clone()));
    let unique = id.unique_id().unwrap();
    assert_eq!(FileUniqueId::decode(&unique.encode()), Ok(unique));
}

#[test]
fn chat_photos_and_sticker_set_thumbnails_download_by_their_own_locations() {
    let chat_photo = |chat_id, big: bool| {
        let source = if big {
            PhotoSizeSource::ChatPhotoBig {
                chat_id,
                chat_access_hash: 77,
            }
        } else {
            PhotoSizeSource::ChatPhotoSmall {
                chat_id,
                chat_access_hash: 77,
            }
        };
        FileId {
            file_type: FileType::ChatPhoto,
            sub_version: 54,
            location: FileIdLocation::Photo {
                id: 5,
                access_hash: 0,
                volume: None,
                source,
            },
            ..FileId::photo(2, 5, 0, Vec::new(), 'a')
        }
    };
    let Ok(enums::InputFileLocation::InputPeerPhotoFileLocation(l)) =
        chat_photo(-1_000_000_000_123, true).input_location()
    else {
        panic!("a chat photo location");
    };
    assert!(l.big && l.photo_id == 5);
    assert!(matches!(
        l.peer,
        enums::InputPeer::Channel(types::InputPeerChannel {
            channel_id: 123,
            access_hash: 77
        })
    ));
    let Ok(enums::InputFileLocation::InputPeerPhotoFileLocation(l)) =
        chat_photo(-42, false).input_location()
    else {
        panic!("a chat photo location");
    };
    assert!(!l.big);
    assert!(matches!(
        l.peer,
        enums::InputPeer::Chat(types::InputPeerChat { chat_id: 42 })
    ));
    assert!(chat_photo(0, false).input_location().is_err());
    let set = FileId {
        file_type: FileType::Thumbnail,
        sub_version: 54,
        location: FileIdLocation::Photo {
            id: 0,
            access_hash: 0,
            volume: None,
            source: PhotoSizeSource::StickerSetThumbnailVersion {
                sticker_set_id: 3,
                sticker_set_access_hash: 4,
                version: 9,
            },
        },
        ..FileId::photo(2, 0, 0, Vec::new(), 'a')
    };
    assert!(matches!(
        set.input_location(),
        Ok(enums::InputFileLocation::InputStickerSetThumb(t)) if t.thumb_version == 9
    ));
}

fn file_type() -> impl Strategy<Value = FileType> {
    proptest::sample::select(FileType::ALL.to_vec())
}

fn source() -> impl Strategy<Value = PhotoSizeSource> {
    let ascii = (0x21u8..0x7f).prop_map(char::from);
    prop_oneof![
        any::<i64>().prop_map(|secret| PhotoSizeSource::Legacy { secret }),
        (file_type(), ascii).prop_map(|(file_type, thumbnail_type)| {
            PhotoSizeSource::Thumbnail {
                file_type,
                thumbnail_type,
            }
        }),
        (any::<i64>(), any::<i64>(), any::<bool>()).prop_map(|(chat_id, chat_access_hash, big)| {
            if big {
                PhotoSizeSource::ChatPhotoBig {
                    chat_id,
                    chat_access_hash,
                }
            } else {
                PhotoSizeSource::ChatPhotoSmall {
                    chat_id,
                    chat_access_hash,
                }
            }
        }),
        (any::<i64>(), any::<i64>()).prop_map(|(sticker_set_id, sticker_set_access_hash)| {
            PhotoSizeSource::StickerSetThumbnail {
                sticker_set_id,
                sticker_set_access_hash,
            }
        }),
        (any::<i64>(), any::<i64>(), any::<i32>()).prop_map(|(volume_id, secret, local_id)| {
            PhotoSizeSource::FullLegacy {
                volume_id,
                secret,
                local_id,
            }
        }),
        (any::<[i64; 3]>(), any::<i32>(), 0..3u8).prop_map(|([a, b, volume_id], local_id, k)| {
            match k {
                0 => PhotoSizeSource::ChatPhotoSmallLegacy {
                    chat_id: a,
                    chat_access_hash: b,
                    volume_id,
                    local_id,
                },
                1 => PhotoSizeSource::ChatPhotoBigLegacy {
                    chat_id: a,
                    chat_access_hash: b,
                    volume_id,
                    local_id,
                },
                _ => PhotoSizeSource::StickerSetThumbnailLegacy {
                    sticker_set_id: a,
                    sticker_set_access_hash: b,
                    volume_id,
                    local_id,
                },
            }
        }),
        (any::<i64>(), any::<i64>(), any::<i32>()).prop_map(
            |(sticker_set_id, sticker_set_access_hash, version)| {
                PhotoSizeSource::StickerSetThumbnailVersion {
                    sticker_set_id,
                    sticker_set_access_hash,
                    version,
                }
            }
        ),
    ]
}

/// Any id the Bot API or Pyrogram could write, in any version.
fn any_file_id() -> impl Strategy<Value = FileId> {
    let version = prop_oneof![Just((2u8, 0u8)), Just((3, 0)), (Just(4u8), 1u8..=255)];
    let reference = proptest::collection::vec(any::<u8>(), 0..300);
    (
        version,
        file_type(),
        any::<i32>(),
        reference,
        any::<(i64, i64)>(),
        source(),
        any::<(i64, i32)>(),
        prop_oneof![Just(None), "[ -~]{0,80}".prop_map(Some)],
    )
        .prop_map(
            |((major, sub_version), file_type, dc_id, reference, (id, hash), source, v, web)| {
                let volume = Volume {
                    volume_id: v.0,
                    local_id: v.1,
                };
                let location = match web {
                    Some(url) => FileIdLocation::Web {
                        url,
                        access_hash: hash,
                    },
                    None if file_type.is_photo() => match photo_layout(major, sub_version) {
                        PhotoLayout::Old => FileIdLocation::Photo {
                            id,
                            access_hash: hash,
                            volume: Some(volume),
                            source: PhotoSizeSource::Legacy { secret: v.0 ^ 7 },
                        },
                        PhotoLayout::Sourced => FileIdLocation::Photo {
                            id,
                            access_hash: hash,
                            volume: Some(volume),
                            source,
                        },
                        PhotoLayout::New => FileIdLocation::Photo {
                            id,
                            access_hash: hash,
                            volume: None,
                            source,
                        },
                    },
                    None => FileIdLocation::Common {
                        id,
                        access_hash: hash,
                    },
                };
                FileId {
                    major,
                    sub_version,
                    file_type,
                    dc_id,
                    file_reference: reference,
                    location,
                }
            },
        )
}

proptest! {
    #[test]
    fn decode_undoes_encode(id in any_file_id()) {
        let text = id.encode().unwrap();
        prop_assert_eq!(FileId::decode(&text), Ok(id.clone()));
        if let Ok(unique) = id.unique_id() {
            prop_assert_eq!(FileUniqueId::decode(&unique.encode()), Ok(unique));
        }
    }

    #[test]
    fn decoding_any_text_never_panics(text in "[A-Za-z0-9_=-]{0,120}|\\PC{0,40}") {
        if let Ok(id) = FileId::decode(&text) {
            // Whatever reads, writes back to something that reads the same.
            if let Ok(again) = id.encode() {
                prop_assert_eq!(FileId::decode(&again), Ok(id));
            }
        }
        if let Ok(unique) = FileUniqueId::decode(&text) {
            prop_assert_eq!(FileUniqueId::decode(&unique.encode()), Ok(unique));
        }
    }

    #[test]
    fn decoding_any_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let text = encode::base64(&bytes);
        if let Ok(id) = FileId::decode(&text)
            && let Ok(again) = id.encode()
        {
            prop_assert_eq!(FileId::decode(&again), Ok(id));
        }
        if let Err(e) = FileUniqueId::decode(&text) {
            prop_assert!(!e.to_string().is_empty());
        }
    }
}
