//! The parsed form of a TL schema.

use std::fmt;

/// Whether a definition builds a value (a constructor) or asks for one (a function).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// A constructor of a (boxed) type, listed under `---types---`.
    Type,
    /// A remote procedure, listed under `---functions---`.
    Function,
}

/// One constructor or function of the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// Namespace parts before the name (`messages` in `messages.sendMessage`).
    pub namespace: Vec<String>,
    /// The name without its namespace (`sendMessage`).
    pub name: String,
    /// The constructor id: the explicit `#id` when given (verified), else the computed one.
    pub id: u32,
    /// Whether the schema wrote the id out.
    pub explicit_id: bool,
    /// Generic type parameters, written `{X:Type}`.
    pub generics: Vec<String>,
    /// Parameters in wire order.
    pub params: Vec<Param>,
    /// The type this constructor builds or this function returns.
    pub ty: TypeRef,
    /// Constructor or function.
    pub category: Category,
    /// The 1-based line of the schema text where the definition starts.
    pub line: usize,
}

impl Definition {
    /// The name with its namespace, as written in the schema (`messages.sendMessage`).
    pub fn full_name(&self) -> String {
        join(&self.namespace, &self.name)
    }
}

/// A named parameter of a definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The parameter name as written.
    pub name: String,
    /// What the parameter holds.
    pub kind: ParamKind,
}

/// The two shapes a parameter takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamKind {
    /// A `name:#` bit-set that later parameters are conditional on.
    Flags,
    /// A value, present always or only when `flag` is set.
    Value {
        /// The value's type.
        ty: TypeRef,
        /// The flag bit guarding it, if any.
        flag: Option<Flag>,
    },
}

/// A reference to bit `index` of the flags parameter called `name`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Flag {
    /// The flags parameter (`flags`, `flags2`).
    pub name: String,
    /// The bit, 0..=31.
    pub index: u32,
}

/// A type as used by a parameter or a result.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TypeRef {
    /// Namespace parts before the name.
    pub namespace: Vec<String>,
    /// The name without its namespace (`InputPeer`, `long`, `Vector`, `X`).
    pub name: String,
    /// A bare type: written with a lower-case first letter (or `%`), sent without its id.
    pub bare: bool,
    /// A `!X` reference to a generic parameter: the serialized query of another function.
    pub generic_ref: bool,
    /// The argument of a generic type, as in `Vector<long>`.
    pub arg: Option<Box<TypeRef>>,
}

impl TypeRef {
    /// The name with its namespace (`messages.Messages`).
    pub fn full_name(&self) -> String {
        join(&self.namespace, &self.name)
    }
}

impl fmt::Display for TypeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.generic_ref {
            f.write_str("!")?;
        }
        f.write_str(&self.full_name())?;
        if let Some(arg) = &self.arg {
            write!(f, "<{arg}>")?;
        }
        Ok(())
    }
}

fn join(namespace: &[String], name: &str) -> String {
    let mut out = String::new();
    for part in namespace {
        out.push_str(part);
        out.push('.');
    }
    out.push_str(name);
    out
}
