//! `oxigram file-id`: Bot API file ids read into their fields and written from them.
//!
//! Both directions use one flat form, the JSON `decode --json` prints and `encode`
//! reads: `file_type` (a name: `photo`, `video_note`...), `dc_id`, `file_reference`
//! (hex), then `url` and `access_hash` for a web file, `media_id` and `access_hash`
//! for the rest, and for photos the `thumbnail_source` (0 to 9) with its fields:
//! `secret`; `thumbnail_file_type` and `thumbnail_size`; `chat_id` and
//! `chat_access_hash`; `sticker_set_id`, `sticker_set_access_hash` and
//! `sticker_set_version`; a legacy source's own `source_volume_id` and
//! `source_local_id`. `volume_id` and `local_id` are the ones ids before 4.32 carry
//! beside the source. `major` and `minor` are the versions (4 and 30 unless given).
//! A unique id has `unique_type` (`web`, `photo`, `photo_size`,
//! `sticker_set_thumbnail`, `document`, `secure`, `encrypted`, `temp`) and `url`,
//! `volume_id` and `local_id`, `media_id` and `size`, `sticker_set_id` and `version`,
//! or `media_id`.

use clap::{Args, Subcommand};
use oxigram::files::{
    FileId, FileIdLocation, FileType, FileUniqueId, MAJOR_VERSION, PhotoSizeSource, SUB_VERSION,
    Volume,
};
use serde_json::{Map, Value as Json};

use crate::error::CliError;
use crate::input;

#[derive(Debug, Subcommand)]
pub enum FileIdCommand {
    /// Read a file id (or, with --unique, a unique file id) and print its fields, and
    /// the file's unique id.
    Decode(DecodeArgs),
    /// Write a file id (or a unique one) from its fields: the JSON `decode --json`
    /// prints, or flags for a document or a photo size.
    Encode(EncodeArgs),
}

#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// The id; `-` reads it from standard input.
    id: String,
    /// The id is a `file_unique_id`.
    #[arg(long)]
    unique: bool,
    /// Print JSON (the form `encode` reads).
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct EncodeArgs {
    /// The fields as JSON; `-` (the default) reads them from standard input. Not read
    /// when --type is given.
    #[arg(default_value = input::STDIN)]
    json: String,
    /// The file type (`document`, `video`, `sticker`, `photo`...): the id is made from
    /// the flags instead of JSON.
    #[arg(long = "type")]
    file_type: Option<String>,
    /// The DC that keeps the file.
    #[arg(long, default_value_t = 2)]
    dc: i32,
    /// The file's (or photo's) id.
    #[arg(long, default_value_t = 0, allow_hyphen_values = true)]
    id: i64,
    /// The access hash that comes with the id.
    #[arg(long, default_value_t = 0, allow_hyphen_values = true)]
    access_hash: i64,
    /// The file reference, in hex.
    #[arg(long, default_value = "")]
    file_reference: String,
    /// For photo types: the size's type letter.
    #[arg(long, default_value_t = 'x')]
    thumbnail_size: char,
}

pub fn run(command: FileIdCommand) -> Result<(), CliError> {
    match command {
        FileIdCommand::Decode(args) => decode(args),
        FileIdCommand::Encode(args) => encode(args),
    }
}

fn bad(e: oxigram::files::FileIdError) -> CliError {
    CliError::Input(e.to_string())
}

fn decode(args: DecodeArgs) -> Result<(), CliError> {
    let text = input::text(&args.id)?;
    let text = text.trim();
    let map = if args.unique {
        unique_fields(&FileUniqueId::decode(text).map_err(bad)?)
    } else {
        let id = FileId::decode(text).map_err(bad)?;
        let mut map = Map::new();
        map.insert("file_id".into(), Json::from(text));
        map.extend(fields(&id));
        // A few sources have no unique id: the fields still print, with the reason.
        match id.unique_id() {
            Ok(unique) => map.insert("file_unique_id".into(), Json::from(unique.encode())),
            Err(e) => map.insert("file_unique_id_error".into(), Json::from(e.to_string())),
        };
        map
    };
    if args.json {
        return crate::print_line(&serde_json::to_string_pretty(&Json::Object(map))?);
    }
    let lines: Vec<String> = map
        .iter()
        .map(|(k, v)| match v {
            Json::String(s) => format!("{k}: {s}"),
            other => format!("{k}: {other}"),
        })
        .collect();
    crate::print_line(&lines.join("\n"))
}

fn encode(args: EncodeArgs) -> Result<(), CliError> {
    if let Some(name) = &args.file_type {
        let file_type = file_type(&Json::from(name.as_str()), "--type")?;
        let reference = hex(&args.file_reference, "--file-reference")?;
        let id = if file_type.is_photo() {
            let mut id = FileId::photo(
                args.dc,
                args.id,
                args.access_hash,
                reference,
                args.thumbnail_size,
            );
            id.file_type = file_type;
            if let FileIdLocation::Photo { source, .. } = &mut id.location {
                *source = PhotoSizeSource::Thumbnail {
                    file_type: if file_type == FileType::Thumbnail {
                        FileType::Thumbnail
                    } else {
                        FileType::Photo
                    },
                    thumbnail_type: args.thumbnail_size,
                };
            }
            id
        } else {
            FileId::document(file_type, args.dc, args.id, args.access_hash, reference)
        };
        return crate::print_line(&id.encode().map_err(bad)?);
    }
    let text = input::text(&args.json)?;
    let json: Json = serde_json::from_str(&text)
        .map_err(|e| CliError::Input(format!("the fields are not JSON: {e}")))?;
    let Json::Object(map) = json else {
        return Err(CliError::Input("the fields must be a JSON object".into()));
    };
    let f = Fields(&map);
    if map.contains_key("unique_type") {
        return crate::print_line(&unique_from(&f)?.encode());
    }
    crate::print_line(&file_id_from(&f)?.encode().map_err(bad)?)
}

/// A file id's fields, flat.
pub fn fields(id: &FileId) -> Map<String, Json> {
    let mut m = Map::new();
    m.insert("major".into(), Json::from(id.major));
    m.insert("minor".into(), Json::from(id.sub_version));
    m.insert("file_type".into(), Json::from(id.file_type.name()));
    m.insert("dc_id".into(), Json::from(id.dc_id));
    m.insert(
        "file_reference".into(),
        Json::from(to_hex(&id.file_reference)),
    );
    match &id.location {
        FileIdLocation::Web { url, access_hash } => {
            m.insert("url".into(), Json::from(url.as_str()));
            m.insert("access_hash".into(), Json::from(*access_hash));
        }
        FileIdLocation::Common { id, access_hash } => {
            m.insert("media_id".into(), Json::from(*id));
            m.insert("access_hash".into(), Json::from(*access_hash));
        }
        FileIdLocation::Photo {
            id,
            access_hash,
            volume,
            source,
        } => {
            m.insert("media_id".into(), Json::from(*id));
            m.insert("access_hash".into(), Json::from(*access_hash));
            if let Some(v) = volume {
                m.insert("volume_id".into(), Json::from(v.volume_id));
                m.insert("local_id".into(), Json::from(v.local_id));
            }
            m.insert("thumbnail_source".into(), Json::from(source.number()));
            source_fields(&mut m, source);
        }
    }
    m
}

fn source_fields(m: &mut Map<String, Json>, source: &PhotoSizeSource) {
    let mut put = |k: &str, v: Json| {
        m.insert(k.into(), v);
    };
    match *source {
        PhotoSizeSource::Legacy { secret } => put("secret", secret.into()),
        PhotoSizeSource::Thumbnail {
            file_type,
            thumbnail_type,
        } => {
            put("thumbnail_file_type", file_type.name().into());
            put("thumbnail_size", thumbnail_type.to_string().into());
        }
        PhotoSizeSource::ChatPhotoSmall {
            chat_id,
            chat_access_hash,
        }
        | PhotoSizeSource::ChatPhotoBig {
            chat_id,
            chat_access_hash,
        } => {
            put("chat_id", chat_id.into());
            put("chat_access_hash", chat_access_hash.into());
        }
        PhotoSizeSource::StickerSetThumbnail {
            sticker_set_id,
            sticker_set_access_hash,
        } => {
            put("sticker_set_id", sticker_set_id.into());
            put("sticker_set_access_hash", sticker_set_access_hash.into());
        }
        PhotoSizeSource::FullLegacy {
            volume_id,
            secret,
            local_id,
        } => {
            put("source_volume_id", volume_id.into());
            put("secret", secret.into());
            put("source_local_id", local_id.into());
        }
        PhotoSizeSource::ChatPhotoSmallLegacy {
            chat_id,
            chat_access_hash,
            volume_id,
            local_id,
        }
        | PhotoSizeSource::ChatPhotoBigLegacy {
            chat_id,
            chat_access_hash,
            volume_id,
            local_id,
        } => {
            put("chat_id", chat_id.into());
            put("chat_access_hash", chat_access_hash.into());
            put("source_volume_id", volume_id.into());
            put("source_local_id", local_id.into());
        }
        PhotoSizeSource::StickerSetThumbnailLegacy {
            sticker_set_id,
            sticker_set_access_hash,
            volume_id,
            local_id,
        } => {
            put("sticker_set_id", sticker_set_id.into());
            put("sticker_set_access_hash", sticker_set_access_hash.into());
            put("source_volume_id", volume_id.into());
            put("source_local_id", local_id.into());
        }
        PhotoSizeSource::StickerSetThumbnailVersion {
            sticker_set_id,
            sticker_set_access_hash,
            version,
        } => {
            put("sticker_set_id", sticker_set_id.into());
            put("sticker_set_access_hash", sticker_set_access_hash.into());
            put("sticker_set_version", version.into());
        }
    }
}

/// A unique id's fields, flat.
pub fn unique_fields(unique: &FileUniqueId) -> Map<String, Json> {
    let mut m = Map::new();
    m.insert("file_unique_id".into(), Json::from(unique.encode()));
    let (name, pairs): (&str, Vec<(&str, Json)>) = match unique {
        FileUniqueId::Web { url } => ("web", vec![("url", url.as_str().into())]),
        FileUniqueId::Photo {
            volume_id,
            local_id,
        } => (
            "photo",
            vec![
                ("volume_id", (*volume_id).into()),
                ("local_id", (*local_id).into()),
            ],
        ),
        FileUniqueId::PhotoSize { id, size } => (
            "photo_size",
            vec![("media_id", (*id).into()), ("size", (*size).into())],
        ),
        FileUniqueId::StickerSetThumbnail {
            sticker_set_id,
            version,
        } => (
            "sticker_set_thumbnail",
            vec![
                ("sticker_set_id", (*sticker_set_id).into()),
                ("version", (*version).into()),
            ],
        ),
        FileUniqueId::Document { id } => ("document", vec![("media_id", (*id).into())]),
        FileUniqueId::Secure { id } => ("secure", vec![("media_id", (*id).into())]),
        FileUniqueId::Encrypted { id } => ("encrypted", vec![("media_id", (*id).into())]),
        FileUniqueId::Temp { id } => ("temp", vec![("media_id", (*id).into())]),
        // A form a newer library knows: its type number says what it is.
        _ => ("unknown", vec![]),
    };
    m.insert("unique_type".into(), Json::from(name));
    m.insert(
        "unique_type_number".into(),
        Json::from(unique.type_number()),
    );
    for (k, v) in pairs {
        m.insert(k.into(), v);
    }
    m
}

/// Fields read from a JSON object, each a typed error when missing or of the wrong kind.
struct Fields<'a>(&'a Map<String, Json>);

impl Fields<'_> {
    fn get(&self, key: &str) -> Result<&Json, CliError> {
        self.0
            .get(key)
            .ok_or_else(|| CliError::Input(format!("the field `{key}` is missing")))
    }

    fn int<T: TryFrom<i64>>(&self, key: &str) -> Result<T, CliError> {
        self.get(key)?
            .as_i64()
            .and_then(|n| T::try_from(n).ok())
            .ok_or_else(|| CliError::Input(format!("the field `{key}` is not a number in range")))
    }

    fn int_or<T: TryFrom<i64>>(&self, key: &str, default: T) -> Result<T, CliError> {
        if self.0.contains_key(key) {
            self.int(key)
        } else {
            Ok(default)
        }
    }

    fn text(&self, key: &str) -> Result<&str, CliError> {
        self.get(key)?
            .as_str()
            .ok_or_else(|| CliError::Input(format!("the field `{key}` is not a string")))
    }
}

fn file_type(value: &Json, key: &str) -> Result<FileType, CliError> {
    let found = match value {
        Json::String(name) => FileType::from_name(name),
        Json::Number(n) => n
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .and_then(FileType::from_number),
        _ => None,
    };
    found.ok_or_else(|| CliError::Input(format!("`{key}`: unknown file type {value}")))
}

fn file_id_from(f: &Fields<'_>) -> Result<FileId, CliError> {
    let file_type = file_type(f.get("file_type")?, "file_type")?;
    let file_reference = match f.0.get("file_reference") {
        Some(_) => hex(f.text("file_reference")?, "file_reference")?,
        None => Vec::new(),
    };
    let access_hash = f.int("access_hash")?;
    let location = if f.0.contains_key("url") {
        FileIdLocation::Web {
            url: f.text("url")?.to_owned(),
            access_hash,
        }
    } else if file_type.is_photo() {
        let volume = if f.0.contains_key("volume_id") {
            Some(Volume {
                volume_id: f.int("volume_id")?,
                local_id: f.int_or("local_id", 0)?,
            })
        } else {
            None
        };
        FileIdLocation::Photo {
            id: f.int("media_id")?,
            access_hash,
            volume,
            source: source_from(f)?,
        }
    } else {
        FileIdLocation::Common {
            id: f.int("media_id")?,
            access_hash,
        }
    };
    Ok(FileId {
        major: f.int_or("major", MAJOR_VERSION)?,
        sub_version: f.int_or("minor", SUB_VERSION)?,
        file_type,
        dc_id: f.int("dc_id")?,
        file_reference,
        location,
    })
}

fn source_from(f: &Fields<'_>) -> Result<PhotoSizeSource, CliError> {
    let number: i32 = f.int_or("thumbnail_source", 1)?;
    let chat =
        || -> Result<(i64, i64), CliError> { Ok((f.int("chat_id")?, f.int("chat_access_hash")?)) };
    let set = || -> Result<(i64, i64), CliError> {
        Ok((f.int("sticker_set_id")?, f.int("sticker_set_access_hash")?))
    };
    let own = || -> Result<(i64, i32), CliError> {
        Ok((f.int("source_volume_id")?, f.int("source_local_id")?))
    };
    Ok(match number {
        0 => PhotoSizeSource::Legacy {
            secret: f.int("secret")?,
        },
        1 => {
            let size = f.text("thumbnail_size")?;
            let mut chars = size.chars();
            let (Some(thumbnail_type), None) = (chars.next(), chars.next()) else {
                return Err(CliError::Input(
                    "`thumbnail_size` must be one character".into(),
                ));
            };
            let file_type = match f.0.get("thumbnail_file_type") {
                Some(value) => file_type(value, "thumbnail_file_type")?,
                None => FileType::Photo,
            };
            PhotoSizeSource::Thumbnail {
                file_type,
                thumbnail_type,
            }
        }
        2 => {
            let (chat_id, chat_access_hash) = chat()?;
            PhotoSizeSource::ChatPhotoSmall {
                chat_id,
                chat_access_hash,
            }
        }
        3 => {
            let (chat_id, chat_access_hash) = chat()?;
            PhotoSizeSource::ChatPhotoBig {
                chat_id,
                chat_access_hash,
            }
        }
        4 => {
            let (sticker_set_id, sticker_set_access_hash) = set()?;
            PhotoSizeSource::StickerSetThumbnail {
                sticker_set_id,
                sticker_set_access_hash,
            }
        }
        5 => {
            let (volume_id, local_id) = own()?;
            PhotoSizeSource::FullLegacy {
                volume_id,
                secret: f.int("secret")?,
                local_id,
            }
        }
        6 | 7 => {
            let (chat_id, chat_access_hash) = chat()?;
            let (volume_id, local_id) = own()?;
            if number == 6 {
                PhotoSizeSource::ChatPhotoSmallLegacy {
                    chat_id,
                    chat_access_hash,
                    volume_id,
                    local_id,
                }
            } else {
                PhotoSizeSource::ChatPhotoBigLegacy {
                    chat_id,
                    chat_access_hash,
                    volume_id,
                    local_id,
                }
            }
        }
        8 => {
            let (sticker_set_id, sticker_set_access_hash) = set()?;
            let (volume_id, local_id) = own()?;
            PhotoSizeSource::StickerSetThumbnailLegacy {
                sticker_set_id,
                sticker_set_access_hash,
                volume_id,
                local_id,
            }
        }
        9 => {
            let (sticker_set_id, sticker_set_access_hash) = set()?;
            PhotoSizeSource::StickerSetThumbnailVersion {
                sticker_set_id,
                sticker_set_access_hash,
                version: f.int("sticker_set_version")?,
            }
        }
        other => {
            return Err(CliError::Input(format!(
                "unknown thumbnail_source {other} (0 to 9)"
            )));
        }
    })
}

fn unique_from(f: &Fields<'_>) -> Result<FileUniqueId, CliError> {
    Ok(match f.text("unique_type")? {
        "web" => FileUniqueId::Web {
            url: f.text("url")?.to_owned(),
        },
        "photo" => FileUniqueId::Photo {
            volume_id: f.int("volume_id")?,
            local_id: f.int("local_id")?,
        },
        "photo_size" => FileUniqueId::PhotoSize {
            id: f.int("media_id")?,
            size: f.int("size")?,
        },
        "sticker_set_thumbnail" => FileUniqueId::StickerSetThumbnail {
            sticker_set_id: f.int("sticker_set_id")?,
            version: f.int("version")?,
        },
        "document" => FileUniqueId::Document {
            id: f.int("media_id")?,
        },
        "secure" => FileUniqueId::Secure {
            id: f.int("media_id")?,
        },
        "encrypted" => FileUniqueId::Encrypted {
            id: f.int("media_id")?,
        },
        "temp" => FileUniqueId::Temp {
            id: f.int("media_id")?,
        },
        other => {
            return Err(CliError::Input(format!("unknown unique_type `{other}`")));
        }
    })
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hex(text: &str, key: &str) -> Result<Vec<u8>, CliError> {
    let digits = text.trim();
    let invalid = || CliError::Input(format!("`{key}` is not hex"));
    if !digits.len().is_multiple_of(2) {
        return Err(invalid());
    }
    (0..digits.len())
        .step_by(2)
        .map(|i| {
            digits
                .get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(invalid)
        })
        .collect()
}
