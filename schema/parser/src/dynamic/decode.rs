//! The walk over the bytes: one method per shape of value.

use std::io::Read as _;

use flate2::read::GzDecoder;

use super::{
    BOOL_FALSE_ID, BOOL_TRUE_ID, DecodeError, DecodeErrorKind, Field, GZIP_PACKED_ID, Limits,
    Object, Registry, VECTOR_ID, Value,
};
use crate::{Category, Definition, ParamKind, TypeRef};

/// A position in a buffer. Reads that run short leave it where it was.
struct Cursor<'b> {
    buf: &'b [u8],
    pos: usize,
}

impl<'b> Cursor<'b> {
    fn new(buf: &'b [u8]) -> Self {
        Cursor { buf, pos: 0 }
    }

    fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn take(&mut self, n: usize) -> Result<&'b [u8], DecodeErrorKind> {
        if n > self.remaining() {
            return Err(DecodeErrorKind::UnexpectedEnd {
                needed: n - self.remaining(),
            });
        }
        let data = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(data)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeErrorKind> {
        let data = self.take(N)?;
        let mut out = [0; N];
        out.copy_from_slice(data);
        Ok(out)
    }
}

/// Where the walk is, for errors.
#[derive(Debug, Clone, Copy)]
enum Segment<'r> {
    Object(&'r Definition),
    /// `gzip_packed`, which is not a definition of the schemas.
    Packed,
    Field(&'r str),
    Index(usize),
}

/// What a boxed value may be.
#[derive(Debug, Clone, Copy)]
enum Expect<'r> {
    /// Any constructor or function, looked up first among this category.
    Any(Category),
    /// A constructor of this type.
    Type(&'r TypeRef),
}

/// One decode: the registry, the budgets spent so far and the path being read.
pub(super) struct Walker<'r> {
    registry: &'r Registry,
    limits: Limits,
    depth: usize,
    values: usize,
    unpacked: usize,
    path: Vec<Segment<'r>>,
    /// The schema of the definition being read, for bare references by name.
    source: usize,
}

impl<'r> Walker<'r> {
    pub(super) fn new(registry: &'r Registry) -> Self {
        Walker {
            registry,
            limits: registry.limits,
            depth: 0,
            values: 0,
            unpacked: 0,
            path: Vec::new(),
            source: 0,
        }
    }

    /// A boxed value (or a vector of them) taking up all of `bytes`.
    pub(super) fn decode_all(mut self, bytes: &[u8]) -> Result<Value, DecodeError> {
        let mut cur = Cursor::new(bytes);
        let value = self.boxed(&mut cur, Expect::Any(Category::Type))?;
        self.finish(&cur)?;
        Ok(value)
    }

    fn error(&self, cur: &Cursor<'_>, kind: DecodeErrorKind) -> DecodeError {
        let mut path = String::new();
        for segment in &self.path {
            match segment {
                Segment::Index(i) => path.push_str(&format!("[{i}]")),
                named => {
                    if !path.is_empty() {
                        path.push_str(" > ");
                    }
                    match named {
                        Segment::Object(definition) => path.push_str(&definition.full_name()),
                        Segment::Field(name) => path.push_str(name),
                        Segment::Packed | Segment::Index(_) => path.push_str("gzip_packed"),
                    }
                }
            }
        }
        DecodeError {
            kind,
            offset: cur.pos,
            path,
        }
    }

    fn schema_error(&self, cur: &Cursor<'_>, reason: String) -> DecodeError {
        self.error(cur, DecodeErrorKind::Schema { reason })
    }

    fn finish(&self, cur: &Cursor<'_>) -> Result<(), DecodeError> {
        match cur.remaining() {
            0 => Ok(()),
            count => Err(self.error(cur, DecodeErrorKind::TrailingBytes { count })),
        }
    }

    fn take<'b>(&self, cur: &mut Cursor<'b>, n: usize) -> Result<&'b [u8], DecodeError> {
        cur.take(n).map_err(|kind| self.error(cur, kind))
    }

    fn array<const N: usize>(&self, cur: &mut Cursor<'_>) -> Result<[u8; N], DecodeError> {
        cur.array().map_err(|kind| self.error(cur, kind))
    }

    fn u32(&self, cur: &mut Cursor<'_>) -> Result<u32, DecodeError> {
        self.array(cur).map(u32::from_le_bytes)
    }

    /// A TL byte string: a 1-byte length (or 254 and a 3-byte length), the data, padding
    /// to a multiple of 4.
    fn byte_string<'b>(&self, cur: &mut Cursor<'b>) -> Result<&'b [u8], DecodeError> {
        let start = cur.pos;
        let (len, header) = match self.array::<1>(cur)?[0] {
            254 => {
                let [a, b, c] = self.array::<3>(cur)?;
                (u32::from_le_bytes([a, b, c, 0]) as usize, 4)
            }
            255 => {
                cur.pos = start;
                return Err(self.error(cur, DecodeErrorKind::BadStringHeader));
            }
            short => (usize::from(short), 1),
        };
        let data = self.take(cur, len)?;
        self.take(cur, (4 - (header + len) % 4) % 4)?;
        Ok(data)
    }

    /// Counts one more value against [`Limits::max_values`].
    fn count(&mut self, cur: &Cursor<'_>) -> Result<(), DecodeError> {
        self.values += 1;
        if self.values > self.limits.max_values {
            return Err(self.error(
                cur,
                DecodeErrorKind::TooManyValues {
                    limit: self.limits.max_values,
                },
            ));
        }
        Ok(())
    }

    /// Goes one level deeper, within [`Limits::max_depth`]; [`leave`](Self::leave) undoes it.
    fn enter(&mut self, cur: &Cursor<'_>) -> Result<(), DecodeError> {
        self.depth += 1;
        if self.depth > self.limits.max_depth {
            return Err(self.error(
                cur,
                DecodeErrorKind::TooDeep {
                    limit: self.limits.max_depth,
                },
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// A value of the parameter type `ty`.
    fn value(&mut self, cur: &mut Cursor<'_>, ty: &'r TypeRef) -> Result<Value, DecodeError> {
        self.count(cur)?;
        if ty.generic_ref {
            // `query:!X`: the serialized request of another function.
            return self.boxed(cur, Expect::Any(Category::Function));
        }
        if ty.namespace.is_empty() {
            match ty.name.as_str() {
                "int" => return self.array(cur).map(|b| Value::Int(i32::from_le_bytes(b))),
                "long" => return self.array(cur).map(|b| Value::Long(i64::from_le_bytes(b))),
                "double" => {
                    return self
                        .array(cur)
                        .map(|b| Value::Double(f64::from_le_bytes(b)));
                }
                "int128" => return self.array(cur).map(Value::Int128),
                "int256" => return self.array(cur).map(Value::Int256),
                "bytes" => return self.byte_string(cur).map(|b| Value::Bytes(b.to_vec())),
                "string" => {
                    let data = self.byte_string(cur)?;
                    return Ok(match std::str::from_utf8(data) {
                        Ok(text) => Value::String(text.to_owned()),
                        Err(_) => Value::Bytes(data.to_vec()),
                    });
                }
                // A bare `true` takes no bytes.
                "true" => return Ok(Value::Bool(true)),
                "Bool" => return self.bool(cur),
                "Vector" => {
                    let start = cur.pos;
                    let id = self.u32(cur)?;
                    if id != VECTOR_ID {
                        cur.pos = start;
                        return Err(self.error(cur, DecodeErrorKind::NotVector { found: id }));
                    }
                    return self.vector(cur, ty);
                }
                "vector" => return self.vector(cur, ty),
                "Object" => return self.boxed(cur, Expect::Any(Category::Type)),
                _ => {}
            }
        }
        if ty.bare {
            let index = self.bare_constructor(cur, ty)?;
            self.object(cur, index)
        } else {
            self.boxed(cur, Expect::Type(ty))
        }
    }

    fn bool(&mut self, cur: &mut Cursor<'_>) -> Result<Value, DecodeError> {
        let start = cur.pos;
        match self.u32(cur)? {
            BOOL_TRUE_ID => Ok(Value::Bool(true)),
            BOOL_FALSE_ID => Ok(Value::Bool(false)),
            found => {
                cur.pos = start;
                Err(self.error(cur, DecodeErrorKind::NotBool { found }))
            }
        }
    }

    /// The constructor a bare reference names: by its own name (`message`), or the only
    /// constructor of a boxed type (`%Message`).
    fn bare_constructor(&self, cur: &Cursor<'_>, ty: &TypeRef) -> Result<usize, DecodeError> {
        let registry = self.registry;
        let name = ty.full_name();
        if let Some(candidates) = registry.by_name.get(&name) {
            let own = candidates
                .iter()
                .find(|&&index| registry.sources[index] == self.source);
            if let Some(&index) = own.or(candidates.first()) {
                return Ok(index);
            }
        }
        match registry.by_type.get(&name).map(Vec::as_slice) {
            Some(&[index]) => Ok(index),
            Some(_) => Err(self.schema_error(
                cur,
                format!("bare `{ty}` names a type with several constructors"),
            )),
            None => Err(self.schema_error(cur, format!("unknown type `{ty}`"))),
        }
    }

    /// A boxed value: a constructor id, then the constructor's parameters.
    fn boxed(&mut self, cur: &mut Cursor<'_>, expect: Expect<'r>) -> Result<Value, DecodeError> {
        let start = cur.pos;
        let id = self.u32(cur)?;
        if id == GZIP_PACKED_ID {
            return self.gzip_packed(cur, expect);
        }
        let registry = self.registry;
        let index = match expect {
            Expect::Any(prefer) => {
                if id == VECTOR_ID {
                    return self.vector_of_any(cur);
                }
                let (first, second) = match prefer {
                    Category::Type => (&registry.constructors, &registry.functions),
                    Category::Function => (&registry.functions, &registry.constructors),
                };
                first.get(&id).or_else(|| second.get(&id)).copied()
            }
            Expect::Type(_) => registry.constructors.get(&id).copied(),
        };
        let Some(index) = index else {
            cur.pos = start;
            return Err(self.error(cur, DecodeErrorKind::UnknownId { id }));
        };
        let definition = &registry.definitions[index];
        if let Expect::Type(ty) = expect
            && definition.ty.full_name() != ty.full_name()
        {
            cur.pos = start;
            return Err(self.error(
                cur,
                DecodeErrorKind::WrongType {
                    expected: ty.full_name(),
                    found: definition.full_name(),
                },
            ));
        }
        self.object(cur, index)
    }

    /// `gzip_packed`: the data inflated (within [`Limits::max_unpacked`]) and read as the
    /// value it stands in for. The tree keeps the wrapper, so it shows what was packed.
    fn gzip_packed(
        &mut self,
        cur: &mut Cursor<'_>,
        expect: Expect<'r>,
    ) -> Result<Value, DecodeError> {
        self.enter(cur)?;
        self.path.push(Segment::Packed);
        self.path.push(Segment::Field("packed_data"));
        let packed = self.byte_string(cur)?;
        let budget = self.limits.max_unpacked - self.unpacked;
        let mut unpacked = Vec::new();
        // One byte past the budget tells "exactly at the limit" from "over it".
        let read = GzDecoder::new(packed)
            .take((budget as u64).saturating_add(1))
            .read_to_end(&mut unpacked);
        if let Err(e) = read {
            return Err(self.error(
                cur,
                DecodeErrorKind::Gzip {
                    reason: e.to_string(),
                },
            ));
        }
        if unpacked.len() > budget {
            return Err(self.error(
                cur,
                DecodeErrorKind::UnpackedTooLarge {
                    limit: self.limits.max_unpacked,
                },
            ));
        }
        self.unpacked += unpacked.len();
        let mut inner = Cursor::new(&unpacked);
        let value = self.boxed(&mut inner, expect)?;
        self.finish(&inner)?;
        self.path.truncate(self.path.len() - 2);
        self.leave();
        Ok(Value::Object(Box::new(Object {
            name: "gzip_packed".to_owned(),
            id: GZIP_PACKED_ID,
            category: Category::Type,
            fields: vec![Field {
                name: "packed_data".to_owned(),
                value,
            }],
        })))
    }

    /// The fewest bytes a value of `ty` takes, to refuse vector lengths the input cannot
    /// hold before reading them; 0 where that is not known cheaply.
    fn min_size(ty: &TypeRef) -> usize {
        if ty.generic_ref || !ty.namespace.is_empty() {
            return 4;
        }
        match ty.name.as_str() {
            "long" | "double" => 8,
            "int128" => 16,
            "int256" => 32,
            "Vector" => 8,
            "true" => 0,
            // Bare constructors may have no parameters.
            _ if ty.bare && !matches!(ty.name.as_str(), "int" | "string" | "bytes" | "vector") => 0,
            _ => 4,
        }
    }

    /// A vector's count and elements (after the boxed header, if any).
    fn vector(&mut self, cur: &mut Cursor<'_>, ty: &'r TypeRef) -> Result<Value, DecodeError> {
        let Some(element) = ty.arg.as_deref() else {
            return Err(self.schema_error(cur, format!("`{ty}` without an element type")));
        };
        self.elements(cur, Self::min_size(element), |walker, cur| {
            walker.value(cur, element)
        })
    }

    /// A boxed vector where any boxed value may stand (`Object`, or the top level): its
    /// elements are read as boxed values too.
    fn vector_of_any(&mut self, cur: &mut Cursor<'_>) -> Result<Value, DecodeError> {
        self.elements(cur, 4, |walker, cur| {
            walker.count(cur)?;
            walker.boxed(cur, Expect::Any(Category::Type))
        })
    }

    fn elements<'b>(
        &mut self,
        cur: &mut Cursor<'b>,
        min_size: usize,
        mut element: impl FnMut(&mut Self, &mut Cursor<'b>) -> Result<Value, DecodeError>,
    ) -> Result<Value, DecodeError> {
        let start = cur.pos;
        let length = i32::from_le_bytes(self.array(cur)?);
        let fits = usize::try_from(length)
            .ok()
            .filter(|&n| n.saturating_mul(min_size) <= cur.remaining());
        let Some(length) = fits else {
            let remaining = cur.remaining();
            cur.pos = start;
            return Err(self.error(
                cur,
                DecodeErrorKind::BadLength {
                    length: i64::from(length),
                    remaining,
                },
            ));
        };
        self.enter(cur)?;
        let mut items = Vec::with_capacity(length.min(cur.remaining() / min_size.max(1)));
        for i in 0..length {
            self.path.push(Segment::Index(i));
            items.push(element(self, cur)?);
            self.path.pop();
        }
        self.leave();
        Ok(Value::Vector(items))
    }

    /// The parameters of the definition at `index`, its id already read.
    fn object(&mut self, cur: &mut Cursor<'_>, index: usize) -> Result<Value, DecodeError> {
        let registry = self.registry;
        let definition = &registry.definitions[index];
        let outer_source = std::mem::replace(&mut self.source, registry.sources[index]);
        self.enter(cur)?;
        self.path.push(Segment::Object(definition));
        let mut flags: Vec<(&str, u32)> = Vec::new();
        let mut fields = Vec::with_capacity(definition.params.len());
        for param in &definition.params {
            self.path.push(Segment::Field(&param.name));
            match &param.kind {
                ParamKind::Flags => flags.push((&param.name, self.u32(cur)?)),
                ParamKind::Value { ty, flag } => {
                    if let Some(flag) = flag {
                        let Some(&(_, word)) = flags.iter().find(|(name, _)| *name == flag.name)
                        else {
                            return Err(self.schema_error(
                                cur,
                                format!("flag `{}` is used before it is read", flag.name),
                            ));
                        };
                        if word & 1_u32.checked_shl(flag.index).unwrap_or(0) == 0 {
                            self.path.pop();
                            continue;
                        }
                    }
                    let value = match sized_by(&fields, ty) {
                        Some(size) => self.sized_object(cur, size)?,
                        None => self.value(cur, ty)?,
                    };
                    fields.push(Field {
                        name: param.name.clone(),
                        value,
                    });
                }
            }
            self.path.pop();
        }
        self.path.pop();
        self.leave();
        self.source = outer_source;
        Ok(Value::Object(Box::new(Object {
            name: definition.full_name(),
            id: definition.id,
            category: definition.category,
            fields,
        })))
    }

    /// A boxed value that must take up exactly `size` bytes.
    fn sized_object(&mut self, cur: &mut Cursor<'_>, size: i32) -> Result<Value, DecodeError> {
        self.count(cur)?;
        let remaining = cur.remaining();
        let Some(size) = usize::try_from(size).ok().filter(|&n| n <= remaining) else {
            return Err(self.error(
                cur,
                DecodeErrorKind::BadSize {
                    size: i64::from(size),
                    remaining,
                },
            ));
        };
        // The same buffer cut short, so offsets in errors stay those of the input.
        let mut inner = Cursor {
            buf: &cur.buf[..cur.pos + size],
            pos: cur.pos,
        };
        let value = self.boxed(&mut inner, Expect::Any(Category::Type))?;
        self.finish(&inner)?;
        cur.pos = inner.pos;
        Ok(value)
    }
}

/// An `Object` parameter after an `int` parameter called `bytes` (an MTProto `message`'s
/// body) is that many bytes long, as the generated types read it.
fn sized_by(fields: &[Field], ty: &TypeRef) -> Option<i32> {
    if ty.name != "Object" || !ty.namespace.is_empty() {
        return None;
    }
    fields.iter().rev().find_map(|field| match field.value {
        Value::Int(size) if field.name == "bytes" => Some(size),
        _ => None,
    })
}
