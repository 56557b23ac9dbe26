//! Splitting a command's arguments as a shell would: words apart on white space,
//! quoted with `"` or `'`, a backslash escaping the next character.

/// `text` split into words. Inside single quotes every character stands for itself;
/// inside double quotes and outside quotes a backslash takes the next character as it
/// is. A quote left open runs to the end (nothing is rejected: chat text is free-form).
pub fn split_args(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    // Whether a word has started: `""` is an empty word, white space is none.
    let mut started = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                started = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    word.push(c);
                }
            }
            '"' => {
                started = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => match chars.next() {
                            Some(next) => word.push(next),
                            None => word.push('\\'),
                        },
                        other => word.push(other),
                    }
                }
            }
            '\\' => {
                started = true;
                match chars.next() {
                    Some(next) => word.push(next),
                    None => word.push('\\'),
                }
            }
            c if c.is_whitespace() => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            other => {
                started = true;
                word.push(other);
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn words_quotes_and_escapes() {
        assert_eq!(split_args("  a  b\tc\n"), ["a", "b", "c"]);
        assert_eq!(
            split_args(r#"say "hello world" 'it''s' x\ y"#),
            ["say", "hello world", "its", "x y"]
        );
        assert_eq!(
            split_args(r#""a \"quoted\" word" 'no \escape'"#),
            [r#"a "quoted" word"#, r"no \escape"]
        );
        assert_eq!(split_args(r#"empty "" ''"#), ["empty", "", ""]);
        assert_eq!(
            split_args("open \"quote runs on"),
            ["open", "quote runs on"]
        );
        assert_eq!(split_args("trailing\\"), ["trailing\\"]);
        assert!(split_args("   ").is_empty());
    }

    /// A word as a shell would quote it: in single quotes, each `'` closed, escaped,
    /// and reopened.
    fn quote(word: &str) -> String {
        format!("'{}'", word.replace('\'', r"'\''"))
    }

    proptest! {
        #[test]
        fn quoted_words_come_back(words in proptest::collection::vec(".*", 0..6)) {
            let line = words.iter().map(|w| quote(w)).collect::<Vec<_>>().join(" ");
            prop_assert_eq!(split_args(&line), words);
        }

        #[test]
        fn never_more_words_than_characters(text in ".*") {
            prop_assert!(split_args(&text).len() <= text.chars().count());
        }
    }
}
