//! The tree a dynamic decode produces, and how it prints.

use std::fmt;

use crate::Category;

/// A decoded TL value.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// An `int`.
    Int(i32),
    /// A `long`.
    Long(i64),
    /// A `double`.
    Double(f64),
    /// An `int128`, in wire order.
    Int128([u8; 16]),
    /// An `int256`, in wire order.
    Int256([u8; 32]),
    /// A `Bool` (`boolTrue` / `boolFalse`), or a `flags.N?true` parameter whose bit is set.
    Bool(bool),
    /// A `string` holding UTF-8.
    String(String),
    /// A `bytes` value, or a `string` that is not UTF-8 (TL strings are byte strings).
    Bytes(Vec<u8>),
    /// A `Vector<T>` or `vector<T>`.
    Vector(Vec<Value>),
    /// A constructor or a function, with its parameters.
    Object(Box<Object>),
}

/// A decoded constructor or function.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    /// The name with its namespace, as the schema writes it (`help.getConfig`).
    pub name: String,
    /// Its constructor id.
    pub id: u32,
    /// Whether it is a constructor or a function.
    pub category: Category,
    /// The parameters present, in wire order. `flags` words are left out (each conditional
    /// parameter is present or not instead), and so are `flags.N?true` parameters whose
    /// bit is clear.
    pub fields: Vec<Field>,
}

/// A named parameter of a decoded [`Object`].
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The parameter name.
    pub name: String,
    /// Its value.
    pub value: Value,
}

impl Object {
    /// The value of the parameter called `name`, if present.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields
            .iter()
            .find(|field| field.name == name)
            .map(|field| &field.value)
    }
}

/// Lowercase hexadecimal of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    out
}

/// `{}` prints on one line (`inputPeerUser { user_id: 1, access_hash: 2 }`); `{:#}` puts
/// each parameter and vector element on its own line, indented.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let indent = f.alternate().then_some(0);
        write_value(f, self, indent)
    }
}

/// Prints as [`Value`] does.
impl fmt::Display for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let indent = f.alternate().then_some(0);
        write_object(f, self, indent)
    }
}

fn write_value(f: &mut fmt::Formatter<'_>, value: &Value, indent: Option<usize>) -> fmt::Result {
    match value {
        Value::Int(n) => write!(f, "{n}"),
        Value::Long(n) => write!(f, "{n}"),
        // Debug keeps the decimal point, so a double never reads as an integer.
        Value::Double(x) => write!(f, "{x:?}"),
        Value::Int128(bytes) => write!(f, "0x{}", to_hex(bytes)),
        Value::Int256(bytes) => write!(f, "0x{}", to_hex(bytes)),
        Value::Bool(b) => write!(f, "{b}"),
        Value::String(s) => write!(f, "{s:?}"),
        Value::Bytes(bytes) if bytes.is_empty() => f.write_str("bytes[0]"),
        Value::Bytes(bytes) => write!(f, "bytes[{}] {}", bytes.len(), to_hex(bytes)),
        Value::Vector(items) => write_vector(f, items, indent),
        Value::Object(object) => write_object(f, object, indent),
    }
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Vector(_) | Value::Object(_))
}

fn write_vector(f: &mut fmt::Formatter<'_>, items: &[Value], indent: Option<usize>) -> fmt::Result {
    // Vectors of numbers and strings stay on one line even when printed indented: a list
    // of ids one per line is harder to read, not easier.
    let indent = indent.filter(|_| !items.iter().all(is_scalar));
    f.write_str("[")?;
    for (i, item) in items.iter().enumerate() {
        match indent {
            Some(level) => {
                newline(f, level + 1)?;
                write_value(f, item, Some(level + 1))?;
                f.write_str(",")?;
            }
            None => {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write_value(f, item, None)?;
            }
        }
    }
    if let (Some(level), false) = (indent, items.is_empty()) {
        newline(f, level)?;
    }
    f.write_str("]")
}

fn write_object(f: &mut fmt::Formatter<'_>, object: &Object, indent: Option<usize>) -> fmt::Result {
    f.write_str(&object.name)?;
    if object.fields.is_empty() {
        return f.write_str(" {}");
    }
    f.write_str(" {")?;
    for (i, field) in object.fields.iter().enumerate() {
        match indent {
            Some(level) => {
                newline(f, level + 1)?;
                write!(f, "{}: ", field.name)?;
                write_value(f, &field.value, Some(level + 1))?;
                f.write_str(",")?;
            }
            None => {
                f.write_str(if i > 0 { ", " } else { " " })?;
                write!(f, "{}: ", field.name)?;
                write_value(f, &field.value, None)?;
            }
        }
    }
    match indent {
        Some(level) => {
            newline(f, level)?;
            f.write_str("}")
        }
        None => f.write_str(" }"),
    }
}

fn newline(f: &mut fmt::Formatter<'_>, level: usize) -> fmt::Result {
    f.write_str("\n")?;
    for _ in 0..level {
        f.write_str("  ")?;
    }
    Ok(())
}
