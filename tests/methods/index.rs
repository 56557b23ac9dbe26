//! The methods index (`src/methods/README.md`) is true: every test it names exists in
//! `tests/methods/` and calls the method (or its bound form), and no method is listed
//! twice.

use std::collections::HashSet;
use std::path::Path;

/// One row: the method, the tests named, the bound form if any.
struct Row {
    method: String,
    tests: Vec<(String, String)>,
    bound: Option<String>,
}

fn rows(index: &str) -> Vec<Row> {
    let code = |cell: &str| cell.trim().trim_matches('`').to_owned();
    index
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split('|').collect();
            assert_eq!(cells.len(), 3, "three cells in: {line}");
            let tests = cells[1]
                .split(',')
                .map(|t| {
                    let t = code(t);
                    let (file, test) = t
                        .split_once("::")
                        .unwrap_or_else(|| panic!("`file::test` in: {line}"));
                    (file.to_owned(), test.to_owned())
                })
                .collect();
            let bound = Some(code(cells[2])).filter(|b| !b.is_empty());
            Row {
                method: code(cells[0]),
                tests,
                bound,
            }
        })
        .collect()
}

/// The body of test `name` in `source`: from its `fn` to the next test or the end.
fn body<'a>(source: &'a str, name: &str) -> Option<&'a str> {
    let start = source.find(&format!("fn {name}("))?;
    let rest = &source[start..];
    let end = rest[1..].find("\n#[test]").map_or(rest.len(), |e| e + 1);
    Some(&rest[..end])
}

#[test]
fn every_row_names_a_test_that_calls_its_method() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let index = std::fs::read_to_string(root.join("src/methods/README.md")).unwrap();
    let rows = rows(&index);
    assert!(
        rows.len() > 30,
        "the index lists the methods ({})",
        rows.len()
    );
    let mut seen = HashSet::new();
    for row in &rows {
        assert!(
            seen.insert(row.method.clone()),
            "{} listed twice",
            row.method
        );
        for (file, test) in &row.tests {
            let path = root.join("tests/methods").join(format!("{file}.rs"));
            let source = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let body = body(&source, test)
                .unwrap_or_else(|| panic!("no test {file}::{test} for {}", row.method));
            let calls = |name: &str| body.contains(&format!(".{name}("));
            assert!(
                calls(&row.method) || row.bound.as_deref().is_some_and(calls),
                "{file}::{test} does not call {} (nor its bound form)",
                row.method
            );
        }
    }
}
