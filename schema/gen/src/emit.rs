//! Emitting Rust source for parsed schemas.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use oxigram_tl_parser::{Category, Definition, ParamKind, Schema, TypeRef};

use crate::names;
use crate::plan::{self, Codec, Plan, Slot, Wire};

/// One schema to generate, and the module it goes in.
pub struct Input<'a> {
    /// Module path below the crate root (`""` for the root, `"mtproto"`).
    pub module: &'a str,
    /// The parsed schema.
    pub schema: &'a Schema,
}

/// A schema the generator cannot express.
#[derive(Debug)]
pub struct GenError(pub String);

impl std::fmt::Display for GenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for GenError {}

/// Structs larger than this many bytes are boxed inside their enum.
const LARGE_VARIANT: usize = 128;

/// Writes a run of fixed-size values: alone with `put_slice`, several through one array.
/// An encoder's first run starts with the `id` slot (filled when the caller gives an id),
/// so the boxed encoding writes its id in the same array.
fn flush_fixed(s: &mut String, fixed: &mut Vec<(usize, String)>, first: &mut bool) {
    let with_id = std::mem::take(first);
    match (with_id, fixed.as_slice()) {
        (false, []) => {}
        (false, [(_, one)]) => {
            let _ = writeln!(s, "        buf.put_slice({one});");
        }
        (true, []) => {
            s.push_str("        crate::codec::Fixed::<4>::with_id(id).write(buf);\n");
        }
        _ => {
            let total: usize =
                fixed.iter().map(|(n, _)| n).sum::<usize>() + 4 * usize::from(with_id);
            let start = if with_id { "with_id(id)" } else { "new()" };
            let _ = write!(
                s,
                "        let mut w = crate::codec::Fixed::<{total}>::{start};"
            );
            for (_, bytes) in fixed.iter() {
                let _ = write!(s, " w.put({bytes});");
            }
            s.push_str(" w.write(buf);\n");
        }
    }
    fixed.clear();
}

/// TL types that map to Rust primitives rather than generated items.
const BOOL: &str = "Bool";
/// `gzip_packed` is declared `= Object`; `Object` itself means "any serialized value".
const OBJECT: &str = "Object";

struct Ctx<'a> {
    prefix: String,
    schema: &'a Schema,
    /// Boxed type full name → its constructors.
    by_type: BTreeMap<String, Vec<&'a Definition>>,
    /// Constructor full name → definition (for bare references).
    ctors: BTreeMap<String, &'a Definition>,
    /// (type, constructor id) pairs whose enum variant must be boxed.
    boxed: BTreeSet<(String, u32)>,
}

/// Generates the Rust source for `inputs`; `layer` becomes the `LAYER` constant.
pub fn generate(inputs: &[Input<'_>], layer: u32) -> Result<String, GenError> {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "/// The API layer these definitions come from.\npub const LAYER: i32 = {layer};"
    );
    let mut names_table: Vec<(u32, String)> = Vec::new();
    let mut reflect_items = String::new();
    let mut reflect_types = String::new();
    for input in inputs {
        let ctx = Ctx::new(input)?;
        let mut body = String::new();
        ctx.emit_types(&mut body)?;
        ctx.emit_enums(&mut body)?;
        ctx.emit_functions(&mut body)?;
        let count = |c| {
            input
                .schema
                .definitions
                .iter()
                .filter(|d| d.category == c)
                .count()
        };
        let (constructors, functions) = (count(Category::Type), count(Category::Function));
        let types = ctx.by_type.len();
        let label = if input.module.is_empty() {
            "API"
        } else {
            "MTProto"
        };
        let _ = writeln!(
            body,
            "/// The number of {label} constructors in the schema (`Bool`'s two map to `bool`).\n\
             pub const CONSTRUCTOR_COUNT: usize = {constructors};\n\
             /// The number of {label} functions in the schema.\npub const FUNCTION_COUNT: usize = {functions};\n\
             /// The number of {label} boxed types in the schema.\npub const TYPE_COUNT: usize = {types};"
        );
        if input.module.is_empty() {
            out.push_str(&body);
        } else {
            let _ = writeln!(
                out,
                "/// The MTProto service schema (`mtproto.tl`): key exchange and service messages.\npub mod {} {{\n{body}}}",
                input.module
            );
        }
        for def in &input.schema.definitions {
            names_table.push((def.id, def.full_name()));
        }
        ctx.emit_reflect(&mut reflect_items, &mut reflect_types)?;
    }
    names_table.sort();
    names_table.dedup();
    out.push_str(
        "/// Every constructor and function id with its TL name, sorted by id.\n\
         pub(crate) static NAMES: &[(u32, &str)] = &[\n",
    );
    for (id, name) in &names_table {
        let _ = writeln!(out, "    ({id:#010x}, \"{name}\"),");
    }
    out.push_str("];\n");
    let _ = writeln!(
        out,
        "/// Tables over every generated item, for conformance tests and fuzzing.\n\
         #[cfg(feature = \"reflect\")]\npub mod reflect {{\n\
         pub use crate::reflect_support::{{Item, BoxedType, Roundtrip}};\nuse crate::reflect_support::{{roundtrip, decode_boxed}};\n\
         /// Every constructor and function of both schemas.\n\
         pub static ITEMS: &[Item] = &[\n{reflect_items}];\n\
         /// Every boxed type of both schemas.\n\
         pub static BOXED_TYPES: &[BoxedType] = &[\n{reflect_types}];\n}}"
    );
    Ok(out)
}

/// The definition as the schema writes it (without the `;`).
fn definition_text(def: &Definition) -> String {
    let mut out = format!("{}#{:08x}", def.full_name(), def.id);
    for g in &def.generics {
        let _ = write!(out, " {{{g}:Type}}");
    }
    for p in &def.params {
        match &p.kind {
            ParamKind::Flags => {
                let _ = write!(out, " {}:#", p.name);
            }
            ParamKind::Value { ty, flag: Some(f) } => {
                let _ = write!(out, " {}:{}.{}?{ty}", p.name, f.name, f.index);
            }
            ParamKind::Value { ty, flag: None } => {
                let _ = write!(out, " {}:{ty}", p.name);
            }
        }
    }
    let _ = write!(out, " = {}", def.ty);
    out
}

impl<'a> Ctx<'a> {
    fn new(input: &Input<'a>) -> Result<Self, GenError> {
        let prefix = if input.module.is_empty() {
            "crate".to_owned()
        } else {
            format!("crate::{}", input.module)
        };
        let mut by_type: BTreeMap<String, Vec<&Definition>> = BTreeMap::new();
        let mut ctors = BTreeMap::new();
        for def in &input.schema.definitions {
            if def.category == Category::Type {
                by_type.entry(def.ty.full_name()).or_default().push(def);
                ctors.insert(def.full_name(), def);
            }
        }
        let mut ctx = Ctx {
            prefix,
            schema: input.schema,
            by_type,
            ctors,
            boxed: BTreeSet::new(),
        };
        ctx.boxed = ctx.recursive_variants();
        ctx.boxed.extend(ctx.large_variants());
        Ok(ctx)
    }

    fn defs(&self, category: Category) -> impl Iterator<Item = &'a Definition> + '_ {
        self.schema.definitions.iter().filter(move |d| {
            d.category == category && !(category == Category::Type && d.ty.name == BOOL)
        })
    }

    /// Boxed types a constructor holds inline (not behind a `Vec`), following bare fields.
    fn inline_types(
        &self,
        def: &Definition,
        out: &mut BTreeSet<String>,
        seen: &mut BTreeSet<String>,
    ) {
        if !seen.insert(def.full_name()) {
            return;
        }
        for p in &def.params {
            let ParamKind::Value { ty, .. } = &p.kind else {
                continue;
            };
            if matches!(ty.name.as_str(), "Vector" | "vector") {
                continue;
            }
            if ty.bare {
                if let Some(inner) = self.ctors.get(&ty.full_name()) {
                    self.inline_types(inner, out, seen);
                }
            } else if self.by_type.contains_key(&ty.full_name()) {
                out.insert(ty.full_name());
            }
        }
    }

    /// A variant is boxed when its constructor can reach its own type inline: every
    /// cycle of inline containment passes through such a variant, so boxing them all
    /// gives every type a finite size.
    fn recursive_variants(&self) -> BTreeSet<(String, u32)> {
        let mut direct: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (ty, defs) in &self.by_type {
            let entry = direct.entry(ty.clone()).or_default();
            for def in defs {
                self.inline_types(def, entry, &mut BTreeSet::new());
            }
        }
        let mut boxed = BTreeSet::new();
        for (ty, defs) in &self.by_type {
            for def in defs {
                let mut start = BTreeSet::new();
                self.inline_types(def, &mut start, &mut BTreeSet::new());
                let mut stack: Vec<String> = start.into_iter().collect();
                let mut seen = BTreeSet::new();
                while let Some(t) = stack.pop() {
                    if &t == ty {
                        boxed.insert((ty.clone(), def.id));
                        break;
                    }
                    if seen.insert(t.clone()) {
                        stack.extend(direct.get(&t).into_iter().flatten().cloned());
                    }
                }
            }
        }
        boxed
    }

    /// Variants whose struct is large are boxed too. An enum is as large as its largest
    /// variant, and decoding moves each value a few times (out of the decoder, into the
    /// enum, into a vector): kilobyte-sized `Message` or `User` values inline made those
    /// moves the main cost of decoding. Boxed, the enums stay small.
    fn large_variants(&self) -> BTreeSet<(String, u32)> {
        let mut sizes = BTreeMap::new();
        let mut out = BTreeSet::new();
        for (ty, defs) in &self.by_type {
            for def in defs {
                if self.struct_size(def, &mut sizes, &mut BTreeSet::new()) > LARGE_VARIANT {
                    out.insert((ty.clone(), def.id));
                }
            }
        }
        out
    }

    /// A rough size in bytes of a constructor's struct, as laid out on x86-64.
    fn struct_size(
        &self,
        def: &Definition,
        enums: &mut BTreeMap<String, usize>,
        visiting: &mut BTreeSet<String>,
    ) -> usize {
        def.params
            .iter()
            .map(|p| match &p.kind {
                ParamKind::Flags => 0,
                ParamKind::Value { ty, flag } => {
                    let option = if flag.is_some() && ty.name != "true" {
                        8
                    } else {
                        0
                    };
                    option + self.value_size(ty, enums, visiting)
                }
            })
            .sum()
    }

    fn value_size(
        &self,
        ty: &TypeRef,
        enums: &mut BTreeMap<String, usize>,
        visiting: &mut BTreeSet<String>,
    ) -> usize {
        match ty.name.as_str() {
            "true" | BOOL => 1,
            "int" => 4,
            "long" | "double" => 8,
            "int128" => 16,
            "int256" => 32,
            "string" | "Vector" | "vector" => 24,
            "bytes" | OBJECT => 32,
            _ if ty.generic_ref => 32,
            _ if ty.bare => match self.ctors.get(&ty.full_name()) {
                Some(def) => self.struct_size(def, enums, visiting),
                None => 0,
            },
            _ => {
                let name = ty.full_name();
                if let Some(size) = enums.get(&name) {
                    return *size;
                }
                // Types on a cycle are boxed where they recur.
                if !visiting.insert(name.clone()) {
                    return 8;
                }
                let mut largest = 0;
                for def in self.by_type.get(&name).into_iter().flatten() {
                    let size = self.struct_size(def, enums, visiting);
                    let size = if size > LARGE_VARIANT { 8 } else { size };
                    largest = largest.max(size);
                }
                visiting.remove(&name);
                enums.insert(name, largest + 8);
                largest + 8
            }
        }
    }

    fn path(&self, kind: &str, namespace: &[String], name: &str) -> String {
        let mut out = format!("{}::{kind}", self.prefix);
        for ns in namespace {
            out.push_str("::");
            out.push_str(ns);
        }
        out.push_str("::");
        out.push_str(&names::pascal(name));
        out
    }

    fn rust_type(&self, ty: &TypeRef, generics: &[String]) -> Result<String, String> {
        Ok(match ty.name.as_str() {
            "int" => "i32".into(),
            "long" => "i64".into(),
            "double" => "f64".into(),
            "string" => "String".into(),
            "bytes" => "::bytes::Bytes".into(),
            "int128" => "[u8; 16]".into(),
            "int256" => "[u8; 32]".into(),
            "true" | BOOL => "bool".into(),
            OBJECT => "crate::RawObject".into(),
            "Vector" | "vector" => {
                let arg = ty
                    .arg
                    .as_ref()
                    .ok_or_else(|| format!("`{ty}` without an element type"))?;
                format!("Vec<{}>", self.rust_type(arg, generics)?)
            }
            g if generics.iter().any(|x| x == g) => g.to_owned(),
            _ if ty.bare => {
                let def = self
                    .ctors
                    .get(&ty.full_name())
                    .ok_or_else(|| format!("unknown bare constructor `{ty}`"))?;
                self.path("types", &def.namespace, &def.name)
            }
            _ => {
                if !self.by_type.contains_key(&ty.full_name()) {
                    return Err(format!("unknown type `{ty}`"));
                }
                self.path("enums", &ty.namespace, &ty.name)
            }
        })
    }

    fn codec(&self, ty: &TypeRef, earlier_ints: &[String]) -> Result<Codec, String> {
        let is_bare_ctor = |t: &TypeRef| t.bare && self.ctors.contains_key(&t.full_name());
        Ok(match ty.name.as_str() {
            "Vector" => match &ty.arg {
                Some(arg) if is_bare_ctor(arg) => {
                    return Err(format!(
                        "`{ty}`: boxed vectors of bare constructors are not supported"
                    ));
                }
                _ => Codec::Trait,
            },
            "vector" => match &ty.arg {
                Some(arg) if is_bare_ctor(arg) => Codec::BareVecOfBare,
                _ => Codec::BareVec,
            },
            OBJECT => match earlier_ints.iter().find(|n| *n == "bytes") {
                Some(n) => Codec::SizedObject(plan::local(n)),
                None => Codec::Trait,
            },
            _ if is_bare_ctor(ty) => Codec::Bare,
            _ => Codec::Trait,
        })
    }

    fn plan(&self, def: &Definition) -> Result<Plan, GenError> {
        struct Types<'c, 'a>(&'c Ctx<'a>, &'c [String]);
        impl plan::Resolve for Types<'_, '_> {
            fn rust_type(&self, ty: &TypeRef) -> Result<String, String> {
                self.0.rust_type(ty, self.1)
            }
            fn codec(&self, ty: &TypeRef, earlier_ints: &[String]) -> Result<Codec, String> {
                self.0.codec(ty, earlier_ints)
            }
        }
        plan::build(def, &Types(self, &def.generics))
            .map_err(|e| GenError(format!("line {} ({}): {e}", def.line, def.full_name())))
    }

    /// A conservative lower bound of the encoded size of a bare constructor, for sizing
    /// vectors against the bytes left.
    fn min_size(def: &Definition) -> usize {
        def.params
            .iter()
            .map(|p| match &p.kind {
                ParamKind::Flags => 4,
                ParamKind::Value { flag: Some(_), .. } => 0,
                ParamKind::Value { ty, flag: None } => match ty.name.as_str() {
                    "long" | "double" => 8,
                    "int128" => 16,
                    "int256" => 32,
                    "Vector" => 8,
                    OBJECT => 0,
                    _ if ty.generic_ref
                        || (ty.bare
                            && !matches!(
                                ty.name.as_str(),
                                "int" | "string" | "bytes" | "vector"
                            )) =>
                    {
                        0
                    }
                    _ => 4,
                },
            })
            .sum()
    }

    fn emit_namespaced(
        &self,
        out: &mut String,
        module: &str,
        doc: &str,
        items: &[(Vec<String>, String)],
    ) {
        let _ = writeln!(out, "/// {doc}\npub mod {module} {{");
        let mut by_ns: BTreeMap<&[String], Vec<&str>> = BTreeMap::new();
        for (ns, code) in items {
            by_ns.entry(ns.as_slice()).or_default().push(code);
        }
        for (ns, codes) in by_ns {
            for part in ns {
                let _ = writeln!(out, "/// The `{part}` namespace.\npub mod {part} {{");
            }
            for code in codes {
                out.push_str(code);
            }
            for _ in ns {
                out.push_str("}\n");
            }
        }
        out.push_str("}\n");
    }

    fn emit_struct(&self, def: &Definition, plan: &Plan, role: &str) -> String {
        let name = names::pascal(&def.name);
        let full = def.full_name();
        let generics = if def.generics.is_empty() {
            String::new()
        } else {
            format!("<{}>", def.generics.join(", "))
        };
        let mut s = String::new();
        // One doc attribute holding the TL definition documents the struct and each field
        // (their names and types are the definition's): per-field docs would be thousands
        // more attributes for the compiler to carry.
        let _ = writeln!(
            s,
            "#[doc = \"{role} of `{}`:\\n```text\\n{}\\n```\"]\n#[derive(Debug, Clone, PartialEq)]\npub struct {name}{generics} {{",
            def.ty,
            definition_text(def)
        );
        for f in &plan.fields {
            let _ = writeln!(s, "    pub {}: {},", f.name, f.ty);
        }
        s.push_str("}\n");
        let bounded = |bound: &str| {
            if def.generics.is_empty() {
                String::new()
            } else {
                let list: Vec<String> = def
                    .generics
                    .iter()
                    .map(|g| format!("{g}: crate::{bound}"))
                    .collect();
                format!("<{}>", list.join(", "))
            }
        };
        let impl_generics = if def.generics.is_empty() {
            String::new()
        } else {
            format!("<{}>", def.generics.join(", "))
        };
        let _ = writeln!(
            s,
            "impl{impl_generics} crate::Identifiable for {name}{generics} {{\n    const CONSTRUCTOR_ID: u32 = {:#010x};\n    const NAME: &'static str = \"{full}\";\n}}",
            def.id
        );
        if !plan.derived.is_empty() {
            let _ = writeln!(s, "impl{impl_generics} {name}{generics} {{");
            for d in &plan.derived {
                let _ = writeln!(
                    s,
                    "    /// {}\n    pub fn {}(&self) -> bool {{ {} }}",
                    d.doc, d.method, d.presence
                );
            }
            s.push_str("}\n");
        }
        // Serialization.
        let _ = writeln!(
            s,
            "impl{} crate::SerializeBare for {name}{generics} {{\n    #[allow(unused_variables)]\n    fn serialize_fields<B: ::bytes::BufMut>(&self, id: Option<u32>, buf: &mut B) {{",
            bounded("Serialize")
        );
        // Runs of fixed-size values (flag words, ints, longs, ...) are gathered into one
        // array and written at once: one capacity check and one length update for the run
        // instead of one per value.
        // The boxed encoding's id joins the first run: a `peerUser` or a `messageEntityBold`
        // is then one write.
        let mut fixed: Vec<(usize, String)> = Vec::new();
        let mut first = true;
        for w in &plan.wire {
            if let Wire::Flags { param } = w {
                let bits = &plan.bits[param];
                let expr = if bits.is_empty() {
                    "0".to_owned()
                } else {
                    bits.iter()
                        .map(|(b, presence)| format!("(u32::from({presence}) << {b})"))
                        .collect::<Vec<_>>()
                        .join(" | ")
                };
                let _ = writeln!(s, "        let flags_{param}: u32 = {expr};");
            }
        }
        for w in &plan.wire {
            match w {
                Wire::Flags { param } => {
                    fixed.push((4, format!("&flags_{param}.to_le_bytes()")));
                }
                Wire::Value {
                    codec,
                    slot,
                    rust_ty,
                    ..
                } => {
                    if let Slot::TrueFlag(_) = slot {
                        // Only a bit of a flag word: nothing of its own on the wire.
                        continue;
                    }
                    if let (Slot::Plain(f), Codec::Trait) = (slot, codec) {
                        let size = match rust_ty.as_str() {
                            "i32" => Some((4, format!("&self.{f}.to_le_bytes()"))),
                            "i64" | "f64" => Some((8, format!("&self.{f}.to_le_bytes()"))),
                            "[u8; 16]" => Some((16, format!("&self.{f}"))),
                            "[u8; 32]" => Some((32, format!("&self.{f}"))),
                            _ => None,
                        };
                        if let Some(item) = size {
                            fixed.push(item);
                            continue;
                        }
                    }
                    flush_fixed(&mut s, &mut fixed, &mut first);
                    let write = |v: &str| match codec {
                        Codec::Trait | Codec::SizedObject(_) => {
                            format!("crate::Serialize::serialize({v}, buf);")
                        }
                        Codec::Bare => format!("crate::SerializeBare::serialize_bare({v}, buf);"),
                        Codec::BareVec => format!("crate::codec::put_bare_vec({v}, buf);"),
                        Codec::BareVecOfBare => {
                            format!("crate::codec::put_bare_vec_of_bare({v}, buf);")
                        }
                    };
                    let line = match slot {
                        Slot::Plain(f) => write(&format!("&self.{f}")),
                        Slot::Optional(f) => {
                            format!("if let Some(v) = &self.{f} {{ {} }}", write("v"))
                        }
                        Slot::Grouped { field, index } => {
                            format!(
                                "if let Some(v) = &self.{field} {{ {} }}",
                                write(&format!("&v.{index}"))
                            )
                        }
                        Slot::TrueFlag(_) => continue,
                    };
                    let _ = writeln!(s, "        {line}");
                }
            }
        }
        flush_fixed(&mut s, &mut fixed, &mut first);
        s.push_str("    }\n}\n");
        // Deserialization. Only a server decodes requests, so functions' decoders are
        // behind a feature: most builds skip compiling them.
        if role == "Function" {
            s.push_str("#[cfg(feature = \"decode-requests\")]\n");
        }
        let _ = writeln!(
            s,
            "impl{} crate::DeserializeBare for {name}{generics} {{\n    const MIN_SIZE: usize = {};\n    #[allow(unused_variables)]\n    fn deserialize_bare(r: &mut crate::Reader<'_>) -> Result<Self, crate::DecodeError> {{",
            bounded("Deserialize"),
            Self::min_size(def)
        );
        for w in &plan.wire {
            match w {
                Wire::Flags { param } => {
                    let _ = writeln!(
                        s,
                        "        r.at(&crate::Location {{ ty: \"{full}\", field: \"{param}\" }});\n        let {}: u32 = try_read!(r.flags());",
                        plan::local(param)
                    );
                }
                Wire::Value {
                    tl_name,
                    rust_ty,
                    codec,
                    flag,
                    slot,
                } => {
                    let read = match codec {
                        Codec::Trait => "try_read!(crate::Deserialize::deserialize(r))".to_owned(),
                        Codec::Bare => {
                            "try_read!(crate::DeserializeBare::deserialize_bare(r))".to_owned()
                        }
                        Codec::BareVec => "try_read!(crate::codec::get_bare_vec(r))".to_owned(),
                        Codec::BareVecOfBare => {
                            "try_read!(crate::codec::get_bare_vec_of_bare(r))".to_owned()
                        }
                        Codec::SizedObject(len) => {
                            format!("try_read!(crate::RawObject::read_sized(r, {len}))")
                        }
                    };
                    let at = format!(
                        "r.at(&crate::Location {{ ty: \"{full}\", field: \"{tl_name}\" }});"
                    );
                    let local = plan::local(tl_name);
                    let line = match (flag, slot) {
                        (Some(f), Slot::TrueFlag(_)) => {
                            format!(
                                "let {local} = {} & (1 << {}) != 0;",
                                plan::local(&f.name),
                                f.index
                            )
                        }
                        // Annotated locals spare type inference a crate-wide amount of work.
                        (Some(f), _) => format!(
                            "let {local}: Option<{rust_ty}> = if {} & (1 << {}) != 0 {{ {at} Some({read}) }} else {{ None }};",
                            plan::local(&f.name),
                            f.index
                        ),
                        (None, _) => format!("{at} let {local}: {rust_ty} = {read};"),
                    };
                    let _ = writeln!(s, "        {line}");
                }
            }
        }
        s.push_str("        Ok(Self {\n");
        for w in &plan.wire {
            if let Wire::Value { tl_name, slot, .. } = w {
                match slot {
                    Slot::Plain(f) | Slot::Optional(f) | Slot::TrueFlag(f) => {
                        let _ = writeln!(s, "            {f}: {},", plan::local(tl_name));
                    }
                    Slot::Grouped { .. } => {}
                }
            }
        }
        for (field, locals) in &plan.groups {
            let pattern: Vec<String> = (0..locals.len()).map(|i| format!("Some(v{i})")).collect();
            let values: Vec<String> = (0..locals.len()).map(|i| format!("v{i}")).collect();
            let _ = writeln!(
                s,
                "            {field}: match ({}) {{ ({}) => Some(({})), _ => None }},",
                locals.join(", "),
                pattern.join(", "),
                values.join(", ")
            );
        }
        s.push_str("        })\n    }\n}\n");
        s
    }

    fn emit_types(&self, out: &mut String) -> Result<(), GenError> {
        let mut items = Vec::new();
        for def in self.defs(Category::Type) {
            let plan = self.plan(def)?;
            let mut code = self.emit_struct(def, &plan, "Constructor");
            if def.ty.name != OBJECT && !def.ty.bare {
                let enum_path = self.path("enums", &def.ty.namespace, &def.ty.name);
                let variant = self.variant(def);
                let name = names::pascal(&def.name);
                let body = if plan.fields.is_empty() {
                    format!("{enum_path}::{variant}")
                } else if self.boxed.contains(&(def.ty.full_name(), def.id)) {
                    format!("{enum_path}::{variant}(Box::new(x))")
                } else {
                    format!("{enum_path}::{variant}(x)")
                };
                let _ = writeln!(
                    code,
                    "impl From<{name}> for {enum_path} {{\n    #[allow(unused_variables)]\n    fn from(x: {name}) -> Self {{ {body} }}\n}}"
                );
            }
            items.push((def.namespace.clone(), code));
        }
        self.emit_namespaced(out, "types", "A struct per constructor.", &items);
        Ok(())
    }

    fn variant(&self, def: &Definition) -> String {
        names::variant(&names::pascal(&def.ty.name), &names::pascal(&def.name))
    }

    fn emit_enums(&self, out: &mut String) -> Result<(), GenError> {
        let mut items = Vec::new();
        for (ty, defs) in &self.by_type {
            let first = defs[0];
            if first.ty.name == BOOL || first.ty.name == OBJECT {
                continue;
            }
            let name = names::pascal(&first.ty.name);
            let mut seen = BTreeSet::new();
            let mut code = String::new();
            let _ = writeln!(
                code,
                "/// Boxed type `{ty}`: one of {} constructor{}.\n#[derive(Debug, Clone, PartialEq)]\npub enum {name} {{",
                defs.len(),
                if defs.len() == 1 { "" } else { "s" }
            );
            let mut arms_ser = String::new();
            let mut arms_de = String::new();
            let mut arms_id = String::new();
            for def in defs {
                let variant = self.variant(def);
                if !seen.insert(variant.clone()) {
                    return Err(GenError(format!(
                        "line {}: variant `{name}::{variant}` defined twice",
                        def.line
                    )));
                }
                let path = self.path("types", &def.namespace, &def.name);
                let has_fields = !self.plan(def)?.fields.is_empty();
                let boxed = self.boxed.contains(&(ty.clone(), def.id));
                let _ = write!(
                    code,
                    "    /// `{}#{:08x}`.\n    {variant}",
                    def.full_name(),
                    def.id
                );
                if has_fields {
                    let inner = if boxed {
                        format!("Box<{path}>")
                    } else {
                        path.clone()
                    };
                    let _ = writeln!(code, "({inner}),");
                    let arg = if boxed { "&**x" } else { "x" };
                    let _ = writeln!(
                        arms_ser,
                        "            Self::{variant}(x) => crate::Serialize::serialize({arg}, buf),"
                    );
                    let read = if boxed {
                        "Box::new(try_read!(crate::DeserializeBare::deserialize_bare(r)))"
                    } else {
                        "try_read!(crate::DeserializeBare::deserialize_bare(r))"
                    };
                    let _ = writeln!(
                        arms_de,
                        "            {:#010x} => Self::{variant}({read}),",
                        def.id
                    );
                    let _ = writeln!(
                        arms_id,
                        "            Self::{variant}(_) => {:#010x},",
                        def.id
                    );
                } else {
                    code.push_str(",\n");
                    let _ = writeln!(
                        arms_ser,
                        "            Self::{variant} => buf.put_u32_le({:#010x}),",
                        def.id
                    );
                    let _ = writeln!(arms_de, "            {:#010x} => Self::{variant},", def.id);
                    let _ = writeln!(arms_id, "            Self::{variant} => {:#010x},", def.id);
                }
            }
            code.push_str("}\n");
            let _ = writeln!(
                code,
                "impl {name} {{\n    /// The constructor id of the value held.\n    pub fn constructor_id(&self) -> u32 {{\n        match self {{\n{arms_id}        }}\n    }}\n}}\n\
                 impl crate::Serialize for {name} {{\n    fn serialize<B: ::bytes::BufMut>(&self, buf: &mut B) {{\n        match self {{\n{arms_ser}        }}\n    }}\n}}\n\
                 impl crate::Deserialize for {name} {{\n    fn deserialize(r: &mut crate::Reader<'_>) -> Result<Self, crate::DecodeError> {{\n        let id = try_read!(r.enter_boxed());\n        let value = match id {{\n{arms_de}            _ => return Err(r.unexpected(id, \"{ty}\")),\n        }};\n        r.leave();\n        Ok(value)\n    }}\n}}"
            );
            items.push((first.ty.namespace.clone(), code));
        }
        self.emit_namespaced(out, "enums", "An enum per boxed type.", &items);
        Ok(())
    }

    fn emit_functions(&self, out: &mut String) -> Result<(), GenError> {
        let mut items = Vec::new();
        for def in self.defs(Category::Function) {
            let plan = self.plan(def)?;
            let mut code = self.emit_struct(def, &plan, "Function");
            let name = names::pascal(&def.name);
            if def.generics.is_empty() {
                let ret = self
                    .rust_type(&def.ty, &def.generics)
                    .map_err(|e| GenError(format!("line {}: {e}", def.line)))?;
                let _ = writeln!(
                    code,
                    "impl crate::RemoteCall for {name} {{\n    type Return = {ret};\n}}"
                );
            } else if def.generics.contains(&def.ty.name) {
                let g = &def.ty.name;
                let _ = writeln!(
                    code,
                    "impl<{g}: crate::RemoteCall> crate::RemoteCall for {name}<{g}> {{\n    type Return = {g}::Return;\n}}"
                );
            } else {
                return Err(GenError(format!(
                    "line {}: generic function with a concrete result",
                    def.line
                )));
            }
            items.push((def.namespace.clone(), code));
        }
        self.emit_namespaced(
            out,
            "functions",
            "A struct per function (remote procedure).",
            &items,
        );
        Ok(())
    }

    fn emit_reflect(&self, items: &mut String, types: &mut String) -> Result<(), GenError> {
        let schema = if self.prefix == "crate" {
            "api"
        } else {
            "mtproto"
        };
        for def in &self.schema.definitions {
            let ty = if def.ty.name == BOOL && def.category == Category::Type {
                "bool".to_owned()
            } else {
                let kind = if def.category == Category::Type {
                    "types"
                } else {
                    "functions"
                };
                let args = if def.generics.is_empty() {
                    String::new()
                } else {
                    format!(
                        "::<{}>",
                        vec!["crate::RawObject"; def.generics.len()].join(", ")
                    )
                };
                format!("{}{args}", self.path(kind, &def.namespace, &def.name))
            };
            let _ = writeln!(
                items,
                "    Item {{ schema: \"{schema}\", name: \"{}\", id: {:#010x}, function: {}, roundtrip: roundtrip::<{ty}> }},",
                def.full_name(),
                def.id,
                def.category == Category::Function
            );
        }
        for (ty, defs) in &self.by_type {
            let first = defs[0];
            let path = if first.ty.name == BOOL {
                "bool".to_owned()
            } else if first.ty.name == OBJECT {
                continue;
            } else {
                self.path("enums", &first.ty.namespace, &first.ty.name)
            };
            let _ = writeln!(
                types,
                "    BoxedType {{ schema: \"{schema}\", name: \"{ty}\", decode: decode_boxed::<{path}> }},"
            );
        }
        Ok(())
    }
}
