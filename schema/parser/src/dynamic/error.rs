//! Why a dynamic decode failed.

/// A value could not be decoded: what went wrong, where in the bytes, and in which
/// parameter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} (at byte {offset}{})", in_path(path))]
pub struct DecodeError {
    /// What went wrong.
    pub kind: DecodeErrorKind,
    /// The byte offset where it went wrong, in the buffer being read: the input, or the
    /// unpacked data of the innermost `gzip_packed` on [`path`](Self::path).
    pub offset: usize,
    /// The parameters being read, outermost first (`message.entities[2].offset`); empty
    /// at the top level.
    pub path: String,
}

fn in_path(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(", in {path}")
    }
}

/// The kinds of [`DecodeError`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The input ends in the middle of a value.
    #[error("the input ends early: {needed} more bytes needed")]
    UnexpectedEnd {
        /// How many more bytes the value needs (at least).
        needed: usize,
    },
    /// No constructor or function of the schema has this id.
    #[error("unknown constructor id {id:#010x}")]
    UnknownId {
        /// The id read.
        id: u32,
    },
    /// The constructor read belongs to another type than the parameter's.
    #[error("{found} is not a constructor of {expected}")]
    WrongType {
        /// The parameter's type.
        expected: String,
        /// The constructor read.
        found: String,
    },
    /// A `Vector<T>` does not start with the vector constructor id.
    #[error("expected a vector (0x1cb5c415), found id {found:#010x}")]
    NotVector {
        /// The id read.
        found: u32,
    },
    /// A `Bool` is neither `boolTrue` nor `boolFalse`.
    #[error("expected boolTrue or boolFalse, found id {found:#010x}")]
    NotBool {
        /// The id read.
        found: u32,
    },
    /// A `string` or `bytes` whose first byte is 255, which no length encoding uses.
    #[error("a byte string cannot start with 255")]
    BadStringHeader,
    /// A vector's element count is negative or more than the bytes left can hold.
    #[error("a vector of {length} elements cannot fit in the {remaining} bytes left")]
    BadLength {
        /// The count read.
        length: i64,
        /// The bytes left in the buffer.
        remaining: usize,
    },
    /// Objects and vectors nest deeper than [`Limits::max_depth`](super::Limits).
    #[error("values nest deeper than {limit} levels")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// The input holds more values than [`Limits::max_values`](super::Limits).
    #[error("more than {limit} values")]
    TooManyValues {
        /// The limit.
        limit: usize,
    },
    /// `gzip_packed` data that does not inflate.
    #[error("gzip_packed data does not inflate: {reason}")]
    Gzip {
        /// The inflater's complaint.
        reason: String,
    },
    /// `gzip_packed` data inflating past [`Limits::max_unpacked`](super::Limits), counted
    /// over the whole input.
    #[error("gzip_packed data unpacks to more than {limit} bytes")]
    UnpackedTooLarge {
        /// The limit.
        limit: usize,
    },
    /// The value ends before the buffer does.
    #[error("{count} bytes left over after the value")]
    TrailingBytes {
        /// How many.
        count: usize,
    },
    /// An `Object` sized by an earlier `bytes:int` parameter (the body of an MTProto
    /// `message`) whose size is negative or larger than the bytes left.
    #[error("an object of {size} bytes cannot fit in the {remaining} bytes left")]
    BadSize {
        /// The size read.
        size: i64,
        /// The bytes left in the buffer.
        remaining: usize,
    },
    /// The schema has a parameter this decoder cannot read: an unknown type, a bare type
    /// with no single constructor, or a flag of a `flags` word not read before it.
    #[error("the schema cannot be decoded here: {reason}")]
    Schema {
        /// What is missing.
        reason: String,
    },
}
