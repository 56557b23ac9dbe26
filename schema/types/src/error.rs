//! Decoding errors.
//!
//! `Display` is written by hand rather than derived: keeping proc-macro crates out of this
//! crate's dependencies lets its (long) compilation start as early as possible.

use std::fmt;

/// Why bytes could not be decoded, and where.
///
/// `ty` and `field` name the innermost TL definition and parameter being read when decoding
/// failed (empty at the top level), and `offset` the byte position in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// What went wrong.
    pub kind: DecodeErrorKind,
    /// Byte offset in the input where it went wrong.
    pub offset: usize,
    /// The TL definition being read (`message`, `messages.sendMessage`), or `""`.
    pub ty: &'static str,
    /// The parameter being read (`entities`), or `""`.
    pub field: &'static str,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at byte {}{}",
            self.kind,
            self.offset,
            Location(self.ty, self.field)
        )
    }
}

impl std::error::Error for DecodeError {}

struct Location(&'static str, &'static str);

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location("", _) => Ok(()),
            Location(ty, "") => write!(f, " in {ty}"),
            Location(ty, field) => write!(f, " in {ty}.{field}"),
        }
    }
}

/// The kinds of [`DecodeError`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The input ended early.
    UnexpectedEnd {
        /// Bytes the value needs.
        needed: usize,
        /// Bytes that were left.
        remaining: usize,
    },
    /// A constructor id that the expected type does not have.
    UnexpectedConstructor {
        /// The id read.
        id: u32,
        /// The TL type that was expected.
        expected: &'static str,
    },
    /// A `string` that is not UTF-8.
    InvalidUtf8,
    /// A length prefix that no valid encoding has (negative, or the reserved `0xff` byte).
    InvalidLength(i64),
    /// A vector claiming more elements than the bytes left can hold.
    VectorTooLong {
        /// The claimed element count.
        len: usize,
        /// Bytes that were left.
        remaining: usize,
    },
    /// Boxed values nested deeper than [`MAX_DEPTH`](crate::MAX_DEPTH).
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// Bytes left over after a complete value.
    TrailingBytes {
        /// How many.
        count: usize,
    },
}

impl fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnexpectedEnd { needed, remaining } => {
                write!(
                    f,
                    "input ended: {needed} more bytes needed, {remaining} left"
                )
            }
            Self::UnexpectedConstructor { id, expected } => {
                write!(
                    f,
                    "constructor {id:#010x}{} is not a `{expected}`",
                    KnownName(*id)
                )
            }
            Self::InvalidUtf8 => f.write_str("string is not valid UTF-8"),
            Self::InvalidLength(len) => write!(f, "invalid length {len}"),
            Self::VectorTooLong { len, remaining } => {
                write!(
                    f,
                    "vector of {len} elements cannot fit in the {remaining} bytes left"
                )
            }
            Self::TooDeep { limit } => write!(f, "values nested deeper than {limit} levels"),
            Self::TrailingBytes { count } => write!(f, "{count} bytes left over after the value"),
        }
    }
}

struct KnownName(u32);

impl fmt::Display for KnownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match crate::name_for_id(self.0) {
            Some(name) => write!(f, " (`{name}`)"),
            None => Ok(()),
        }
    }
}
