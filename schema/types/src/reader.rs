//! A bounds-checked cursor over TL-encoded bytes.

use bytes::Bytes;

use crate::error::Location;
use crate::{DecodeError, DecodeErrorKind};

/// How deep boxed values may nest before decoding gives up with
/// [`DecodeErrorKind::TooDeep`]. Real Telegram data nests about a dozen levels (rich text
/// inside page blocks inside web pages inside messages); the bound keeps hostile input from
/// exhausting the stack.
pub const MAX_DEPTH: usize = 64;

/// A read position in TL-encoded input.
///
/// Every read checks the bytes left and fails with a [`DecodeError`] naming the definition
/// and parameter being read. Built with [`Reader::from_shared`], `bytes` values are handed
/// out as zero-copy slices of the shared buffer.
///
/// After an error the position is unspecified: start again with a new reader.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    shared: Option<&'a Bytes>,
    depth: usize,
    at: &'static Location,
}

impl<'a> Reader<'a> {
    /// Reads from a byte slice; `bytes` values are copied out.
    pub fn new(buf: &'a [u8]) -> Self {
        Reader {
            buf,
            pos: 0,
            shared: None,
            depth: 0,
            at: &Location::TOP,
        }
    }

    /// Reads from shared bytes; `bytes` values are slices of `buf` (no copy).
    pub fn from_shared(buf: &'a Bytes) -> Self {
        Reader {
            shared: Some(buf),
            ..Reader::new(buf)
        }
    }

    /// Bytes consumed so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Bytes left.
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// Records which definition and parameter the next reads belong to, for errors.
    #[doc(hidden)]
    #[inline(always)]
    pub fn at(&mut self, at: &'static Location) {
        self.at = at;
    }

    /// An error of `kind` at the current position.
    #[cold]
    pub fn error(&self, kind: DecodeErrorKind) -> DecodeError {
        DecodeError::new(kind, self.pos, self.at)
    }

    /// The error for constructor `id` where a value of TL type `expected` should be.
    #[cold]
    pub fn unexpected(&self, id: u32, expected: &'static str) -> DecodeError {
        DecodeError::new(
            DecodeErrorKind::UnexpectedConstructor { id, expected },
            self.pos.saturating_sub(4),
            self.at,
        )
    }

    /// Takes the next `n` bytes.
    #[inline]
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let rest = &self.buf[self.pos..];
        if n > rest.len() {
            return Err(self.error(DecodeErrorKind::UnexpectedEnd {
                needed: n,
                remaining: rest.len(),
            }));
        }
        self.pos += n;
        Ok(&rest[..n])
    }

    #[inline]
    fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        match self.buf[self.pos..].first_chunk::<N>() {
            Some(chunk) => {
                self.pos += N;
                Ok(*chunk)
            }
            None => Err(self.error(DecodeErrorKind::UnexpectedEnd {
                needed: N,
                remaining: self.remaining(),
            })),
        }
    }

    /// Reads an `int`.
    #[inline]
    pub fn int(&mut self) -> Result<i32, DecodeError> {
        self.array().map(i32::from_le_bytes)
    }

    /// Reads a constructor id or a flags word (an `int` taken as unsigned).
    #[inline]
    pub fn flags(&mut self) -> Result<u32, DecodeError> {
        self.array().map(u32::from_le_bytes)
    }

    /// Reads a `long`.
    #[inline]
    pub fn long(&mut self) -> Result<i64, DecodeError> {
        self.array().map(i64::from_le_bytes)
    }

    /// Reads a `double`.
    #[inline]
    pub fn double(&mut self) -> Result<f64, DecodeError> {
        self.array().map(f64::from_le_bytes)
    }

    /// Reads an `int128` or `int256` (N = 16 or 32) as its raw bytes.
    #[inline]
    pub fn raw<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        self.array()
    }

    /// Reads a TL byte string (`bytes` or `string`) as a slice of the input.
    pub fn byte_string(&mut self) -> Result<&'a [u8], DecodeError> {
        let (len, header) = match self.array::<1>()?[0] {
            254 => {
                let [a, b, c] = self.array::<3>()?;
                (u32::from_le_bytes([a, b, c, 0]) as usize, 4)
            }
            255 => return Err(self.error(DecodeErrorKind::InvalidLength(255))),
            short => (usize::from(short), 1),
        };
        let data = self.take(len)?;
        let padding = (4 - (header + len) % 4) % 4;
        self.take(padding)?;
        Ok(data)
    }

    /// Reads `bytes`, without copying when the reader was built over shared bytes.
    pub fn bytes(&mut self) -> Result<Bytes, DecodeError> {
        let data = self.byte_string()?;
        Ok(self.share(data))
    }

    /// Reads a `string`.
    pub fn string(&mut self) -> Result<String, DecodeError> {
        let start = self.pos;
        let data = self.byte_string()?;
        match std::str::from_utf8(data) {
            Ok(s) => Ok(s.to_owned()),
            Err(_) => Err(DecodeError::new(
                DecodeErrorKind::InvalidUtf8,
                start,
                self.at,
            )),
        }
    }

    /// Takes all bytes left, without copying when the reader was built over shared bytes.
    pub fn rest(&mut self) -> Bytes {
        let data = &self.buf[self.pos..];
        self.pos = self.buf.len();
        self.share(data)
    }

    /// Takes the next `n` bytes as `Bytes`, without copying when possible.
    pub fn take_bytes(&mut self, n: usize) -> Result<Bytes, DecodeError> {
        let data = self.take(n)?;
        Ok(self.share(data))
    }

    fn share(&self, data: &'a [u8]) -> Bytes {
        match self.shared {
            Some(shared) => shared.slice_ref(data),
            None => Bytes::copy_from_slice(data),
        }
    }

    /// Reads a vector length, refusing one that the bytes left cannot hold when each
    /// element takes at least `min_element_size` bytes.
    pub fn vector_len(&mut self, min_element_size: usize) -> Result<usize, DecodeError> {
        let len = self.int()?;
        let Ok(len) = usize::try_from(len) else {
            return Err(self.error(DecodeErrorKind::InvalidLength(i64::from(len))));
        };
        let remaining = self.remaining();
        if len > remaining / min_element_size.max(1) {
            return Err(self.error(DecodeErrorKind::VectorTooLong { len, remaining }));
        }
        Ok(len)
    }

    /// Starts a boxed value: checks the nesting depth and reads the constructor id.
    /// Pair with [`Reader::leave`].
    #[inline]
    pub fn enter_boxed(&mut self) -> Result<u32, DecodeError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(DecodeErrorKind::TooDeep { limit: MAX_DEPTH }));
        }
        self.depth += 1;
        self.flags()
    }

    /// Ends a boxed value started with [`Reader::enter_boxed`].
    #[inline]
    pub fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Fails unless every byte was consumed.
    pub fn finish(&self) -> Result<(), DecodeError> {
        match self.remaining() {
            0 => Ok(()),
            count => Err(DecodeError::new(
                DecodeErrorKind::TrailingBytes { count },
                self.pos,
                &Location::TOP,
            )),
        }
    }
}
