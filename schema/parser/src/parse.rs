//! Turning schema text into [`Definition`]s, and checking their ids.

use crate::model::{Category, Definition, Flag, Param, ParamKind, TypeRef};

/// A whole parsed schema file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    /// The layer named by a `// LAYER N` comment, if the file has one.
    pub layer: Option<u32>,
    /// Every constructor and function, in file order. Built-in types (`int ? = Int;`,
    /// `vector {t:Type} # [ t ] = Vector t;`, ...) are not definitions and are left out.
    pub definitions: Vec<Definition>,
}

/// Why a schema could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseError {
    /// The statement does not follow TL syntax.
    Syntax {
        /// 1-based line where the statement starts.
        line: usize,
        /// What is wrong.
        reason: &'static str,
        /// The statement.
        text: String,
    },
    /// The explicit `#id` disagrees with the CRC32 of the normalised definition.
    IdMismatch {
        /// 1-based line where the statement starts.
        line: usize,
        /// The id written in the schema.
        explicit: u32,
        /// The CRC32 of the normalised definition.
        computed: u32,
        /// The text that was hashed.
        normalised: String,
    },
}

// Display by hand: as a build dependency of the generated crate, this crate stays free of
// proc-macro dependencies so that crate's build starts sooner.
impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Syntax { line, reason, text } => write!(f, "line {line}: {reason}: `{text}`"),
            Self::IdMismatch {
                line,
                explicit,
                computed,
                normalised,
            } => write!(
                f,
                "line {line}: constructor id {explicit:#010x} does not match the CRC32 \
                 {computed:#010x} of `{normalised}`"
            ),
        }
    }
}

impl std::error::Error for ParseError {}

/// Parses the text of a `.tl` file.
///
/// Statements end with `;` and may span lines; `//` starts a comment; `---functions---` and
/// `---types---` switch between the two sections.
pub fn parse(text: &str) -> Result<Schema, ParseError> {
    let mut layer = None;
    let mut definitions = Vec::new();
    let mut category = Category::Type;
    let mut pending = String::new();
    let mut pending_line = 0;
    let mut pending_unverified = false;

    for (index, raw_line) in text.lines().enumerate() {
        let line_no = index + 1;
        let (code, comment) = match raw_line.find("//") {
            Some(at) => (&raw_line[..at], Some(&raw_line[at + 2..])),
            None => (raw_line, None),
        };
        if let Some(n) = comment.and_then(layer_comment) {
            layer = Some(n);
        }
        let unverified_here = comment.is_some_and(|c| c.contains(UNVERIFIED_MARK));
        let code = code.trim();
        match code {
            "---functions---" => {
                category = Category::Function;
                continue;
            }
            "---types---" => {
                category = Category::Type;
                continue;
            }
            _ => {}
        }
        let mut rest = code;
        while !rest.is_empty() {
            if pending.trim().is_empty() {
                pending_line = line_no;
                pending_unverified = false;
            }
            pending_unverified |= unverified_here;
            match rest.find(';') {
                Some(end) => {
                    pending.push(' ');
                    pending.push_str(&rest[..end]);
                    let statement = pending.trim();
                    if let Some(def) =
                        parse_statement(statement, category, pending_line, pending_unverified)?
                    {
                        definitions.push(def);
                    }
                    pending.clear();
                    rest = rest[end + 1..].trim_start();
                }
                None => {
                    pending.push(' ');
                    pending.push_str(rest);
                    rest = "";
                }
            }
        }
    }
    if !pending.trim().is_empty() {
        return Err(syntax(
            pending_line,
            "statement without a closing `;`",
            &pending,
        ));
    }
    Ok(Schema { layer, definitions })
}

/// A comment holding this on a statement's line exempts its explicit id from the CRC check:
/// Telegram assigned a few service ids that are not the hash of their published text.
pub const UNVERIFIED_MARK: &str = "id-not-crc32";

fn layer_comment(comment: &str) -> Option<u32> {
    comment.trim().strip_prefix("LAYER")?.trim().parse().ok()
}

fn syntax(line: usize, reason: &'static str, text: &str) -> ParseError {
    ParseError::Syntax {
        line,
        reason,
        text: text.trim().to_owned(),
    }
}

fn parse_statement(
    text: &str,
    category: Category,
    line: usize,
    unverified: bool,
) -> Result<Option<Definition>, ParseError> {
    let (left, right) = text
        .split_once('=')
        .ok_or_else(|| syntax(line, "missing `=`", text))?;
    let tokens: Vec<&str> = left.split_whitespace().collect();
    // Built-in types are declared with `?` (opaque) or `[ ... ]` (repetition): the language
    // itself defines them, so they produce no definition.
    if tokens
        .iter()
        .any(|t| *t == "?" || *t == "#" || t.contains('['))
    {
        return Ok(None);
    }
    let (head, param_tokens) = tokens
        .split_first()
        .ok_or_else(|| syntax(line, "missing name", text))?;
    let (full_name, explicit) = match head.split_once('#') {
        Some((name, id)) => {
            let id = u32::from_str_radix(id, 16)
                .map_err(|_| syntax(line, "constructor id is not hexadecimal", text))?;
            (name, Some(id))
        }
        None => (*head, None),
    };
    let (namespace, name) = split_namespace(full_name);
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(syntax(line, "invalid name", text));
    }

    let mut generics = Vec::new();
    let mut params = Vec::new();
    for token in param_tokens {
        if let Some(inner) = token.strip_prefix('{') {
            let inner = inner
                .strip_suffix('}')
                .ok_or_else(|| syntax(line, "unclosed `{`", text))?;
            let (generic, kind) = inner
                .split_once(':')
                .ok_or_else(|| syntax(line, "generic parameter without a kind", text))?;
            if kind != "Type" {
                return Err(syntax(line, "generic parameter kind is not `Type`", text));
            }
            generics.push(generic.to_owned());
            continue;
        }
        params.push(parse_param(token, &params, &generics, line, text)?);
    }

    let result_tokens: Vec<&str> = right.split_whitespace().collect();
    let [result] = result_tokens.as_slice() else {
        return Err(syntax(line, "result type must be one word", text));
    };
    let ty = parse_type(result).ok_or_else(|| syntax(line, "invalid result type", text))?;

    let normalised = normalised_from_tokens(full_name, param_tokens, result, true);
    let computed = crc32fast::hash(normalised.as_bytes());
    if let Some(explicit) = explicit
        && explicit != computed
        && !unverified
        // A few service definitions were hashed with `bytes` left as written.
        && explicit != crc32fast::hash(
            normalised_from_tokens(full_name, param_tokens, result, false).as_bytes(),
        )
    {
        return Err(ParseError::IdMismatch {
            line,
            explicit,
            computed,
            normalised,
        });
    }

    Ok(Some(Definition {
        namespace,
        name: name.to_owned(),
        id: explicit.unwrap_or(computed),
        explicit_id: explicit.is_some(),
        generics,
        params,
        ty,
        category,
        line,
    }))
}

fn parse_param(
    token: &str,
    earlier: &[Param],
    generics: &[String],
    line: usize,
    text: &str,
) -> Result<Param, ParseError> {
    let (name, ty) = token
        .split_once(':')
        .ok_or_else(|| syntax(line, "parameter without a type", text))?;
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(syntax(line, "invalid parameter name", text));
    }
    if ty == "#" {
        return Ok(Param {
            name: name.to_owned(),
            kind: ParamKind::Flags,
        });
    }
    let (flag, ty) = match ty.split_once('?') {
        Some((flag, ty)) => {
            let (flags_name, index) = flag
                .split_once('.')
                .ok_or_else(|| syntax(line, "conditional parameter without a bit", text))?;
            let index: u32 = index
                .parse()
                .ok()
                .filter(|i| *i < 32)
                .ok_or_else(|| syntax(line, "flag bit is not in 0..32", text))?;
            let declared = earlier
                .iter()
                .any(|p| p.name == flags_name && p.kind == ParamKind::Flags);
            if !declared {
                return Err(syntax(
                    line,
                    "condition on an undeclared flags parameter",
                    text,
                ));
            }
            (
                Some(Flag {
                    name: flags_name.to_owned(),
                    index,
                }),
                ty,
            )
        }
        None => (None, ty),
    };
    let ty = parse_type(ty).ok_or_else(|| syntax(line, "invalid parameter type", text))?;
    if ty.generic_ref && !generics.contains(&ty.name) {
        return Err(syntax(line, "`!` on an undeclared generic parameter", text));
    }
    Ok(Param {
        name: name.to_owned(),
        kind: ParamKind::Value { ty, flag },
    })
}

fn split_namespace(full: &str) -> (Vec<String>, &str) {
    match full.rsplit_once('.') {
        Some((ns, name)) => (ns.split('.').map(str::to_owned).collect(), name),
        None => (Vec::new(), full),
    }
}

fn parse_type(text: &str) -> Option<TypeRef> {
    let (generic_ref, text) = match text.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (explicit_bare, text) = match text.strip_prefix('%') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (outer, arg) = match text.split_once('<') {
        Some((outer, rest)) => (outer, Some(Box::new(parse_type(rest.strip_suffix('>')?)?))),
        None => (text, None),
    };
    let (namespace, name) = split_namespace(outer);
    let first = name.chars().next()?;
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    Some(TypeRef {
        namespace,
        name: name.to_owned(),
        bare: explicit_bare || first.is_ascii_lowercase(),
        generic_ref,
        arg,
    })
}

/// The text whose CRC32 is a definition's constructor id, for one statement (without its
/// `;`): Telegram hashes the definition with the id, `true` flags and braces removed,
/// `bytes` spelled `string`, and `Vector<T>` spelled `Vector T`.
///
/// ```
/// assert_eq!(
///     oxigram_tl_parser::normalised("user#1 flags:# self:flags.10?true id:long = User"),
///     "user flags:# id:long = User",
/// );
/// ```
pub fn normalised(statement: &str) -> String {
    let (left, right) = statement.split_once('=').unwrap_or((statement, ""));
    let tokens: Vec<&str> = left.split_whitespace().collect();
    let Some((head, params)) = tokens.split_first() else {
        return String::new();
    };
    let name = head.split_once('#').map_or(*head, |(name, _)| name);
    normalised_from_tokens(name, params, right.trim(), true)
}

fn normalised_from_tokens(
    name: &str,
    params: &[&str],
    result: &str,
    bytes_as_string: bool,
) -> String {
    let mut out = String::from(name);
    for token in params {
        if let Some((_, ty)) = token.split_once(':')
            && let Some((_, conditional)) = ty.split_once('?')
            && conditional == "true"
        {
            continue;
        }
        let token = token.replace(['{', '}'], "");
        let token = match token.strip_suffix(":bytes").filter(|_| bytes_as_string) {
            Some(name) => format!("{name}:string"),
            None => match token.strip_suffix("?bytes").filter(|_| bytes_as_string) {
                Some(prefix) => format!("{prefix}?string"),
                None => token,
            },
        };
        out.push(' ');
        out.push_str(&token);
    }
    out.push_str(" = ");
    out.push_str(result);
    out.replace('<', " ").replace('>', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_flags_generics_and_vectors() {
        let schema = parse(
            "---functions---\n\
             invokeWithLayer#da9b0d0d {X:Type} layer:int query:!X = X;\n\
             ---types---\n\
             a#1 flags:# b:flags.3?Vector<long> = A;",
        );
        // `a#1` has a wrong id on purpose.
        let Err(ParseError::IdMismatch {
            line: 4,
            explicit: 1,
            ..
        }) = schema
        else {
            panic!("expected an id mismatch on line 4, got {schema:?}");
        };
        let schema = parse("invokeWithLayer#da9b0d0d {X:Type} layer:int query:!X = X;").unwrap();
        let def = &schema.definitions[0];
        assert_eq!(def.generics, ["X"]);
        let ParamKind::Value { ty, flag: None } = &def.params[1].kind else {
            panic!()
        };
        assert!(ty.generic_ref);
    }

    #[test]
    fn computes_missing_ids() {
        // Telegram documents `message` without an id; its CRC is the well-known 0x5bb8e511.
        let schema =
            parse("message msg_id:long seqno:int bytes:int body:Object = Message;").unwrap();
        assert_eq!(schema.definitions[0].id, 0x5bb8e511);
        assert!(!schema.definitions[0].explicit_id);
    }

    #[test]
    fn skips_builtins_and_comments() {
        let schema = parse(
            "// LAYER 230\nint ? = Int;\nvector#1cb5c415 {t:Type} # [ t ] = Vector t;\n\
             // a comment; with a semicolon\nboolTrue#997275b5 = Bool; // trailing\n",
        )
        .unwrap();
        assert_eq!(schema.layer, Some(230));
        assert_eq!(schema.definitions.len(), 1);
        assert_eq!(schema.definitions[0].name, "boolTrue");
    }

    #[test]
    fn rejects_malformed_statements() {
        for bad in [
            "a#zz = A;",
            "a#1 x = A;",
            "a#1 x:flags.0?int = A;",
            "a#1 flags:# x:flags.40?int = A;",
            "a#1 x:!X = A;",
            "a#1 = ;",
            "a#1 = A",
        ] {
            assert!(
                matches!(parse(bad), Err(ParseError::Syntax { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn bundled_schemas_verify() {
        for (file, text) in [
            ("api.tl", include_str!("../../tl/api.tl")),
            ("mtproto.tl", include_str!("../../tl/mtproto.tl")),
        ] {
            let schema = parse(text).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert!(schema.definitions.len() > 50, "{file}");
        }
    }
}
