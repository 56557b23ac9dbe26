//! A decoder driven by a parsed schema (feature `dynamic`): any TL value to a tree of named
//! fields, without generated types.
//!
//! A [`Registry`] indexes the definitions of one or more [`Schema`]s; its
//! [`decode`](Registry::decode) reads a boxed constructor or function and returns a
//! [`Value`] tree. It follows the wire rules the generated types follow: constructor ids
//! for boxed types, `flags.N?T` parameters, boxed `Vector<T>` (with the `0x1cb5c415`
//! header) and bare `vector<T>`, `Bool`, `int128` / `int256`, `string` / `bytes`, generic
//! `!X` queries, `gzip_packed` (inflated), and an MTProto `message`'s body sized by its
//! `bytes` parameter.
//!
//! Input is untrusted: every length is checked against the bytes left, nesting, the
//! number of values and the unpacked size of `gzip_packed` data are bounded by [`Limits`],
//! and anything else fails with a [`DecodeError`]; no input panics.
//!
//! ```
//! use oxigram_tl_parser::dynamic::{Registry, Value};
//!
//! let schema = oxigram_tl_parser::parse(
//!     "inputPeerUser#dde8a54c user_id:long access_hash:long = InputPeer;",
//! )?;
//! let registry = Registry::new([schema]);
//! let mut bytes = 0xdde8a54c_u32.to_le_bytes().to_vec();
//! bytes.extend(5_i64.to_le_bytes());
//! bytes.extend((-1_i64).to_le_bytes());
//! let value = registry.decode(&bytes)?;
//! assert_eq!(value.to_string(), "inputPeerUser { user_id: 5, access_hash: -1 }");
//! let Value::Object(object) = &value else { unreachable!() };
//! assert_eq!(object.get("user_id"), Some(&Value::Long(5)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod convert;
mod decode;
mod encode;
mod error;
mod value;

use std::collections::HashMap;

use crate::{Category, Definition, Schema};

pub use convert::Conversion;
pub use encode::EncodeError;
pub use error::{DecodeError, DecodeErrorKind};
pub use value::{Field, Object, Value, to_hex};

/// The id of the boxed vector constructor.
pub const VECTOR_ID: u32 = 0x1cb5c415;
/// The id of `boolTrue`.
pub const BOOL_TRUE_ID: u32 = 0x997275b5;
/// The id of `boolFalse`.
pub const BOOL_FALSE_ID: u32 = 0xbc799737;
/// The id of `gzip_packed`, which may stand in for any boxed value.
pub const GZIP_PACKED_ID: u32 = 0x3072cfa1;

/// Bounds on what one decode may build, against hostile input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// How deep objects and vectors may nest.
    pub max_depth: usize,
    /// How many values (objects, vector elements, parameters) one decode may produce.
    pub max_values: usize,
    /// How many bytes all `gzip_packed` data of one decode may unpack to, in total.
    pub max_unpacked: usize,
}

impl Default for Limits {
    /// 64 levels (as the generated types allow), a million values, 64 MiB unpacked.
    fn default() -> Self {
        Limits {
            max_depth: 64,
            max_values: 1 << 20,
            max_unpacked: 64 << 20,
        }
    }
}

/// The definitions of one or more schemas, indexed for decoding.
#[derive(Debug, Clone)]
pub struct Registry {
    definitions: Vec<Definition>,
    /// Which of the schemas each definition came from.
    sources: Vec<usize>,
    constructors: HashMap<u32, usize>,
    functions: HashMap<u32, usize>,
    /// Constructors by full name, for bare references (`vector<message>`). Schemas may
    /// reuse a name (`message` is both MTProto's envelope and the API's chat message), so
    /// a reference looks first among the constructors of its own schema.
    by_name: HashMap<String, Vec<usize>>,
    /// Constructors by the full name of their type, for bare references to a boxed type
    /// with a single constructor (`%Message`).
    by_type: HashMap<String, Vec<usize>>,
    /// Functions by full name.
    functions_by_name: HashMap<String, usize>,
    limits: Limits,
}

impl Registry {
    /// Indexes the definitions of `schemas` (for Telegram, `api.tl` and `mtproto.tl`).
    ///
    /// Where two definitions of the same category share an id, the first one wins: the
    /// schemas Telegram publishes repeat a few service constructors across files.
    pub fn new(schemas: impl IntoIterator<Item = Schema>) -> Self {
        let mut registry = Registry {
            definitions: Vec::new(),
            sources: Vec::new(),
            constructors: HashMap::new(),
            functions: HashMap::new(),
            by_name: HashMap::new(),
            by_type: HashMap::new(),
            functions_by_name: HashMap::new(),
            limits: Limits::default(),
        };
        let definitions = schemas
            .into_iter()
            .enumerate()
            .flat_map(|(source, schema)| schema.definitions.into_iter().map(move |d| (source, d)));
        for (source, definition) in definitions {
            let index = registry.definitions.len();
            let by_id = match definition.category {
                Category::Type => &mut registry.constructors,
                Category::Function => &mut registry.functions,
            };
            if by_id.contains_key(&definition.id) {
                continue;
            }
            by_id.insert(definition.id, index);
            if definition.category == Category::Type {
                registry
                    .by_name
                    .entry(definition.full_name())
                    .or_default()
                    .push(index);
                registry
                    .by_type
                    .entry(definition.ty.full_name())
                    .or_default()
                    .push(index);
            } else {
                registry
                    .functions_by_name
                    .entry(definition.full_name())
                    .or_insert(index);
            }
            registry.definitions.push(definition);
            registry.sources.push(source);
        }
        registry
    }

    /// The same registry with other [`Limits`].
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The limits decodes run under.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The constructor with this id, if any.
    pub fn constructor(&self, id: u32) -> Option<&Definition> {
        self.constructors.get(&id).map(|&i| &self.definitions[i])
    }

    /// The function with this id, if any.
    pub fn function(&self, id: u32) -> Option<&Definition> {
        self.functions.get(&id).map(|&i| &self.definitions[i])
    }

    /// The constructor or function called `name` (with its namespace), the first one
    /// indexed when schemas repeat a name.
    pub fn named(&self, category: Category, name: &str) -> Option<&Definition> {
        let index = match category {
            Category::Type => self.by_name.get(name)?.first().copied(),
            Category::Function => self.functions_by_name.get(name).copied(),
        }?;
        Some(&self.definitions[index])
    }

    /// The definition of `object` here: the one with its id when that has its name too
    /// (schemas reuse names: MTProto's `message` and the API's), else the one named so.
    pub(crate) fn definition_of(&self, object: &Object) -> Option<&Definition> {
        let by_id = match object.category {
            Category::Type => self.constructor(object.id),
            Category::Function => self.function(object.id),
        };
        by_id
            .filter(|d| d.full_name() == object.name)
            .or_else(|| self.named(object.category, &object.name))
    }

    /// The constructors of the boxed type called `name` (`InputPeer`), in schema order.
    pub fn constructors_of<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a Definition> {
        self.by_type
            .get(name)
            .into_iter()
            .flatten()
            .map(|&index| &self.definitions[index])
    }

    /// Encodes `value` as this registry's schema writes it: objects boxed with the ids
    /// of the constructors and functions of the same names here, flags computed from
    /// the parameters present. The reverse of [`Registry::decode`] (which it gives back
    /// byte for byte, but for `gzip_packed` data, written unpacked).
    pub fn encode(&self, value: &Value) -> Result<Vec<u8>, EncodeError> {
        let mut writer = encode::Writer::new(self);
        writer.any(value)?;
        Ok(writer.finish())
    }

    /// Decodes `bytes` as one boxed value: a constructor (preferred when an id names both)
    /// or a function, a `gzip_packed` wrapping one, or a boxed vector of boxed values.
    /// The value must take up all of `bytes`.
    pub fn decode(&self, bytes: &[u8]) -> Result<Value, DecodeError> {
        decode::Walker::new(self).decode_all(bytes)
    }
}

#[cfg(test)]
mod tests;
