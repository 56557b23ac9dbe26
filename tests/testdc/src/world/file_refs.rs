//! File references: every photo and document is handed out with one, and a knob makes
//! all of them stale at once, as Telegram's go stale after a while. A stale reference is
//! refused (`FILE_REFERENCE_EXPIRED`); the message, profile photo, media, group read
//! whole or sticker set fetched again carries the fresh one.

use bytes::Bytes;

use super::{StoredDocument, World};

/// The reference a file has until references are first expired.
pub(super) const FIRST: Bytes = Bytes::from_static(b"testdc");

/// The reference of generation `generation` (0 is [`FIRST`]).
fn reference(generation: u32) -> Bytes {
    if generation == 0 {
        return FIRST;
    }
    let mut bytes = FIRST.to_vec();
    bytes.extend_from_slice(&generation.to_le_bytes());
    bytes.into()
}

/// The generation a reference of ours belongs to.
fn generation(reference: &[u8]) -> u32 {
    reference
        .get(FIRST.len()..)
        .and_then(|rest| rest.try_into().ok())
        .map_or(0, u32::from_le_bytes)
}

impl StoredDocument {
    /// Whether `reference` is the one handed out now. A file whose references never
    /// expired takes any reference (as older callers send none).
    pub fn reference_is_fresh(&self, reference: &[u8]) -> bool {
        self.file_reference == FIRST || self.file_reference == reference
    }
}

impl World {
    /// Makes every file reference handed out so far stale: each file gets a new one,
    /// handed out from now on.
    pub fn expire_file_references(&mut self) {
        for document in self.documents.values_mut() {
            let next = generation(&document.file_reference).wrapping_add(1).max(1);
            document.file_reference = reference(next);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::FileMeta;
    use super::*;

    #[test]
    fn each_expiry_hands_out_a_new_reference_and_refuses_the_old() {
        let mut world = World::new(3);
        let owner = world.create_user("9996621234", "Test", 2);
        world
            .save_part(owner, 5, 0, Bytes::from_static(b"content"))
            .unwrap();
        let meta = FileMeta {
            mime_type: "text/plain".into(),
            name: None,
            photo: false,
            attributes: Vec::new(),
            md5: None,
        };
        let id = world.finish_upload(owner, 5, 1, meta, 0).unwrap();
        let current = |world: &World| world.document_by_id(id).unwrap().file_reference.clone();
        // Never expired: any reference does.
        assert!(world.document_by_id(id).unwrap().reference_is_fresh(b""));
        let mut seen = vec![current(&world)];
        for round in 1..=3 {
            world.expire_file_references();
            let document = world.document_by_id(id).unwrap();
            for old in &seen {
                assert!(!document.reference_is_fresh(old), "round {round}");
            }
            assert!(document.reference_is_fresh(&current(&world)));
            assert_eq!(generation(&current(&world)), round);
            seen.push(current(&world));
        }
    }
}
