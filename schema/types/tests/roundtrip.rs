//! Every constructor and function of both schemas, encoded from the schema text by an
//! independent sampler, must decode, re-encode to the same bytes, and decode again to an
//! equal value.

mod common;

use std::collections::HashSet;

use common::{Flags, Sampler, schemas};
use oxigram_tl::reflect::{BOXED_TYPES, ITEMS};
use oxigram_tl_parser::Category;

/// Samples per item: every flag set, none set, and this many with random flags.
const RANDOM_SAMPLES: u64 = 6;

#[test]
fn every_item_round_trips() {
    let schemas = schemas();
    let mut covered = HashSet::new();
    let mut checked = 0;
    let mut failures = Vec::new();
    for (name, schema) in &schemas {
        let mut sampler = Sampler::new(schema, 0);
        for def in &schema.definitions {
            let full_name = def.full_name();
            let item = ITEMS
                .iter()
                .find(|i| i.id == def.id && i.schema == *name && i.name == full_name)
                .unwrap_or_else(|| panic!("{name}: no generated item for {}", def.full_name()));
            assert_eq!(
                item.function,
                def.category == Category::Function,
                "{}",
                item.name
            );
            covered.insert((item.schema, item.id));
            let modes = [Flags::All, Flags::None]
                .into_iter()
                .chain((0..RANDOM_SAMPLES).map(|_| Flags::Random));
            for (seed, mode) in modes.enumerate() {
                sampler.reseed(seed as u64 ^ u64::from(def.id));
                let bytes = sampler.boxed(def, mode);
                match (item.roundtrip)(&bytes) {
                    Ok(r) if r.reencoded == bytes && r.equal => {}
                    Ok(r) => failures.push(format!(
                        "{name} {} ({mode:?}, seed {seed}): re-encoding differs or decodes unequal\n  in:  {}\n  out: {}",
                        item.name,
                        hex(&bytes),
                        hex(&r.reencoded)
                    )),
                    Err(e) => failures.push(format!(
                        "{name} {} ({mode:?}, seed {seed}): {e}\n  in: {}",
                        item.name,
                        hex(&bytes)
                    )),
                }
                checked += 1;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures, first:\n{}",
        failures.len(),
        failures[..failures.len().min(5)].join("\n")
    );

    let total: usize = schemas.iter().map(|(_, s)| s.definitions.len()).sum();
    assert_eq!(
        covered.len(),
        total,
        "items covered must equal the schemas' definitions"
    );
    assert_eq!(
        ITEMS.len(),
        total,
        "generated items must equal the schemas' definitions"
    );
    assert_eq!(
        oxigram_tl::CONSTRUCTOR_COUNT
            + oxigram_tl::FUNCTION_COUNT
            + oxigram_tl::mtproto::CONSTRUCTOR_COUNT
            + oxigram_tl::mtproto::FUNCTION_COUNT,
        total
    );
    println!("{checked} samples of {total} definitions round-tripped");
}

#[test]
fn every_boxed_type_decodes_its_samples() {
    let schemas = schemas();
    let mut expected = 0;
    for (name, schema) in &schemas {
        let mut types: Vec<String> = schema
            .definitions
            .iter()
            .filter(|d| d.category == Category::Type && d.ty.name != "Object")
            .map(|d| d.ty.full_name())
            .collect();
        types.sort();
        types.dedup();
        expected += types.len();
        let mut sampler = Sampler::new(schema, 7);
        for ty in types {
            let entry = BOXED_TYPES
                .iter()
                .find(|t| t.schema == *name && t.name == ty)
                .unwrap_or_else(|| panic!("{name}: no decoder for {ty}"));
            for mode in [Flags::All, Flags::None, Flags::Random] {
                let bytes = sampler.of_type(&ty, mode);
                if let Err(e) = (entry.decode)(&bytes) {
                    panic!("{name} {ty} ({mode:?}): {e}\n  in: {}", hex(&bytes));
                }
            }
        }
    }
    assert_eq!(BOXED_TYPES.len(), expected);
}

fn hex(data: &[u8]) -> String {
    data.iter().map(|b| format!("{b:02x}")).collect()
}
