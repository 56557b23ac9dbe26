//! The reverse walk: a [`Value`] tree to bytes, driven by the definitions of the
//! registry it is encoded for (which may be another layer's than the one it was decoded
//! with; see [`convert`](super::convert)).

use super::{BOOL_FALSE_ID, BOOL_TRUE_ID, Object, Registry, VECTOR_ID, Value};
use crate::{Category, Definition, ParamKind, TypeRef};

/// Why a value could not be encoded with a schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}{}", if path.is_empty() { String::new() } else { format!(", in {path}") })]
pub struct EncodeError {
    /// What does not fit the schema.
    pub reason: String,
    /// The parameters being written, outermost first (`message.entities[2]`).
    pub path: String,
}

pub(super) struct Writer<'r> {
    registry: &'r Registry,
    out: Vec<u8>,
    path: Vec<String>,
    depth: usize,
}

impl<'r> Writer<'r> {
    pub(super) fn new(registry: &'r Registry) -> Self {
        Writer {
            registry,
            out: Vec::new(),
            path: Vec::new(),
            depth: 0,
        }
    }

    pub(super) fn finish(self) -> Vec<u8> {
        self.out
    }

    fn error(&self, reason: impl Into<String>) -> EncodeError {
        EncodeError {
            reason: reason.into(),
            path: self.path.join("."),
        }
    }

    fn mismatch(&self, value: &Value, ty: &str) -> EncodeError {
        self.error(format!("{} cannot be written as `{ty}`", kind(value)))
    }

    /// A value at the top level, where no parameter says its type: objects and `Bool`s
    /// boxed, vectors boxed with their elements as they are.
    pub(super) fn any(&mut self, value: &Value) -> Result<(), EncodeError> {
        match value {
            Value::Int(n) => self.out.extend(n.to_le_bytes()),
            Value::Long(n) => self.out.extend(n.to_le_bytes()),
            Value::Double(x) => self.out.extend(x.to_le_bytes()),
            Value::Int128(b) => self.out.extend(b),
            Value::Int256(b) => self.out.extend(b),
            Value::Bool(b) => self.bool(*b),
            Value::String(s) => self.byte_string(s.as_bytes()),
            Value::Bytes(b) => self.byte_string(b),
            Value::Vector(items) => {
                self.out.extend(VECTOR_ID.to_le_bytes());
                self.len(items.len())?;
                for (i, item) in items.iter().enumerate() {
                    self.path.push(format!("[{i}]"));
                    self.any(item)?;
                    self.path.pop();
                }
            }
            Value::Object(object) => self.boxed(object, None)?,
        }
        Ok(())
    }

    fn bool(&mut self, b: bool) {
        let id = if b { BOOL_TRUE_ID } else { BOOL_FALSE_ID };
        self.out.extend(id.to_le_bytes());
    }

    fn len(&mut self, n: usize) -> Result<(), EncodeError> {
        let n = i32::try_from(n).map_err(|_| self.error("a vector too long for TL"))?;
        self.out.extend(n.to_le_bytes());
        Ok(())
    }

    /// A TL byte string: a one-byte length and padding to 4, or 254 and a 3-byte length.
    fn byte_string(&mut self, data: &[u8]) {
        let start = self.out.len();
        if data.len() < 254 {
            self.out.push(data.len() as u8);
        } else {
            self.out.push(254);
            self.out.extend(&(data.len() as u32).to_le_bytes()[..3]);
        }
        self.out.extend(data);
        while !(self.out.len() - start).is_multiple_of(4) {
            self.out.push(0);
        }
    }

    /// The definition `object` names in this registry.
    fn definition(&self, object: &Object) -> Result<&'r Definition, EncodeError> {
        self.registry.definition_of(object).ok_or_else(|| {
            self.error(format!(
                "`{}` is not a {} of this schema",
                object.name,
                match object.category {
                    Category::Type => "constructor",
                    Category::Function => "function",
                }
            ))
        })
    }

    /// A constructor or function with its id; of type `ty` when a parameter says so.
    fn boxed(&mut self, object: &Object, ty: Option<&TypeRef>) -> Result<(), EncodeError> {
        let definition = self.definition(object)?;
        if let Some(ty) = ty
            && definition.ty.full_name() != ty.full_name()
        {
            return Err(self.error(format!("`{}` is not a constructor of `{ty}`", object.name)));
        }
        self.out.extend(definition.id.to_le_bytes());
        self.params(object, definition)
    }

    /// The parameters of `object` as `definition` lists them, flags computed from what
    /// is present.
    fn params(&mut self, object: &Object, definition: &'r Definition) -> Result<(), EncodeError> {
        self.depth += 1;
        if self.depth > self.registry.limits.max_depth {
            return Err(self.error("nested too deep"));
        }
        self.path.push(object.name.clone());
        for param in &definition.params {
            match &param.kind {
                ParamKind::Flags => {
                    let mut word = 0u32;
                    for other in &definition.params {
                        if let ParamKind::Value {
                            ty,
                            flag: Some(flag),
                        } = &other.kind
                            && flag.name == param.name
                            && present(object.get(&other.name), ty)
                        {
                            word |= 1_u32.checked_shl(flag.index).unwrap_or(0);
                        }
                    }
                    self.out.extend(word.to_le_bytes());
                }
                ParamKind::Value { ty, flag } => {
                    let value = object.get(&param.name);
                    if flag.is_some() {
                        match value {
                            Some(value) if present(Some(value), ty) => {}
                            _ => continue,
                        }
                    }
                    let Some(value) = value else {
                        return Err(self.error(format!(
                            "`{}` lacks its required `{}`",
                            object.name, param.name
                        )));
                    };
                    self.path.push(param.name.clone());
                    self.value(value, ty)?;
                    self.path.pop();
                }
            }
        }
        self.path.pop();
        self.depth -= 1;
        Ok(())
    }

    /// A parameter's value as its type says.
    fn value(&mut self, value: &Value, ty: &TypeRef) -> Result<(), EncodeError> {
        if ty.generic_ref {
            let Value::Object(object) = value else {
                return Err(self.mismatch(value, "!X"));
            };
            return self.boxed(object, None);
        }
        if ty.namespace.is_empty() {
            match (ty.name.as_str(), value) {
                ("int", Value::Int(n)) => self.out.extend(n.to_le_bytes()),
                ("long", Value::Long(n)) => self.out.extend(n.to_le_bytes()),
                ("double", Value::Double(x)) => self.out.extend(x.to_le_bytes()),
                ("int128", Value::Int128(b)) => self.out.extend(b),
                ("int256", Value::Int256(b)) => self.out.extend(b),
                ("string" | "bytes", Value::String(s)) => self.byte_string(s.as_bytes()),
                ("string" | "bytes", Value::Bytes(b)) => self.byte_string(b),
                ("true", Value::Bool(true)) => {}
                ("Bool", Value::Bool(b)) => self.bool(*b),
                ("Vector" | "vector", Value::Vector(items)) => {
                    if ty.name == "Vector" {
                        self.out.extend(VECTOR_ID.to_le_bytes());
                    }
                    self.len(items.len())?;
                    let element = ty.arg.as_deref();
                    for (i, item) in items.iter().enumerate() {
                        self.path.push(format!("[{i}]"));
                        match element {
                            Some(element) => self.value(item, element)?,
                            None => self.any(item)?,
                        }
                        self.path.pop();
                    }
                }
                ("Object", Value::Object(object)) => self.boxed(object, None)?,
                (
                    "int" | "long" | "double" | "int128" | "int256" | "string" | "bytes" | "true"
                    | "Bool" | "Vector" | "vector" | "Object",
                    _,
                ) => return Err(self.mismatch(value, &ty.to_string())),
                _ => return self.object(value, ty),
            }
            return Ok(());
        }
        self.object(value, ty)
    }

    /// A value of a constructed type: boxed, or bare (`%Message`, `message`).
    fn object(&mut self, value: &Value, ty: &TypeRef) -> Result<(), EncodeError> {
        let Value::Object(object) = value else {
            return Err(self.mismatch(value, &ty.to_string()));
        };
        if !ty.bare {
            return self.boxed(object, Some(ty));
        }
        let definition = self.definition(object)?;
        let name = ty.full_name();
        if definition.full_name() != name && definition.ty.full_name() != name {
            return Err(self.error(format!("`{}` is not a bare `{ty}`", object.name)));
        }
        self.params(object, definition)
    }
}

/// Whether a conditional parameter counts as present: a `true` one only when set.
fn present(value: Option<&Value>, ty: &TypeRef) -> bool {
    match value {
        None => false,
        Some(Value::Bool(set)) if ty.name == "true" && ty.namespace.is_empty() => *set,
        Some(_) => true,
    }
}

/// What a value is, for errors.
fn kind(value: &Value) -> String {
    match value {
        Value::Int(_) => "an int".into(),
        Value::Long(_) => "a long".into(),
        Value::Double(_) => "a double".into(),
        Value::Int128(_) => "an int128".into(),
        Value::Int256(_) => "an int256".into(),
        Value::Bool(_) => "a Bool".into(),
        Value::String(_) => "a string".into(),
        Value::Bytes(_) => "bytes".into(),
        Value::Vector(_) => "a vector".into(),
        Value::Object(object) => format!("`{}`", object.name),
    }
}
