//! `gzip_packed`: bodies compressed on the way out when it pays, and decompressed on the
//! way in with a cap, so that a small packet cannot expand into gigabytes.

use std::io::{Read, Write};

use bytes::{BufMut, Bytes, BytesMut};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;

/// `gzip_packed#3072cfa1 packed_data:bytes = Object`.
pub const GZIP_PACKED_ID: u32 = 0x3072_cfa1;

/// The most bytes a `gzip_packed` body may expand to (Telegram's answers stay far below).
pub const MAX_UNPACKED: usize = 16 << 20;

/// The most bytes all the `gzip_packed` objects of one received packet may expand to
/// together (the client's budget, and the server's by default; see [`unpack_within`]).
/// A container holds up to 1,024 messages, so a cap per object alone would let one packet
/// expand to 16 GiB. The largest legitimate answer is about 1 MiB (`upload.getFile`), and
/// file parts do not compress; 8 MiB leaves room for several large answers in one
/// container.
pub const MAX_UNPACKED_PER_PACKET: usize = 8 << 20;

/// Why a `gzip_packed` body was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GzipError {
    /// The `gzip_packed` wrapper itself is malformed.
    #[error("malformed gzip_packed wrapper")]
    Wrapper,
    /// The data is not valid gzip.
    #[error("invalid gzip data")]
    Data,
    /// The data expands beyond [`MAX_UNPACKED`] bytes.
    #[error("gzip data expands beyond {MAX_UNPACKED} bytes")]
    TooLarge,
    /// The data expands beyond what is left of its packet's budget
    /// ([`MAX_UNPACKED_PER_PACKET`] for all its `gzip_packed` objects together).
    #[error("the packet's gzip_packed objects expand beyond {MAX_UNPACKED_PER_PACKET} bytes")]
    PacketBudget,
}

/// Whether `body` is worth trying to compress: its first 256 bytes use fewer than 128
/// distinct byte values. Random-looking data (file parts, encrypted payloads) uses about
/// 162 and never shrinks, while text and TL structures use far fewer; this costs a few
/// hundred nanoseconds where a failed deflate of a kilobyte costs tens of microseconds.
pub fn looks_compressible(body: &[u8]) -> bool {
    let mut seen = [0u64; 4];
    let mut distinct = 0;
    for &b in &body[..body.len().min(256)] {
        let (word, bit) = (usize::from(b >> 6), 1u64 << (b & 63));
        if seen[word] & bit == 0 {
            seen[word] |= bit;
            distinct += 1;
        }
    }
    distinct < 128
}

/// Wraps `body` in `gzip_packed` if that makes it smaller; `None` when it does not.
pub fn pack(body: &[u8]) -> Option<Bytes> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(body.len() / 2), Compression::fast());
    encoder.write_all(body).ok()?;
    let packed = encoder.finish().ok()?;
    let mut out = BytesMut::with_capacity(packed.len() + 12);
    out.put_u32_le(GZIP_PACKED_ID);
    oxigram_tl::put_byte_string(&packed, &mut out);
    (out.len() < body.len()).then(|| out.freeze())
}

/// The body inside a `gzip_packed` object (which starts with its constructor id).
pub fn unpack(object: &[u8]) -> Result<Bytes, GzipError> {
    unpack_capped(object, MAX_UNPACKED).map_err(|(e, _)| e)
}

/// [`unpack`], paid from `budget`: the bytes left for the packet the object came in. The
/// body's length is taken from it; a body longer than what is left fails with
/// [`GzipError::PacketBudget`] after reading no more than that, and uses it up.
pub fn unpack_within(object: &[u8], budget: &mut usize) -> Result<Bytes, GzipError> {
    let cap = (*budget).min(MAX_UNPACKED);
    match unpack_capped(object, cap) {
        Ok(body) => {
            *budget -= body.len();
            Ok(body)
        }
        Err((GzipError::TooLarge, _)) if cap < MAX_UNPACKED => {
            *budget = 0;
            Err(GzipError::PacketBudget)
        }
        Err((e, read)) => {
            *budget = budget.saturating_sub(read);
            Err(e)
        }
    }
}

/// The body, at most `cap` bytes; an error comes with the bytes read before it.
fn unpack_capped(object: &[u8], cap: usize) -> Result<Bytes, (GzipError, usize)> {
    let wrapper = (GzipError::Wrapper, 0);
    let mut reader = oxigram_tl::Reader::new(object);
    if reader.int().map_err(|_| wrapper)? as u32 != GZIP_PACKED_ID {
        return Err(wrapper);
    }
    let packed = reader.byte_string().map_err(|_| wrapper)?;
    let mut out = Vec::with_capacity(packed.len().saturating_mul(4).min(1 << 20).min(cap));
    // One byte past the cap tells "exactly at the cap" from "beyond it".
    let read = GzDecoder::new(packed)
        .take(cap as u64 + 1)
        .read_to_end(&mut out);
    if read.is_err() {
        return Err((GzipError::Data, out.len()));
    }
    if out.len() > cap {
        return Err((GzipError::TooLarge, out.len()));
    }
    if !out.len().is_multiple_of(4) || out.is_empty() {
        return Err((GzipError::Data, out.len()));
    }
    Ok(out.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_when_it_pays_and_round_trips() {
        let body: Vec<u8> = b"ab".repeat(2048);
        let packed = pack(&body).expect("repetitive data compresses");
        assert!(packed.len() < body.len() / 10);
        assert_eq!(unpack(&packed).unwrap(), body);
        // Random-looking bytes do not shrink.
        let noise: Vec<u8> = (0..64u32)
            .flat_map(|i| i.wrapping_mul(2654435761).to_le_bytes())
            .collect();
        assert_eq!(pack(&noise), None);
    }

    #[test]
    fn text_looks_compressible_and_noise_does_not() {
        let text = "The quick brown fox jumps over the lazy dog. ".repeat(20);
        assert!(looks_compressible(text.as_bytes()));
        let mut x = 0x2545_f491u32;
        let noise: Vec<u8> = (0..1024)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        assert!(!looks_compressible(&noise));
    }

    #[test]
    fn a_packet_budget_is_shared_by_its_objects() {
        let three_mib = pack(&vec![0u8; 3 << 20]).unwrap();
        let mut budget = MAX_UNPACKED_PER_PACKET;
        assert_eq!(
            unpack_within(&three_mib, &mut budget).unwrap().len(),
            3 << 20
        );
        assert_eq!(
            unpack_within(&three_mib, &mut budget).unwrap().len(),
            3 << 20
        );
        assert_eq!(budget, (8 << 20) - (6 << 20));
        // 3 MiB more would make 9 MiB in one packet.
        assert_eq!(
            unpack_within(&three_mib, &mut budget),
            Err(GzipError::PacketBudget)
        );
        assert_eq!(budget, 0);
        let small = pack(&b"abcd".repeat(64)).unwrap();
        assert_eq!(
            unpack_within(&small, &mut budget),
            Err(GzipError::PacketBudget)
        );
        // A bomb alone still meets the cap per object.
        let mut budget = usize::MAX;
        let huge = pack(&vec![0u8; MAX_UNPACKED + 4]).unwrap();
        assert_eq!(unpack_within(&huge, &mut budget), Err(GzipError::TooLarge));
    }

    #[test]
    fn a_gzip_bomb_is_refused() {
        let huge = vec![0u8; MAX_UNPACKED + 4];
        let packed = pack(&huge).unwrap();
        assert!(packed.len() < MAX_UNPACKED / 100, "{}", packed.len());
        assert_eq!(unpack(&packed), Err(GzipError::TooLarge));
        assert_eq!(unpack(&packed[..packed.len() - 9]), Err(GzipError::Wrapper));
        assert_eq!(
            unpack(&[0xa1, 0xcf, 0x72, 0x30, 4, 1, 2, 3, 4, 0, 0, 0]),
            Err(GzipError::Data)
        );
    }
}
