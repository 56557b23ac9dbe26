//! Where a file is kept: the input location `upload.getFile` takes, its DC, its size,
//! and the name it goes by, found from a photo or a document.

use super::FileOrigin;
use crate::Message;
use crate::tl::{enums, types};

/// A file on Telegram's servers, ready to download.
///
/// ```no_run
/// # fn demo(message: &oxigram::Message) {
/// use oxigram::files::FileLocation;
///
/// if let Some(file) = message.raw_media().and_then(FileLocation::of_media) {
///     println!("{:?}: {} bytes on DC {}", file.name, file.size, file.dc_id);
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FileLocation {
    /// The location `upload.getFile` takes.
    pub location: enums::InputFileLocation,
    /// The DC that keeps it.
    pub dc_id: i32,
    /// Its size in bytes, as the server gave it; 0 when not known (a file id carries
    /// none): a download then reads until the file ends.
    pub size: u64,
    /// Its file name, if it has one (documents).
    pub name: Option<String>,
    /// Its MIME type, when known.
    pub mime_type: Option<String>,
    /// Where it came from: fetched again for a fresh file reference when the one in
    /// [`location`](FileLocation::location) is stale. `None` (a file id, say): a stale
    /// reference is the download's error, `FILE_REFERENCE_EXPIRED`.
    pub origin: Option<FileOrigin>,
}

impl FileLocation {
    /// A photo's largest size.
    pub fn of_photo(photo: &enums::Photo) -> Option<FileLocation> {
        let enums::Photo::Photo(photo) = photo else {
            return None;
        };
        // The largest size: a progressive size's last (its whole) length, or a plain
        // size's; cached and stripped sizes are inline thumbnails, not files.
        let (kind, size) = photo
            .sizes
            .iter()
            .filter_map(|s| match s {
                enums::PhotoSize::PhotoSize(s) => Some((&s.r#type, s.w * s.h, s.size)),
                enums::PhotoSize::Progressive(s) => Some((&s.r#type, s.w * s.h, *s.sizes.last()?)),
                _ => None,
            })
            .max_by_key(|&(_, area, size)| (area, size))
            .map(|(kind, _, size)| (kind.clone(), size))?;
        Some(FileLocation {
            location: enums::InputFileLocation::InputPhotoFileLocation(
                types::InputPhotoFileLocation {
                    id: photo.id,
                    access_hash: photo.access_hash,
                    file_reference: photo.file_reference.clone(),
                    thumb_size: kind,
                },
            ),
            dc_id: photo.dc_id,
            size: u64::try_from(size).unwrap_or(0),
            name: None,
            mime_type: Some("image/jpeg".into()),
            origin: None,
        })
    }

    /// A document (video, audio, sticker, file...).
    pub fn of_document(document: &enums::Document) -> Option<FileLocation> {
        let enums::Document::Document(d) = document else {
            return None;
        };
        let name = d.attributes.iter().find_map(|a| match a {
            enums::DocumentAttribute::Filename(f) => Some(f.file_name.clone()),
            _ => None,
        });
        Some(FileLocation {
            location: enums::InputFileLocation::InputDocumentFileLocation(
                types::InputDocumentFileLocation {
                    id: d.id,
                    access_hash: d.access_hash,
                    file_reference: d.file_reference.clone(),
                    thumb_size: String::new(),
                },
            ),
            dc_id: d.dc_id,
            size: u64::try_from(d.size).unwrap_or(0),
            name,
            mime_type: Some(d.mime_type.clone()),
            origin: None,
        })
    }

    /// The file of a message's media, if it has one.
    pub fn of_media(media: &enums::MessageMedia) -> Option<FileLocation> {
        match media {
            enums::MessageMedia::Photo(p) => FileLocation::of_photo(p.photo.as_ref()?),
            enums::MessageMedia::Document(d) => FileLocation::of_document(d.document.as_ref()?),
            _ => None,
        }
    }

    /// The file of a message's media, with the message as its origin (a stale
    /// reference is refreshed from it).
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client, msg: oxigram::Message) -> oxigram::Result<()> {
    /// use oxigram::files::FileLocation;
    ///
    /// // Kept for a download days later: the reference is refreshed if it went stale.
    /// if let Some(file) = FileLocation::of_message(&msg) {
    ///     let bytes = app.download_media(&file).await?;
    ///     println!("{} bytes", bytes.len());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn of_message(message: &Message) -> Option<FileLocation> {
        let file = FileLocation::of_media(message.raw_media()?)?;
        Some(match message.chat().input_peer() {
            Some(peer) => file.with_origin(FileOrigin::Message {
                peer,
                id: message.id(),
            }),
            None => file,
        })
    }

    /// The same file, refreshed from `origin` when its reference is stale.
    pub fn with_origin(mut self, origin: FileOrigin) -> FileLocation {
        self.origin = Some(origin);
        self
    }

    /// A name to save it under when none was asked for: its own, else one made of its
    /// kind and id.
    pub(crate) fn file_name(&self) -> String {
        if let Some(name) = self.name.as_deref().and_then(safe_name) {
            return name.to_owned();
        }
        let (kind, id) = match &self.location {
            enums::InputFileLocation::InputPhotoFileLocation(l) => ("photo", l.id),
            enums::InputFileLocation::InputDocumentFileLocation(l) => ("document", l.id),
            _ => ("file", 0),
        };
        let extension = self
            .mime_type
            .as_deref()
            .and_then(extension_for)
            .map_or(String::new(), |e| format!(".{e}"));
        format!("{kind}_{id}{extension}")
    }
}

/// The usual extension of a MIME type: the common ones as people expect them (the
/// MIME table lists `.jfif` first for JPEG), the rest from the table.
fn extension_for(mime: &str) -> Option<&'static str> {
    Some(match mime {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/webp" => "webp",
        "image/gif" => "gif",
        "video/mp4" => "mp4",
        "audio/mpeg" => "mp3",
        "audio/ogg" => "ogg",
        "application/pdf" => "pdf",
        "application/x-tgsticker" => "tgs",
        other => mime_guess::get_mime_extensions_str(other)?.first()?,
    })
}

/// A name from the sender, if it is safe to create in a directory: no separators, no
/// `..`, nothing hidden.
fn safe_name(name: &str) -> Option<&str> {
    let unsafe_name = name.is_empty()
        || name.starts_with('.')
        || name.contains(['/', '\\', '\0'])
        || name.len() > 255;
    (!unsafe_name).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn photo(sizes: Vec<enums::PhotoSize>) -> enums::Photo {
        enums::Photo::Photo(types::Photo {
            has_stickers: false,
            id: 7,
            access_hash: 8,
            file_reference: Bytes::from_static(b"r"),
            date: 0,
            sizes,
            video_sizes: None,
            dc_id: 4,
        })
    }

    #[test]
    fn the_largest_photo_size_is_downloaded() {
        let sized = |t: &str, w, size| {
            enums::PhotoSize::PhotoSize(types::PhotoSize {
                r#type: t.into(),
                w,
                h: w,
                size,
            })
        };
        let location = FileLocation::of_photo(&photo(vec![
            enums::PhotoSize::PhotoStrippedSize(types::PhotoStrippedSize {
                r#type: "i".into(),
                bytes: Bytes::from_static(b"x"),
            }),
            sized("m", 320, 20_000),
            enums::PhotoSize::Progressive(types::PhotoSizeProgressive {
                r#type: "y".into(),
                w: 1280,
                h: 1280,
                sizes: vec![10_000, 60_000, 150_000],
            }),
            sized("x", 800, 90_000),
        ]))
        .unwrap();
        assert_eq!((location.size, location.dc_id), (150_000, 4));
        assert!(matches!(
            location.location,
            enums::InputFileLocation::InputPhotoFileLocation(ref l) if l.thumb_size == "y"
        ));
        assert_eq!(location.file_name(), "photo_7.jpg");
        assert!(FileLocation::of_photo(&photo(vec![])).is_none());
    }

    #[test]
    fn a_sender_chosen_name_is_used_only_when_safe() {
        assert_eq!(safe_name("report.pdf"), Some("report.pdf"));
        for bad in ["", "../etc/passwd", ".hidden", "a/b", "a\\b"] {
            assert_eq!(safe_name(bad), None, "{bad}");
        }
    }
}
