//! Sample encodings synthesized from the schema text, independently of the generated code.

#![allow(dead_code)]

use std::collections::{HashMap, HashSet};

use oxigram_tl_parser::{Category, Definition, ParamKind, Schema, TypeRef};

/// Both bundled schemas, parsed: `("api", ..)` and `("mtproto", ..)`.
pub fn schemas() -> Vec<(&'static str, Schema)> {
    vec![
        (
            "api",
            oxigram_tl_parser::parse(include_str!("../../../tl/api.tl")).unwrap(),
        ),
        (
            "mtproto",
            oxigram_tl_parser::parse(include_str!("../../../tl/mtproto.tl")).unwrap(),
        ),
    ]
}

/// How conditional parameters are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flags {
    /// Every flag bit set: every optional parameter present.
    All,
    /// No flag bit set.
    None,
    /// Each bit set at random.
    Random,
}

/// Writes canonical encodings of random values of any definition of one schema.
pub struct Sampler<'s> {
    by_type: HashMap<String, Vec<&'s Definition>>,
    ctors: HashMap<String, &'s Definition>,
    /// For each boxed type, the constructor that ends recursion soonest.
    terminal: HashMap<String, &'s Definition>,
    state: u64,
}

/// Past this nesting, samples take the shortest way out: no flags, empty vectors, and
/// the constructor that ends recursion soonest.
const DEEP: usize = 3;

impl<'s> Sampler<'s> {
    pub fn new(schema: &'s Schema, seed: u64) -> Self {
        let mut by_type: HashMap<String, Vec<&Definition>> = HashMap::new();
        let mut ctors = HashMap::new();
        for def in schema
            .definitions
            .iter()
            .filter(|d| d.category == Category::Type)
        {
            by_type.entry(def.ty.full_name()).or_default().push(def);
            ctors.insert(def.full_name(), def);
        }
        // Rank types by how soon they can be closed off: a constructor terminates once all
        // its unconditional parameters do; iterate to a fixed point.
        let mut terminal: HashMap<String, &Definition> = HashMap::new();
        let mut bare_done: HashSet<String> = HashSet::new();
        loop {
            let mut changed = false;
            for def in schema
                .definitions
                .iter()
                .filter(|d| d.category == Category::Type)
            {
                let ok = def.params.iter().all(|p| match &p.kind {
                    ParamKind::Flags | ParamKind::Value { flag: Some(_), .. } => true,
                    ParamKind::Value { ty, flag: None } => closes(ty, &terminal, &bare_done),
                });
                if ok {
                    if bare_done.insert(def.full_name()) {
                        changed = true;
                    }
                    if let std::collections::hash_map::Entry::Vacant(slot) =
                        terminal.entry(def.ty.full_name())
                    {
                        slot.insert(def);
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        Sampler {
            by_type,
            ctors,
            terminal,
            state: seed ^ 0x9e37_79b9_7f4a_7c15,
        }
    }

    /// Starts a new deterministic sequence of choices.
    pub fn reseed(&mut self, seed: u64) {
        self.state = seed ^ 0x9e37_79b9_7f4a_7c15;
    }

    fn next(&mut self) -> u64 {
        // splitmix64: deterministic, good enough to pick sample values.
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// The boxed encoding (id first) of a sample of `def`.
    pub fn boxed(&mut self, def: &Definition, flags: Flags) -> Vec<u8> {
        let mut out = def.id.to_le_bytes().to_vec();
        self.body(def, flags, 0, &mut out);
        out
    }

    /// The boxed encoding of a sample of boxed type `ty`.
    pub fn of_type(&mut self, ty: &str, flags: Flags) -> Vec<u8> {
        let pick = self.below(self.by_type[ty].len());
        let def = self.by_type[ty][pick];
        self.boxed(def, flags)
    }

    fn body(&mut self, def: &Definition, flags: Flags, depth: usize, out: &mut Vec<u8>) {
        let flags = if depth > DEEP { Flags::None } else { flags };
        // Decide every bit first, so parameters sharing a bit agree.
        let mut words: HashMap<&str, u32> = HashMap::new();
        for p in &def.params {
            if let ParamKind::Value { flag: Some(f), .. } = &p.kind {
                let word = words.entry(f.name.as_str()).or_default();
                let set = match flags {
                    Flags::All => true,
                    Flags::None => false,
                    Flags::Random => *word & (1 << f.index) != 0 || self.next() & 1 == 1,
                };
                if set {
                    *word |= 1 << f.index;
                }
            }
        }
        // An `Object` sized by an earlier `bytes:int` is made first, to know that size.
        let sized = def.params.iter().any(|p| p.name == "bytes")
            && def
                .params
                .iter()
                .any(|p| matches!(&p.kind, ParamKind::Value { ty, .. } if ty.name == "Object"));
        let object = if sized { Some(self.object()) } else { None };
        for p in &def.params {
            match &p.kind {
                ParamKind::Flags => out.extend(
                    words
                        .get(p.name.as_str())
                        .copied()
                        .unwrap_or(0)
                        .to_le_bytes(),
                ),
                ParamKind::Value { ty, flag } => {
                    if let Some(f) = flag
                        && words.get(f.name.as_str()).copied().unwrap_or(0) & (1 << f.index) == 0
                    {
                        continue;
                    }
                    if sized && p.name == "bytes" {
                        out.extend((object.as_ref().unwrap().len() as i32).to_le_bytes());
                    } else if sized && ty.name == "Object" {
                        out.extend(object.as_ref().unwrap());
                    } else {
                        self.value(ty, flags, depth, out);
                    }
                }
            }
        }
    }

    /// Some complete serialized value: a `help.getConfig` request or random words.
    fn object(&mut self) -> Vec<u8> {
        let words = self.below(4);
        let mut out = 0xc4f9186b_u32.to_le_bytes().to_vec();
        for _ in 0..words {
            out.extend((self.next() as u32).to_le_bytes());
        }
        out
    }

    fn value(&mut self, ty: &TypeRef, flags: Flags, depth: usize, out: &mut Vec<u8>) {
        match ty.name.as_str() {
            "true" => {}
            "int" => out.extend((self.next() as i32).to_le_bytes()),
            "long" => out.extend((self.next() as i64).to_le_bytes()),
            // Integers as doubles: never NaN, so decoded values compare equal.
            "double" => out.extend(((self.next() as i32) as f64 / 8.0).to_le_bytes()),
            "int128" => (0..2).for_each(|_| out.extend(self.next().to_le_bytes())),
            "int256" => (0..4).for_each(|_| out.extend(self.next().to_le_bytes())),
            "Bool" => out.extend(
                if self.next() & 1 == 1 {
                    0x997275b5_u32
                } else {
                    0xbc799737
                }
                .to_le_bytes(),
            ),
            "string" => {
                let text = self.text(depth);
                byte_string(text.as_bytes(), out);
            }
            "bytes" => {
                let len = [0, 1, 2, 3, 4, 253, 254, 255, 1000][self.below(9)];
                let len = if depth > 1 { len.min(4) } else { len };
                let data: Vec<u8> = (0..len).map(|_| self.next() as u8).collect();
                byte_string(&data, out);
            }
            "Object" => out.extend(self.object()),
            "Vector" | "vector" => {
                if ty.name == "Vector" {
                    out.extend(0x1cb5c415_u32.to_le_bytes());
                }
                let len = if depth > DEEP { 0 } else { self.below(3) };
                out.extend((len as i32).to_le_bytes());
                let arg = ty.arg.as_ref().unwrap();
                for _ in 0..len {
                    self.value(arg, flags, depth + 1, out);
                }
            }
            _ if ty.generic_ref => out.extend(self.object()),
            _ if ty.bare => {
                let def = self.ctors[&ty.full_name()];
                self.body(def, flags, depth + 1, out);
            }
            _ => {
                let name = ty.full_name();
                let def = if depth > DEEP {
                    self.terminal[&name]
                } else {
                    let count = self.by_type[&name].len();
                    let pick = self.below(count);
                    self.by_type[&name][pick]
                };
                out.extend(def.id.to_le_bytes());
                self.body(def, flags, depth + 1, out);
            }
        }
    }

    fn text(&mut self, depth: usize) -> String {
        let len = [0, 1, 5, 252, 253, 254, 300][self.below(7)];
        let len = if depth > 1 { len.min(5) } else { len };
        let alphabet = ['a', 'Z', '0', ' ', 'é', 'Ж', '€', '😀'];
        let mut s = String::new();
        while s.len() < len {
            s.push(alphabet[self.below(alphabet.len())]);
        }
        s
    }
}

fn closes(
    ty: &TypeRef,
    terminal: &HashMap<String, &Definition>,
    bare_done: &HashSet<String>,
) -> bool {
    match ty.name.as_str() {
        "int" | "long" | "double" | "int128" | "int256" | "string" | "bytes" | "Bool" | "true"
        | "Object" | "Vector" | "vector" => true,
        _ if ty.generic_ref => true,
        _ if ty.bare => bare_done.contains(&ty.full_name()),
        _ => terminal.contains_key(&ty.full_name()),
    }
}

/// A TL byte string, canonically encoded.
pub fn byte_string(data: &[u8], out: &mut Vec<u8>) {
    let header = if data.len() < 254 {
        out.push(data.len() as u8);
        1
    } else {
        out.push(254);
        out.extend(&(data.len() as u32).to_le_bytes()[..3]);
        4
    };
    out.extend(data);
    out.resize(out.len() + (4 - (header + data.len()) % 4) % 4, 0);
}
