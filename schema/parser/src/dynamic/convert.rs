//! Values moved between layers: a tree decoded with one schema rewritten so that a peer
//! on another schema can read it (an answer down to the layer a client announced, or an
//! older client's request up to the newest layer).
//!
//! The rules, where the two schemas differ:
//! - a constructor or function is matched by name; its parameters by name;
//! - a constructor the target lacks becomes the target's constructor of the same type
//!   that shares the most parameter names with it (ties: the one with fewer required
//!   parameters, then fewer parameters); in a vector it is left out instead (a list of updates loses the ones
//!   the peer could not read, rather than gaining made-up ones);
//! - a parameter the target lacks is dropped; a required one the value lacks gets its
//!   type's neutral value (0, an empty string or vector, `false`, the type's
//!   constructor with the fewest required parameters, each neutral in turn); an
//!   optional one is left out;
//! - `int` and `long` convert into each other where the number fits, `string` and
//!   `bytes` always; a `string` and an object with a `text` parameter (as
//!   `textWithEntities`, which replaced plain strings in many places) into each other,
//!   by that parameter.

use super::{Field, Object, Registry, Value};
use crate::{Category, Definition, ParamKind, TypeRef};

/// How deep neutral values are built for a required parameter of a constructed type.
const MAX_NEUTRAL_DEPTH: usize = 8;

/// Rewrites values read with the `from` schema for a peer that speaks `to`'s.
#[derive(Debug, Clone, Copy)]
pub struct Conversion<'a> {
    from: &'a Registry,
    to: &'a Registry,
}

impl<'a> Conversion<'a> {
    /// From values of `from`'s schema to `to`'s.
    pub fn new(from: &'a Registry, to: &'a Registry) -> Self {
        Conversion { from, to }
    }

    /// `value` as `to` can carry it, ready for [`Registry::encode`] with `to`; `None`
    /// when `to` has nothing to carry it with (a function it lacks, a constructor of a
    /// type it lacks).
    pub fn value(&self, value: &Value) -> Option<Value> {
        match value {
            Value::Object(object) => self.object(object, None),
            Value::Vector(items) => Some(Value::Vector(
                items
                    .iter()
                    .filter(|item| self.known(item))
                    .filter_map(|item| self.value(item))
                    .collect(),
            )),
            scalar => Some(scalar.clone()),
        }
    }

    /// Whether a vector keeps `item`: not when it is a constructor `to` lacks.
    fn known(&self, item: &Value) -> bool {
        match item {
            Value::Object(object) => self.to.named(object.category, &object.name).is_some(),
            _ => true,
        }
    }

    /// An object, of type `expected` (a type of `to`) when a parameter says so.
    fn object(&self, object: &Object, expected: Option<&TypeRef>) -> Option<Value> {
        if let Some(target) = self.to.named(object.category, &object.name) {
            return self.build(object, target);
        }
        if object.category == Category::Function {
            return None;
        }
        let ty = match expected {
            Some(ty) => ty.full_name(),
            None => self.from.definition_of(object)?.ty.full_name(),
        };
        let fields: Vec<&str> = object.fields.iter().map(|f| f.name.as_str()).collect();
        let best = self.to.constructors_of(&ty).max_by_key(|candidate| {
            let shared = candidate
                .params
                .iter()
                .filter(|p| fields.contains(&p.name.as_str()))
                .count();
            (
                shared,
                std::cmp::Reverse(required(candidate)),
                std::cmp::Reverse(candidate.params.len()),
            )
        })?;
        self.build(object, best)
    }

    /// `object`'s parameters as `target` lists them.
    fn build(&self, object: &Object, target: &Definition) -> Option<Value> {
        let mut fields = Vec::with_capacity(target.params.len());
        for param in &target.params {
            let ParamKind::Value { ty, flag } = &param.kind else {
                continue;
            };
            let converted = object
                .get(&param.name)
                .and_then(|value| self.param(value, ty));
            let value = match (converted, flag) {
                (Some(value), _) => value,
                (None, Some(_)) => continue,
                (None, None) => self.neutral(ty, 0)?,
            };
            fields.push(Field {
                name: param.name.clone(),
                value,
            });
        }
        Some(Value::Object(Box::new(Object {
            name: target.full_name(),
            id: target.id,
            category: target.category,
            fields,
        })))
    }

    /// A parameter's value for a parameter of type `ty` (a type of `to`).
    fn param(&self, value: &Value, ty: &TypeRef) -> Option<Value> {
        if ty.generic_ref {
            let Value::Object(object) = value else {
                return None;
            };
            return self.object(object, None);
        }
        let scalar = ty.namespace.is_empty().then_some(ty.name.as_str());
        Some(match (scalar, value) {
            (Some("int"), Value::Int(n)) => Value::Int(*n),
            (Some("int"), Value::Long(n)) => Value::Int(i32::try_from(*n).ok()?),
            (Some("long"), Value::Long(n)) => Value::Long(*n),
            (Some("long"), Value::Int(n)) => Value::Long(i64::from(*n)),
            (Some("double"), Value::Double(x)) => Value::Double(*x),
            (Some("int128"), Value::Int128(b)) => Value::Int128(*b),
            (Some("int256"), Value::Int256(b)) => Value::Int256(*b),
            (Some("string" | "bytes"), Value::String(s)) => Value::String(s.clone()),
            (Some("string" | "bytes"), Value::Bytes(b)) => Value::Bytes(b.clone()),
            (Some("string"), Value::Object(object)) => match object.get("text")? {
                text @ (Value::String(_) | Value::Bytes(_)) => text.clone(),
                _ => return None,
            },
            (Some("true" | "Bool"), Value::Bool(b)) => Value::Bool(*b),
            (Some("Vector" | "vector"), Value::Vector(items)) => {
                let element = ty.arg.as_deref();
                Value::Vector(
                    items
                        .iter()
                        .filter(|item| self.known(item))
                        .filter_map(|item| match element {
                            Some(element) => self.param(item, element),
                            None => self.value(item),
                        })
                        .collect(),
                )
            }
            (Some("Object"), Value::Object(object)) => self.object(object, None)?,
            (
                Some(
                    "int" | "long" | "double" | "int128" | "int256" | "string" | "bytes" | "true"
                    | "Bool" | "Vector" | "vector" | "Object",
                ),
                _,
            ) => return None,
            (_, Value::Object(object)) if ty.bare => self.object(object, None)?,
            (_, Value::Object(object)) => self.object(object, Some(ty))?,
            (_, Value::String(_)) if !ty.bare => self.text_object(value, ty)?,
            _ => return None,
        })
    }

    /// A string as an object of type `ty` (a type of `to`) whose constructor has a
    /// `text:string` parameter: the string there, every other parameter neutral.
    fn text_object(&self, text: &Value, ty: &TypeRef) -> Option<Value> {
        let constructor = self.to.constructors_of(&ty.full_name()).find(|c| {
            c.params.iter().any(|p| {
                p.name == "text"
                    && matches!(&p.kind, ParamKind::Value { ty, flag: None }
                        if ty.name == "string" && ty.namespace.is_empty())
            })
        })?;
        let mut fields = Vec::new();
        for param in &constructor.params {
            if let ParamKind::Value { ty, flag: None } = &param.kind {
                let value = if param.name == "text" {
                    text.clone()
                } else {
                    self.neutral(ty, 1)?
                };
                fields.push(Field {
                    name: param.name.clone(),
                    value,
                });
            }
        }
        Some(Value::Object(Box::new(Object {
            name: constructor.full_name(),
            id: constructor.id,
            category: Category::Type,
            fields,
        })))
    }

    /// The neutral value of a required parameter of type `ty` (a type of `to`).
    fn neutral(&self, ty: &TypeRef, depth: usize) -> Option<Value> {
        if ty.generic_ref || depth > MAX_NEUTRAL_DEPTH {
            return None;
        }
        if ty.namespace.is_empty() {
            let scalar = match ty.name.as_str() {
                "int" => Some(Value::Int(0)),
                "long" => Some(Value::Long(0)),
                "double" => Some(Value::Double(0.0)),
                "int128" => Some(Value::Int128([0; 16])),
                "int256" => Some(Value::Int256([0; 32])),
                "string" => Some(Value::String(String::new())),
                "bytes" => Some(Value::Bytes(Vec::new())),
                "Bool" | "true" => Some(Value::Bool(false)),
                "Vector" | "vector" => Some(Value::Vector(Vec::new())),
                "Object" => return None,
                _ => None,
            };
            if scalar.is_some() {
                return scalar;
            }
        }
        let name = ty.full_name();
        let constructor = match self.to.named(Category::Type, &name) {
            Some(bare) if ty.bare => bare,
            _ => self
                .to
                .constructors_of(&name)
                .min_by_key(|c| (required(c), !c.name.ends_with("Empty")))?,
        };
        let mut fields = Vec::new();
        for param in &constructor.params {
            if let ParamKind::Value { ty, flag: None } = &param.kind {
                fields.push(Field {
                    name: param.name.clone(),
                    value: self.neutral(ty, depth + 1)?,
                });
            }
        }
        Some(Value::Object(Box::new(Object {
            name: constructor.full_name(),
            id: constructor.id,
            category: Category::Type,
            fields,
        })))
    }
}

/// Parameters a value of `definition` must carry.
fn required(definition: &Definition) -> usize {
    definition
        .params
        .iter()
        .filter(|p| matches!(p.kind, ParamKind::Value { flag: None, .. }))
        .count()
}
