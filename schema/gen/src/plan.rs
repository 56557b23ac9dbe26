//! How one definition maps to struct fields and to wire steps.

use std::collections::BTreeMap;

use oxigram_tl_parser::{Definition, Flag, ParamKind, TypeRef};

use crate::names;

/// A struct field.
pub struct Field {
    pub name: String,
    pub ty: String,
}

/// How a value is written and read.
#[derive(Clone)]
pub enum Codec {
    /// Through the `Serialize` / `Deserialize` traits (primitives, boxed types, `Vector`).
    Trait,
    /// A bare constructor, through `Bare`.
    Bare,
    /// A bare `vector<T>` of boxed or primitive elements.
    BareVec,
    /// A bare `vector<t>` of bare constructors.
    BareVecOfBare,
    /// An `Object` whose length an earlier `int` parameter (named by the string) gives.
    SizedObject(String),
}

/// One step of the wire format, in order.
pub enum Wire {
    /// A `name:#` bit-set.
    Flags { param: String },
    /// A value of Rust type `rust_ty`. `slot` says where it lives in the struct.
    Value {
        tl_name: String,
        rust_ty: String,
        codec: Codec,
        flag: Option<Flag>,
        slot: Slot,
    },
}

/// Where a wire value lives in the struct.
pub enum Slot {
    /// `self.field`, always present.
    Plain(String),
    /// `self.field: Option<T>`.
    Optional(String),
    /// Element `index` of `self.field: Option<(..)>` of `arity` elements.
    Grouped { field: String, index: usize },
    /// A `true` flag stored as `self.field: bool`.
    TrueFlag(String),
}

/// A `true` flag implied by values sharing its bit, exposed as a method.
pub struct Derived {
    pub method: String,
    pub presence: String,
    pub doc: String,
}

/// The plan of one definition.
pub struct Plan {
    pub fields: Vec<Field>,
    pub wire: Vec<Wire>,
    /// For each flags parameter, its bits and the expression on `self` that sets each.
    pub bits: BTreeMap<String, Vec<(u32, String)>>,
    pub derived: Vec<Derived>,
    /// Tuple groups: field name and the locals of its members, in order.
    pub groups: Vec<(String, Vec<String>)>,
}

/// Local variable holding a decoded parameter.
pub fn local(tl_name: &str) -> String {
    format!("f_{}", tl_name.to_ascii_lowercase())
}

/// What the plan needs to know about the schema's types.
pub trait Resolve {
    /// The Rust type of a TL type.
    fn rust_type(&self, ty: &TypeRef) -> Result<String, String>;
    /// How a TL type is written and read; `earlier_ints` names the unconditional `int`
    /// parameters before it.
    fn codec(&self, ty: &TypeRef, earlier_ints: &[String]) -> Result<Codec, String>;
}

pub fn build(def: &Definition, types: &dyn Resolve) -> Result<Plan, String> {
    let rust_type = |ty: &TypeRef| types.rust_type(ty);
    let codec = |ty: &TypeRef, ints: &[String]| types.codec(ty, ints);
    // Members of each flag bit, by parameter index.
    let mut members: BTreeMap<(String, u32), Vec<usize>> = BTreeMap::new();
    for (i, p) in def.params.iter().enumerate() {
        if let ParamKind::Value { flag: Some(f), .. } = &p.kind {
            members
                .entry((f.name.clone(), f.index))
                .or_default()
                .push(i);
        }
    }
    let is_true =
        |i: usize| matches!(&def.params[i].kind, ParamKind::Value { ty, .. } if ty.name == "true");

    let mut plan = Plan {
        fields: Vec::new(),
        wire: Vec::new(),
        bits: BTreeMap::new(),
        derived: Vec::new(),
        groups: Vec::new(),
    };
    let mut earlier_ints = Vec::new();
    // Group field name and element index per parameter index.
    let mut grouped: BTreeMap<usize, (String, usize)> = BTreeMap::new();
    for ((_, _), idx) in &members {
        let values: Vec<usize> = idx.iter().copied().filter(|i| !is_true(*i)).collect();
        if values.len() > 1 {
            let names: Vec<&str> = values
                .iter()
                .map(|i| def.params[*i].name.as_str())
                .collect();
            let name = names::field(&names.join("_and_"));
            for (n, i) in values.iter().enumerate() {
                grouped.insert(*i, (name.clone(), n));
            }
        }
    }

    for (i, p) in def.params.iter().enumerate() {
        let ParamKind::Value { ty, flag } = &p.kind else {
            plan.bits.entry(p.name.clone()).or_default();
            plan.wire.push(Wire::Flags {
                param: p.name.clone(),
            });
            continue;
        };
        let field = names::field(&p.name);
        let tl_doc = match flag {
            Some(f) => format!("`{}.{}?{}`", f.name, f.index, ty),
            None => format!("`{ty}`"),
        };
        let Some(flag) = flag else {
            plan.fields.push(Field {
                name: field.clone(),
                ty: rust_type(ty)?,
            });
            plan.wire.push(Wire::Value {
                tl_name: p.name.clone(),
                rust_ty: rust_type(ty)?,
                codec: codec(ty, &earlier_ints)?,
                flag: None,
                slot: Slot::Plain(field),
            });
            if ty.name == "int" {
                earlier_ints.push(p.name.clone());
            }
            continue;
        };
        let bit_members = &members[&(flag.name.clone(), flag.index)];
        let value_members: Vec<usize> = bit_members
            .iter()
            .copied()
            .filter(|m| !is_true(*m))
            .collect();
        let presence = match value_members.first() {
            Some(&first) => match grouped.get(&first) {
                Some((g, _)) => format!("self.{g}.is_some()"),
                None => format!("self.{}.is_some()", names::field(&def.params[first].name)),
            },
            None => bit_members
                .iter()
                .map(|m| format!("self.{}", names::field(&def.params[*m].name)))
                .collect::<Vec<_>>()
                .join(" || "),
        };
        let bits = plan.bits.entry(flag.name.clone()).or_default();
        if !bits.iter().any(|(b, _)| *b == flag.index) {
            bits.push((flag.index, presence.clone()));
        }
        if ty.name == "true" {
            if value_members.is_empty() {
                plan.fields.push(Field {
                    name: field.clone(),
                    ty: "bool".into(),
                });
                plan.wire.push(Wire::Value {
                    tl_name: p.name.clone(),
                    rust_ty: "bool".into(),
                    codec: Codec::Trait,
                    flag: Some(flag.clone()),
                    slot: Slot::TrueFlag(field),
                });
            } else {
                let partners: Vec<String> = value_members
                    .iter()
                    .map(|m| format!("`{}`", def.params[*m].name))
                    .collect();
                plan.derived.push(Derived {
                    method: field,
                    presence,
                    doc: format!(
                        "{tl_doc}: set exactly when {} {} present (they share the bit).",
                        partners.join(", "),
                        if partners.len() == 1 { "is" } else { "are" }
                    ),
                });
            }
            continue;
        }
        let slot = match grouped.get(&i) {
            Some((g, n)) => {
                if *n == 0 {
                    let types = value_members
                        .iter()
                        .map(|m| match &def.params[*m].kind {
                            ParamKind::Value { ty, .. } => rust_type(ty),
                            ParamKind::Flags => unreachable!("flags are never conditional"),
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    plan.fields.push(Field {
                        name: g.clone(),
                        ty: format!("Option<({})>", types.join(", ")),
                    });
                    plan.groups.push((
                        g.clone(),
                        value_members
                            .iter()
                            .map(|m| local(&def.params[*m].name))
                            .collect(),
                    ));
                }
                Slot::Grouped {
                    field: g.clone(),
                    index: *n,
                }
            }
            None => {
                plan.fields.push(Field {
                    name: field.clone(),
                    ty: format!("Option<{}>", rust_type(ty)?),
                });
                Slot::Optional(field)
            }
        };
        plan.wire.push(Wire::Value {
            tl_name: p.name.clone(),
            rust_ty: rust_type(ty)?,
            codec: codec(ty, &earlier_ints)?,
            flag: Some(flag.clone()),
            slot,
        });
    }
    let mut seen = std::collections::BTreeSet::new();
    for name in plan
        .fields
        .iter()
        .map(|f| &f.name)
        .chain(plan.derived.iter().map(|d| &d.method))
    {
        if !seen.insert(name) {
            return Err(format!("two parameters map to the Rust name `{name}`"));
        }
    }
    Ok(plan)
}
