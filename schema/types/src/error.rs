//! Decoding errors.
//!
//! `Display` is written by hand rather than derived: keeping proc-macro crates out of this
//! crate's dependencies lets its (long) compilation start as early as possible.

use std::fmt;

/// Why bytes could not be decoded, and where.
///
/// [`ty`](DecodeError::ty) and [`field`](DecodeError::field) name the innermost TL
/// definition and parameter being read when decoding failed (empty at the top level), and
/// [`offset`](DecodeError::offset) the byte position in the input.
///
/// The details sit behind one pointer so that a `Result<i32, DecodeError>` fits in two
/// registers: decoding reads thousands of small values, and a wide error type would make
/// every one of them return through memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(Box<Details>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Details {
    kind: DecodeErrorKind,
    offset: usize,
    at: &'static Location,
}

/// A TL definition and one of its parameters, named in errors.
#[doc(hidden)]
#[derive(Debug, PartialEq, Eq)]
pub struct Location {
    /// The definition (`message`).
    pub ty: &'static str,
    /// The parameter (`entities`).
    pub field: &'static str,
}

impl Location {
    /// Outside any definition.
    pub const TOP: Location = Location { ty: "", field: "" };
}

impl DecodeError {
    pub(crate) fn new(kind: DecodeErrorKind, offset: usize, at: &'static Location) -> Self {
        DecodeError(Box::new(Details { kind, offset, at }))
    }

    /// What went wrong.
    pub fn kind(&self) -> &DecodeErrorKind {
        &self.0.kind
    }

    /// Byte offset in the input where it went wrong.
    pub fn offset(&self) -> usize {
        self.0.offset
    }

    /// The TL definition being read (`message`, `messages.sendMessage`), or `""`.
    pub fn ty(&self) -> &'static str {
        self.0.at.ty
    }

    /// The parameter being read (`entities`), or `""`.
    pub fn field(&self) -> &'static str {
        self.0.at.field
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.0.kind, self.0.offset)?;
        match (self.ty(), self.field()) {
            ("", _) => Ok(()),
            (ty, "") => write!(f, " in {ty}"),
            (ty, field) => write!(f, " in {ty}.{field}"),
        }
    }
}

impl std::error::Error for DecodeError {}

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
