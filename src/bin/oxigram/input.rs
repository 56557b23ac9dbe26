//! A command's input: an argument, or standard input for `-`; bytes written as hex or
//! base64.

use std::io::Read as _;

use base64::Engine as _;
use base64::alphabet::{STANDARD, URL_SAFE};
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use clap::ValueEnum;

use crate::error::CliError;

/// The argument that stands for standard input.
pub const STDIN: &str = "-";

/// The most read from standard input: far more than any TL value or session string, and
/// a bound on what a runaway pipe can make the tool hold.
const MAX_STDIN: u64 = 64 << 20;

/// How the bytes of `tl decode` are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Encoding {
    /// Hex if the text is only hex digits (an even number of them), else base64.
    Auto,
    /// Hexadecimal, whitespace and a leading `0x` allowed.
    Hex,
    /// Base64, standard or URL-safe alphabet, padded or not.
    Base64,
    /// The bytes themselves, from standard input (`-`).
    Raw,
}

/// Standard input, whole, within [`MAX_STDIN`].
pub fn stdin_bytes() -> Result<Vec<u8>, CliError> {
    let mut data = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_STDIN + 1)
        .read_to_end(&mut data)
        .map_err(CliError::Stdin)?;
    if data.len() as u64 > MAX_STDIN {
        return Err(CliError::Input(format!(
            "standard input is longer than {MAX_STDIN} bytes"
        )));
    }
    Ok(data)
}

/// `arg` itself, or standard input's text when it is `-`.
pub fn text(arg: &str) -> Result<String, CliError> {
    if arg != STDIN {
        return Ok(arg.to_owned());
    }
    String::from_utf8(stdin_bytes()?)
        .map_err(|_| CliError::Input("standard input is not UTF-8 text".into()))
}

/// The bytes `arg` (or standard input, for `-`) writes in `encoding`.
pub fn bytes(arg: &str, encoding: Encoding) -> Result<Vec<u8>, CliError> {
    if encoding == Encoding::Raw {
        if arg != STDIN {
            return Err(CliError::Input(
                "--encoding raw reads standard input: pass `-`".into(),
            ));
        }
        return stdin_bytes();
    }
    let text = text(arg)?;
    let compact: String = text.split_whitespace().collect();
    if compact.is_empty() {
        return Err(CliError::Input("no bytes given".into()));
    }
    let not = |what: &str| CliError::Input(format!("the input is {what}"));
    match encoding {
        Encoding::Hex => {
            from_hex(&compact).ok_or_else(|| not("not hexadecimal (an even number of hex digits)"))
        }
        Encoding::Base64 => from_base64(&compact).map_err(|e| not(&format!("not base64: {e}"))),
        Encoding::Auto | Encoding::Raw => match from_hex(&compact) {
            Some(bytes) => Ok(bytes),
            None => from_base64(&compact)
                .map_err(|e| not(&format!("neither hexadecimal nor base64 ({e})"))),
        },
    }
}

/// Hex digits in pairs, after an optional `0x`.
pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text)
        .as_bytes();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    digits
        .chunks_exact(2)
        .map(|pair| {
            let high = char::from(pair[0]).to_digit(16)?;
            let low = char::from(pair[1]).to_digit(16)?;
            // Two digits below 16 make a value below 256.
            Some((high << 4 | low) as u8)
        })
        .collect()
}

const fn lenient() -> GeneralPurposeConfig {
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent)
}

/// Base64 in either alphabet, with or without padding. Text using neither alphabet's two
/// special characters reads the same in both; otherwise the error is the one of the
/// alphabet the text leans to.
fn from_base64(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    const STANDARD_ANY: GeneralPurpose = GeneralPurpose::new(&STANDARD, lenient());
    const URL_SAFE_ANY: GeneralPurpose = GeneralPurpose::new(&URL_SAFE, lenient());
    if text.contains(['-', '_']) {
        URL_SAFE_ANY.decode(text)
    } else {
        STANDARD_ANY.decode(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_and_base64_are_told_apart() {
        assert_eq!(from_hex("0x0aFf"), Some(vec![0x0a, 0xff]));
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex("zz"), None);
        assert_eq!(
            bytes("6b18f9c4", Encoding::Auto).unwrap(),
            [0x6b, 0x18, 0xf9, 0xc4]
        );
        // Base64 of the same bytes, padded, URL-safe and not.
        assert_eq!(
            bytes("axj5xA==", Encoding::Auto).unwrap(),
            [0x6b, 0x18, 0xf9, 0xc4]
        );
        assert_eq!(
            bytes("axj5xA", Encoding::Auto).unwrap(),
            [0x6b, 0x18, 0xf9, 0xc4]
        );
        assert_eq!(bytes("_w", Encoding::Auto).unwrap(), [0xff]);
        // Eight hex digits are also valid base64: the flag decides.
        assert_eq!(bytes("6b18f9c4", Encoding::Base64).unwrap().len(), 6);
        assert!(bytes("!!", Encoding::Auto).is_err());
        assert!(bytes("  ", Encoding::Auto).is_err());
    }
}
