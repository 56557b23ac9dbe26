//! Every public method of `src/methods/` and every public type of `src/types/` shows an
//! example in its documentation (a fenced code block, compiled by the doctests).
//!
//! Methods are the `pub fn`s of `impl` blocks for types defined elsewhere (`Client`,
//! `Message`, `Chat`, the query types), and the entries of the macros that write them
//! (`send_photo => photo;`). The options of a request builder (the types defined in
//! `src/methods/`) are shown by the example of the method that makes it, so they are
//! not counted one by one; the other public types of `src/methods/` (filters, actions,
//! answers) are counted as types.

use std::collections::HashSet;
use std::path::Path;

/// One source file: its path from the crate root and its text.
struct Source {
    path: String,
    text: String,
}

fn sources(dir: &str) -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<Source> = std::fs::read_dir(root.join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .map(|path| Source {
            path: format!("{dir}/{}", path.file_name().unwrap().to_string_lossy()),
            text: std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display())),
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// The identifier `text` starts with.
fn ident(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The name of the type a top-level item line declares (`pub struct Name {`).
fn declared(line: &str) -> Option<&str> {
    ["pub struct ", "pub enum ", "pub trait "]
        .iter()
        .find_map(|p| line.strip_prefix(p))
        .map(ident)
}

/// The type a top-level `impl` line is for: `impl<T> Trait for a::Name<T> {` is `Name`.
fn impl_self(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("impl")?;
    let mut rest = rest.trim_start();
    if rest.starts_with('<') {
        let mut depth = 0;
        let end = rest.char_indices().find_map(|(i, c)| {
            match c {
                '<' => depth += 1,
                '>' => depth -= 1,
                _ => {}
            }
            (depth == 0).then_some(i + 1)
        })?;
        rest = rest[end..].trim_start();
    }
    let path = rest.split(" for ").last()?.trim_start_matches('&');
    let path = path.split(['<', ' ', '{']).next()?;
    path.rsplit("::").next()
}

/// The doc comment of the item at `lines[at]`, attributes between them skipped.
fn doc_of<'a>(lines: &[&'a str], at: usize) -> Vec<&'a str> {
    let mut i = at;
    while i > 0 && lines[i - 1].trim_start().starts_with("#[") {
        i -= 1;
    }
    let mut doc = Vec::new();
    while i > 0 && lines[i - 1].trim_start().starts_with("///") {
        i -= 1;
        doc.push(lines[i]);
    }
    doc.reverse();
    doc
}

fn has_example(doc: &[&str]) -> bool {
    doc.iter().any(|line| line.contains("```"))
}

/// The public methods of `src/methods/`, as `path:line: Type::name`, each with its doc.
fn methods() -> Vec<(String, bool)> {
    let files = sources("src/methods");
    let builders: HashSet<&str> = files
        .iter()
        .flat_map(|f| f.text.lines().filter_map(declared))
        .collect();
    let mut found = Vec::new();
    for file in &files {
        let lines: Vec<&str> = file.text.lines().collect();
        // The type of the top-level `impl` block the line is in, if any.
        let mut current: Option<&str> = None;
        for (at, line) in lines.iter().enumerate() {
            if line.starts_with("impl") {
                current = impl_self(line).filter(|_| !line.ends_with("{}"));
            } else if line.starts_with('}') {
                current = None;
            }
            let method = match current {
                Some(ty) => ["    pub fn ", "    pub async fn ", "    pub const fn "]
                    .iter()
                    .find_map(|p| line.strip_prefix(p))
                    .map(|rest| format!("{ty}::{}", ident(rest))),
                // An entry of a macro that writes methods: `send_photo => photo;`.
                None => line
                    .strip_prefix("    ")
                    .filter(|l| !l.starts_with(' ') && l.ends_with(';') && l.contains(" => "))
                    .map(|l| ident(l).to_owned())
                    .filter(|name| !name.is_empty()),
            };
            let Some(method) = method else { continue };
            if current.is_some_and(|ty| builders.contains(ty)) {
                continue;
            }
            found.push((
                format!("{}:{}: {method}", file.path, at + 1),
                has_example(&doc_of(&lines, at)),
            ));
        }
    }
    found
}

/// The request builders of `src/methods/`: the types made awaitable or streams by the
/// macros that do it, or by hand.
fn builders(files: &[Source]) -> HashSet<String> {
    let mut found = HashSet::new();
    for file in files {
        for line in file.text.lines() {
            let macros = [
                "awaitable!(",
                "send_options!(",
                "paging_options!(",
                "list_options!(",
            ];
            let made = macros
                .iter()
                .find_map(|m| line.strip_prefix(m))
                .or_else(|| {
                    ["impl Stream for ", "impl IntoFuture for "]
                        .iter()
                        .find_map(|p| line.strip_prefix(p))
                });
            if let Some(rest) = made {
                found.insert(ident(rest).to_owned());
            }
        }
    }
    found
}

/// The public types of `src/types/`, and those of `src/methods/` that are not request
/// builders (filters, actions, answers), as `path:line: Name`, each with its doc.
fn types() -> Vec<(String, bool)> {
    let methods = sources("src/methods");
    let builders = builders(&methods);
    let mut found = Vec::new();
    for file in sources("src/types").iter().chain(&methods) {
        let lines: Vec<&str> = file.text.lines().collect();
        // Inside a top-level macro call (`document_kind!(`), where a documented
        // `    Name,` argument is a type the macro declares.
        let mut in_macro = false;
        for (at, line) in lines.iter().enumerate() {
            if line.ends_with("!(") || line.ends_with("! {") {
                in_macro = !line.starts_with([' ', '/']);
                continue;
            } else if line.starts_with([')', '}']) {
                in_macro = false;
            }
            let by_macro = || {
                let arg = line.strip_prefix("    ")?.strip_suffix(',')?;
                let documented = !doc_of(&lines, at).is_empty();
                (documented && arg.starts_with(char::is_uppercase) && ident(arg) == arg)
                    .then_some(arg)
            };
            let declared = declared(line).or_else(|| in_macro.then(by_macro).flatten());
            let Some(name) = declared else { continue };
            if file.path.starts_with("src/methods/") && builders.contains(name) {
                continue;
            }
            found.push((
                format!("{}:{}: {name}", file.path, at + 1),
                has_example(&doc_of(&lines, at)),
            ));
        }
    }
    found
}

#[test]
fn every_public_method_and_type_shows_an_example() {
    let methods = methods();
    let types = types();
    // The walk finds what is there: a parser that found nothing would pass anything.
    for (what, items, least) in [("methods", &methods, 100), ("types", &types, 40)] {
        assert!(
            items.len() >= least,
            "only {} {what} found: {:?}",
            items.len(),
            items.iter().map(|(name, _)| name).collect::<Vec<_>>()
        );
    }
    for (expected, items) in [
        (": Client::send_message", &methods),
        (": send_video", &methods),
        (": Message::reply", &methods),
        (": Chat::ban_member", &methods),
        (": Message", &types),
        (": ChatAction", &types),
        (": VideoNote", &types),
    ] {
        assert!(
            items.iter().any(|(name, _)| name.ends_with(expected)),
            "{expected} is not among the items found"
        );
    }
    // Builders are shown by the method that makes them, not counted as types.
    assert!(
        !types
            .iter()
            .any(|(name, _)| name.ends_with(": SendMessage"))
    );
    let missing: Vec<&str> = methods
        .iter()
        .chain(&types)
        .filter(|(_, example)| !example)
        .map(|(name, _)| name.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "{} public items have no example in their documentation:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn the_source_walk_reads_impl_lines_and_docs() {
    assert_eq!(impl_self("impl Client {"), Some("Client"));
    assert_eq!(
        impl_self("impl<P: Pager> Stream for Pages<P> {"),
        Some("Pages")
    );
    assert_eq!(
        impl_self("impl From<&crate::User> for PeerRef {"),
        Some("PeerRef")
    );
    assert_eq!(
        impl_self("impl std::fmt::Debug for ChatHistory {"),
        Some("ChatHistory")
    );
    assert_eq!(declared("pub struct Message {"), Some("Message"));
    assert_eq!(declared("pub(crate) struct Sent<'a> {"), None);
    let lines = [
        "/// Does a thing.",
        "///",
        "/// ```no_run",
        "/// thing();",
        "/// ```",
        "#[must_use]",
        "pub fn thing() {}",
        "/// No example.",
        "pub fn other() {}",
    ];
    assert!(has_example(&doc_of(&lines, 6)));
    assert_eq!(doc_of(&lines, 8), ["/// No example."]);
    assert!(!has_example(&doc_of(&lines, 8)));
}
