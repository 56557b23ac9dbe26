//! Rust spellings of TL names.

/// `inputPeerUser` → `InputPeerUser`, `p_q_inner_data_dc` → `PQInnerDataDc`: each
/// `_`-separated piece gets an upper-case first letter and keeps the rest as written.
pub fn pascal(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for piece in name.split('_') {
        let mut chars = piece.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out
}

/// A field or method name: the TL name in lower case (`srp_B` → `srp_b`), made a raw
/// identifier when it is a Rust keyword. `self` cannot be raw, so it becomes `is_self`.
pub fn field(name: &str) -> String {
    let name = name.to_ascii_lowercase();
    let name = name.as_str();
    match name {
        "self" => "is_self".to_owned(),
        "Self" | "super" | "crate" | "extern" => format!("{name}_"),
        _ if KEYWORDS.contains(&name) => format!("r#{name}"),
        _ => name.to_owned(),
    }
}

const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop",
    "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "static",
    "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual",
    "where", "while", "yield",
];

/// The enum variant for constructor `ctor` of type `ty`: the constructor's name with the
/// type's name taken off the front when something is left (`InputPeer` + `InputPeerUser` →
/// `User`), else the whole name.
pub fn variant(ty: &str, ctor: &str) -> String {
    match ctor.strip_prefix(ty) {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_uppercase()) && rest != "Self" => {
            rest.to_owned()
        }
        _ => ctor.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings() {
        assert_eq!(pascal("inputPeerUser"), "InputPeerUser");
        assert_eq!(pascal("p_q_inner_data_dc"), "PQInnerDataDc");
        assert_eq!(pascal("resPQ"), "ResPQ");
        assert_eq!(field("type"), "r#type");
        assert_eq!(field("self"), "is_self");
        assert_eq!(field("peer"), "peer");
        assert_eq!(field("srp_B"), "srp_b");
        assert_eq!(variant("InputPeer", "InputPeerUser"), "User");
        assert_eq!(variant("InputPeer", "InputPeerSelf"), "InputPeerSelf");
        assert_eq!(variant("Message", "Message"), "Message");
        assert_eq!(variant("Update", "Updates"), "Updates");
    }
}
