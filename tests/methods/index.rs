//! The methods index (`src/methods/README.md`) is true: every test it names exists in
//! `tests/methods/` and calls the method (or its bound form), no method is listed twice,
//! and every method promised is there.

use std::collections::HashSet;
use std::path::Path;

/// The methods the everyday-methods work promised, in Pyrogram's names.
const PROMISED: &[&str] = &[
    "send_message",
    "send_photo",
    "send_video",
    "send_document",
    "send_audio",
    "send_voice",
    "send_animation",
    "send_sticker",
    "send_video_note",
    "send_media_group",
    "send_cached_media",
    "send_location",
    "send_venue",
    "send_contact",
    "send_poll",
    "send_dice",
    "send_chat_action",
    "edit_message_text",
    "edit_message_caption",
    "edit_message_media",
    "edit_message_reply_markup",
    "edit_inline_text",
    "delete_messages",
    "forward_messages",
    "copy_message",
    "get_messages",
    "get_media_group",
    "get_chat_history",
    "search_messages",
    "read_chat_history",
    "send_reaction",
    "vote_poll",
    "stop_poll",
    "pin_chat_message",
    "unpin_chat_message",
    "get_chat",
    "get_dialogs",
    "get_chat_member",
    "get_chat_members",
    "join_chat",
    "leave_chat",
    "create_group",
    "create_supergroup",
    "create_channel",
    "ban_chat_member",
    "unban_chat_member",
    "restrict_chat_member",
    "promote_chat_member",
    "set_chat_permissions",
    "set_chat_title",
    "set_chat_description",
    "set_chat_photo",
    "export_chat_invite_link",
    "create_chat_invite_link",
    "approve_chat_join_request",
    "decline_chat_join_request",
    "archive_chats",
    "get_me",
    "get_users",
    "update_profile",
    "set_profile_photo",
    "get_chat_photos",
    "block_user",
    "unblock_user",
    "get_contacts",
    "add_contact",
    "delete_contacts",
    "answer_callback_query",
    "answer_inline_query",
    "set_bot_commands",
    "get_bot_commands",
    "delete_bot_commands",
    "request_callback_answer",
    "get_inline_bot_results",
    "send_inline_bot_result",
    "invoke",
    "resolve_peer",
    "export_session_string",
];

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
    let mut wrong = Vec::new();
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
            let Some(body) = body(&source, test) else {
                wrong.push(format!("no test {file}::{test} for {}", row.method));
                continue;
            };
            let calls = |name: &str| body.contains(&format!(".{name}("));
            if !(calls(&row.method) || row.bound.as_deref().is_some_and(calls)) {
                wrong.push(format!(
                    "{file}::{test} does not call {} (nor its bound form)",
                    row.method
                ));
            }
        }
    }
    for method in PROMISED {
        if !seen.contains(*method) {
            wrong.push(format!("{method} is not in the index"));
        }
    }
    assert!(
        wrong.is_empty(),
        "the index is wrong:\n{}",
        wrong.join("\n")
    );
}
