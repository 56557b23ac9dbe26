//! Reading the shared protocol vectors (see `../shared/vectors/README.md` beside the
//! checkout): skip with a reason when the folder is absent, fail when `OXIGRAM_VECTORS`
//! names a folder that lacks the file.

#![allow(dead_code)]

pub mod replay;
pub mod server_key;
pub mod sim;

use std::path::PathBuf;

use serde_json::Value;

/// The parsed vector file `name`, or `None` (after printing why) when it is not available
/// and `OXIGRAM_VECTORS` is not set.
pub fn load(name: &str) -> Option<Value> {
    let (dir, required) = match std::env::var_os("OXIGRAM_VECTORS") {
        Some(dir) => (PathBuf::from(dir), true),
        None => (
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"),
            false,
        ),
    };
    let path = dir.join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        }
        Err(e) if required => panic!(
            "OXIGRAM_VECTORS is set but {} cannot be read: {e}",
            path.display()
        ),
        Err(_) => {
            println!(
                "skipped: {} is absent (set OXIGRAM_VECTORS to require it)",
                path.display()
            );
            None
        }
    }
}

/// The bytes of a hex string field.
pub fn hex(value: &Value) -> Vec<u8> {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a hex string: {value}"));
    unhex(text.strip_prefix("0x").unwrap_or(text))
}

/// The bytes a hex string spells (the fixture files' encoding).
pub fn unhex(text: &str) -> Vec<u8> {
    assert!(text.len().is_multiple_of(2), "odd hex length: {text}");
    (0..text.len() / 2)
        .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

/// A fixed-size array from a hex string field.
pub fn array<const N: usize>(value: &Value) -> [u8; N] {
    hex(value)
        .try_into()
        .unwrap_or_else(|v: Vec<u8>| panic!("expected {N} bytes, got {}", v.len()))
}
