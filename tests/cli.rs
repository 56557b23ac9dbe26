//! The `oxigram` command-line tool, run as a user runs it: the built binary, its output
//! and its exit status.
#![cfg(feature = "cli")]

use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Child, Command, Output, Stdio};

use oxigram::tl::{Serialize, enums, functions, types};

const BIN: &str = env!("CARGO_BIN_EXE_oxigram");
const TELETHON: &str = include_str!("../schema/types/tests/fixtures/telethon/objects.txt");
const SESSIONS: &str = include_str!("fixtures/sessions/strings.txt");

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn run_with_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

/// Standard output of a run that must succeed.
fn ok(output: Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}, stderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Standard error of a run that must fail.
fn fails(output: Output) -> String {
    assert!(
        !output.status.success(),
        "succeeded with: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8(output.stderr).unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn telethon(label: &str) -> &'static str {
    TELETHON
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .find(|(l, _)| *l == label)
        .unwrap_or_else(|| panic!("no fixture {label}"))
        .1
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

// `tl decode`

#[test]
fn decodes_telethon_bytes_with_field_names() {
    let out = ok(run(&["tl", "decode", telethon("input_peer_user")]));
    assert_eq!(
        out,
        "inputPeerUser {\n  user_id: 777000,\n  access_hash: -5000000000000000000,\n}\n"
    );
    let out = ok(run(&["tl", "decode", telethon("help_get_config")]));
    assert_eq!(out, "help.getConfig {}\n");
    let out = ok(run(&["tl", "decode", telethon("mt_rpc_error")]));
    assert!(out.contains("error_message: \"FLOOD_WAIT_30\""), "{out}");
}

#[test]
fn every_telethon_fixture_decodes_to_json() {
    for line in TELETHON.lines().filter(|l| !l.starts_with('#')) {
        let Some((label, bytes)) = line.split_once('\t') else {
            continue;
        };
        let value = json(&ok(run(&["tl", "decode", "--json", bytes])));
        assert!(value["_"].is_string(), "{label}: {value}");
    }
}

#[test]
fn json_nests_requests_and_keeps_longs_as_numbers() {
    let value = json(&ok(run(&[
        "tl",
        "decode",
        "--json",
        telethon("invoke_with_layer_init_connection"),
    ])));
    assert_eq!(value["_"], "invokeWithLayer");
    assert_eq!(value["query"]["_"], "initConnection");
    assert_eq!(value["query"]["proxy"]["port"], 1080);
    assert_eq!(value["query"]["query"]["_"], "help.getConfig");

    let value = json(&ok(run(&[
        "tl",
        "decode",
        "--json",
        telethon("input_peer_channel"),
    ])));
    assert_eq!(value["access_hash"].as_i64(), Some(i64::MIN));
}

fn alice() -> types::User {
    types::User {
        is_self: false,
        contact: true,
        mutual_contact: false,
        deleted: false,
        bot_chat_history: false,
        bot_nochats: false,
        verified: true,
        min: false,
        bot_inline_geo: false,
        support: false,
        scam: false,
        apply_min_photo: false,
        fake: false,
        bot_attach_menu: false,
        premium: false,
        attach_menu_enabled: false,
        bot_can_edit: false,
        close_friend: false,
        stories_hidden: false,
        stories_unavailable: false,
        contact_require_premium: false,
        bot_business: false,
        bot_has_main_app: false,
        bot_forum_view: false,
        bot_forum_can_manage_topics: false,
        bot_can_manage_bots: false,
        bot_guestchat: false,
        bot_guard: false,
        id: 1_234_567_890_123,
        access_hash: Some(-42),
        first_name: Some("Alice".into()),
        last_name: None,
        username: Some("alice".into()),
        phone: None,
        photo: Some(enums::UserProfilePhoto::UserProfilePhoto(
            types::UserProfilePhoto {
                has_video: false,
                personal: false,
                photo_id: 99,
                stripped_thumb: Some(vec![1, 2, 3].into()),
                dc_id: 4,
            },
        )),
        status: Some(enums::UserStatus::Online(types::UserStatusOnline {
            expires: 1_700_000_000,
        })),
        bot_info_version: None,
        restriction_reason: None,
        bot_inline_placeholder: None,
        lang_code: Some("en".into()),
        emoji_status: None,
        usernames: Some(vec![enums::Username::Username(types::Username {
            editable: true,
            active: true,
            deletable: false,
            expired: false,
            username: "alice".into(),
        })]),
        stories_max_id: None,
        color: None,
        profile_color: None,
        bot_active_users: None,
        bot_verification_icon: None,
        send_paid_messages_stars: None,
        linked_community_id: None,
    }
}

#[test]
fn decodes_objects_the_generated_types_encode() {
    let user = enums::User::from(alice());
    let bytes = user.to_bytes();
    let value = json(&ok(run(&["tl", "decode", "--json", &hex(&bytes)])));
    assert_eq!(value["_"], "user");
    assert_eq!(value["id"], 1_234_567_890_123_i64);
    assert_eq!(value["access_hash"], -42);
    assert_eq!(value["first_name"], "Alice");
    assert_eq!(value["contact"], true);
    assert_eq!(value["verified"], true);
    // Clear `true` flags and absent values are left out.
    assert_eq!(value.get("bot"), None);
    assert_eq!(value.get("last_name"), None);
    assert_eq!(value["photo"]["_"], "userProfilePhoto");
    assert_eq!(value["photo"]["photo_id"], 99);
    assert_eq!(value["photo"]["stripped_thumb"], "AQID");
    assert_eq!(value["status"]["expires"], 1_700_000_000);
    assert_eq!(value["usernames"][0]["username"], "alice");
    assert_eq!(value["usernames"][0]["editable"], true);
    assert_eq!(value["lang_code"], "en");

    let text = ok(run(&["tl", "decode", &hex(&bytes)]));
    assert!(text.starts_with("user {\n"), "{text}");
    assert!(text.contains("\n  first_name: \"Alice\",\n"), "{text}");
    assert!(text.contains("stripped_thumb: bytes[3] 010203,"), "{text}");

    let request = functions::contacts::ResolveUsername {
        username: "durov".into(),
        referer: None,
    };
    let text = ok(run(&["tl", "decode", &hex(&request.to_bytes())]));
    assert_eq!(
        text,
        "contacts.resolveUsername {\n  username: \"durov\",\n}\n"
    );
}

#[test]
fn reads_base64_hex_and_raw_bytes_from_stdin() {
    let bytes = enums::User::from(alice()).to_bytes();
    let expected = ok(run(&["tl", "decode", &hex(&bytes)]));

    let base64 = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(&bytes)
    };
    assert_eq!(ok(run(&["tl", "decode", &base64])), expected);
    assert_eq!(
        ok(run_with_stdin(
            &["tl", "decode", "-"],
            format!("{}\n", hex(&bytes)).as_bytes()
        )),
        expected
    );
    assert_eq!(
        ok(run_with_stdin(
            &["tl", "decode", "--encoding", "raw", "-"],
            &bytes
        )),
        expected
    );
}

#[test]
fn bad_input_fails_with_a_message() {
    let err = fails(run(&["tl", "decode", "not hex!"]));
    assert!(err.contains("neither hexadecimal nor base64"), "{err}");

    let err = fails(run(&["tl", "decode", "01020304"]));
    assert!(err.contains("unknown constructor id 0x04030201"), "{err}");

    // Telethon's user peer, cut short.
    let cut = &telethon("input_peer_user")[..32];
    let err = fails(run(&["tl", "decode", cut]));
    assert!(err.contains("ends early"), "{err}");
    assert!(err.contains("inputPeerUser > access_hash"), "{err}");

    let err = fails(run(&["tl", "decode"]));
    assert!(err.contains("Usage"), "{err}");
}

// `session`

/// `key = value` of the fixture section `[name]`.
fn session_field(name: &str, key: &str) -> &'static str {
    let section = SESSIONS
        .split(&format!("[{name}]\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("no session {name}"));
    section
        .lines()
        .take_while(|line| !line.starts_with('['))
        .find_map(|line| line.strip_prefix(&format!("{key} = ")))
        .unwrap_or_else(|| panic!("{name} has no {key}"))
}

#[test]
fn show_names_the_fields_and_hides_the_key() {
    let string = session_field("pyrogram-user", "string");
    let key = session_field("pyrogram-user", "auth_key");
    let out = ok(run(&["session", "show", string]));
    assert!(out.contains("Pyrogram session string"), "{out}");
    assert!(out.contains("user id     123456789\n"), "{out}");
    assert!(out.contains("api_id      12345\n"), "{out}");
    assert!(!out.contains(key), "{out}");
    assert!(!out.contains(&key[..32]), "{out}");

    let value = json(&ok(run(&["session", "show", "--json", string])));
    assert_eq!(value["format"], "pyrogram");
    assert_eq!(value["dc_id"], 2);
    assert_eq!(value["user_id"], 123456789);
    assert_eq!(value["is_bot"], false);
    assert_eq!(value["address"], serde_json::Value::Null);
    assert_eq!(value["auth_key_id"].as_str().map(str::len), Some(16));
    assert_eq!(value.get("auth_key"), None);

    let value = json(&ok(run(&[
        "session",
        "show",
        "--json",
        "--show-key",
        string,
    ])));
    assert_eq!(value["auth_key"], key);
    let out = ok(run(&["session", "show", "--show-key", string]));
    assert!(out.contains(key), "{out}");
}

#[test]
fn show_reads_telethon_strings_from_stdin_and_files() {
    let string = session_field("telethon-ipv6", "string");
    let value = json(&ok(run_with_stdin(
        &["session", "show", "--json", "-"],
        format!("{string}\n").as_bytes(),
    )));
    assert_eq!(value["format"], "telethon");
    assert_eq!(value["address"], session_field("telethon-ipv6", "address"));
    assert_eq!(value["user_id"], serde_json::Value::Null);

    let dir = std::env::temp_dir().join(format!("oxigram-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("session.txt");
    std::fs::write(&file, format!("{string}\n")).unwrap();
    let from_file = json(&ok(run(&[
        "session",
        "show",
        "--json",
        file.to_str().unwrap(),
    ])));
    assert_eq!(from_file, value);

    let sqlite = dir.join("account.session");
    std::fs::write(&sqlite, b"SQLite format 3\0not really a database").unwrap();
    let err = fails(run(&["session", "show", sqlite.to_str().unwrap()]));
    assert!(err.contains("account.session"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();

    let err = fails(run(&["session", "show", "no/such/file.session"]));
    assert!(err.contains("no/such/file.session"), "{err}");
}

fn convert(input: &str, args: &[&str]) -> String {
    let mut all = vec!["session", "convert", input];
    all.extend(args);
    ok(run(&all)).trim_end().to_owned()
}

fn show(string: &str) -> serde_json::Value {
    json(&ok(run(&[
        "session",
        "show",
        "--json",
        "--show-key",
        string,
    ])))
}

#[test]
fn each_format_converts_to_itself_unchanged() {
    for name in [
        "pyrogram-user",
        "pyrogram-bot-test-dc",
        "telethon-ipv4",
        "telethon-ipv6",
    ] {
        let string = session_field(name, "string");
        let format = session_field(name, "format");
        assert_eq!(convert(string, &["--to", format]), string, "{name}");
        // Through ours and back: ours holds everything either format does.
        let ours = convert(string, &["--to", "oxigram"]);
        assert!(ours.starts_with("ox1:"), "{ours}");
        assert_eq!(convert(&ours, &["--to", format]), string, "{name} via ours");
    }
}

#[test]
fn ours_to_pyrogram_and_back_keeps_what_pyrogram_holds() {
    // A session of ours with every field, made from Telethon's by adding the rest.
    let telethon = session_field("telethon-ipv4", "string");
    let full = convert(
        telethon,
        &[
            "--to",
            "oxigram",
            "--user-id",
            "777",
            "--bot",
            "--api-id",
            "94575",
        ],
    );
    let before = show(&full);
    assert_eq!(before["address"], "149.154.167.51:443");
    assert_eq!(before["is_bot"], true);

    let pyrogram = convert(&full, &["--to", "pyrogram"]);
    let back = show(&convert(&pyrogram, &["--to", "oxigram"]));
    for field in [
        "dc_id",
        "test_mode",
        "user_id",
        "is_bot",
        "api_id",
        "auth_key",
    ] {
        assert_eq!(back[field], before[field], "{field}");
    }
    // Pyrogram's string has no address.
    assert_eq!(back["address"], serde_json::Value::Null);

    let telethon_again = convert(&full, &["--to", "telethon"]);
    assert_eq!(telethon_again, telethon);
    let back = show(&convert(&telethon_again, &["--to", "oxigram"]));
    for field in ["dc_id", "address", "auth_key"] {
        assert_eq!(back[field], before[field], "{field}");
    }
    assert_eq!(back["user_id"], serde_json::Value::Null);
}

#[test]
fn missing_fields_name_the_flag_that_supplies_them() {
    let telethon = session_field("telethon-ipv4", "string");
    let err = fails(run(&["session", "convert", telethon, "--to", "pyrogram"]));
    assert!(
        err.contains("a Pyrogram session string needs api_id, which is not set"),
        "{err}"
    );
    assert!(err.contains("--api-id"), "{err}");
    let err = fails(run(&[
        "session", "convert", telethon, "--to", "pyrogram", "--api-id", "1",
    ]));
    assert!(err.contains("needs user_id"), "{err}");

    let pyrogram = session_field("pyrogram-user", "string");
    let err = fails(run(&["session", "convert", pyrogram, "--to", "telethon"]));
    assert!(err.contains("needs address"), "{err}");
    let telethon = convert(
        pyrogram,
        &["--to", "telethon", "--address", "149.154.167.51:443"],
    );
    let value = show(&telethon);
    assert_eq!(value["address"], "149.154.167.51:443");
    assert_eq!(
        value["auth_key"],
        session_field("pyrogram-user", "auth_key")
    );
}

#[test]
fn convert_writes_the_file_given() {
    let string = session_field("pyrogram-user", "string");
    let out = std::env::temp_dir().join(format!("oxigram-cli-out-{}", std::process::id()));
    let printed = ok(run(&[
        "session",
        "convert",
        string,
        "--to",
        "oxigram",
        "--out",
        out.to_str().unwrap(),
    ]));
    assert_eq!(printed, "");
    let written = std::fs::read_to_string(&out).unwrap();
    std::fs::remove_file(&out).unwrap();
    assert!(written.starts_with("ox1:"), "{written}");
    assert_eq!(convert(written.trim(), &["--to", "pyrogram"]), string);
}

#[test]
fn session_files_of_each_library_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let pyrogram = session_field("pyrogram-user", "string");
    let key = session_field("pyrogram-user", "auth_key");

    // A Pyrogram string into Pyrogram's file and back, unchanged.
    let file = path("pyrogram.session");
    assert_eq!(
        convert(pyrogram, &["--to", "pyrogram-file", "--out", &file]),
        ""
    );
    let value = show(&file);
    assert_eq!(value["format"], "pyrogram-file");
    assert_eq!(value["file_version"], 7);
    assert_eq!(value["user_id"], 123456789);
    assert_eq!(value["api_id"], 12345);
    assert_eq!(value["auth_key"], key);
    assert_eq!(value["peers"], 0);
    assert_eq!(convert(&file, &["--to", "pyrogram"]), pyrogram);

    // Pyrogram 2.0's older file keeps the same fields.
    let old = path("pyrogram-2.0.session");
    convert(&file, &["--to", "pyrogram-v3-file", "--out", &old]);
    assert_eq!(show(&old)["file_version"], 3);
    assert_eq!(convert(&old, &["--to", "pyrogram"]), pyrogram);

    // Telethon's file needs the address Pyrogram's string lacks: the library fills in
    // the DC's well-known one. It keeps the user id.
    let telethon_file = path("telethon.session");
    convert(
        pyrogram,
        &["--to", "telethon-file", "--out", &telethon_file],
    );
    let value = show(&telethon_file);
    assert_eq!(value["format"], "telethon-file");
    assert_eq!(value["user_id"], 123456789);
    assert_eq!(value["auth_key"], key);
    let address = value["address"].as_str().unwrap().to_owned();
    assert_eq!(
        convert(&telethon_file, &["--to", "telethon"]),
        convert(pyrogram, &["--to", "telethon", "--address", &address])
    );

    // Ours, from Telethon's file, with what Telethon's lacks given on the command line.
    let ours = path("oxigram.session");
    convert(
        &telethon_file,
        &[
            "--to",
            "oxigram-file",
            "--out",
            &ours,
            "--api-id",
            "12345",
            "--bot=false",
        ],
    );
    let value = show(&ours);
    assert_eq!(value["format"], "oxigram-file");
    assert_eq!(value["user_id"], 123456789);
    assert_eq!(value["auth_key"], key);
    assert_eq!(convert(&ours, &["--to", "pyrogram"]), pyrogram);

    // A file target needs --out, and never replaces a file.
    let err = fails(run(&[
        "session",
        "convert",
        pyrogram,
        "--to",
        "oxigram-file",
    ]));
    assert!(err.contains("--out"), "{err}");
    let err = fails(run(&[
        "session",
        "convert",
        pyrogram,
        "--to",
        "pyrogram-file",
        "--out",
        &file,
    ]));
    assert!(err.contains("exists"), "{err}");
}

// `testdc`

/// Kills the server when the test ends, passed or not.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        if let Err(e) = self.0.kill() {
            eprintln!("cannot kill the test DC: {e}");
        }
        if let Err(e) = self.0.wait() {
            eprintln!("cannot reap the test DC: {e}");
        }
    }
}

fn start_testdc(args: &[&str]) -> (Server, BufReader<std::process::ChildStdout>) {
    let mut child = Command::new(BIN)
        .arg("testdc")
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    (Server(child), stdout)
}

#[test]
fn testdc_prints_its_addresses_and_key() {
    let (_server, mut stdout) = start_testdc(&["--port", "0", "--dcs", "2", "--bot", "1:abc"]);
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        assert_ne!(stdout.read_line(&mut line).unwrap(), 0, "ended: {lines:?}");
        let line = line.trim_end().to_owned();
        let done = line == "ready";
        lines.push(line);
        if done || lines.len() > 50 {
            break;
        }
    }
    assert_eq!(lines.last().map(String::as_str), Some("ready"), "{lines:?}");
    assert!(lines[0].starts_with("dc 1 127.0.0.1:"), "{lines:?}");
    assert!(lines[1].starts_with("dc 2 127.0.0.1:"), "{lines:?}");
    assert!(lines[2].starts_with("-----BEGIN"), "{lines:?}");
    assert!(
        lines.iter().any(|line| line.starts_with("fingerprint ")),
        "{lines:?}"
    );
    // The address printed is one a client can reach.
    let address = lines[0].rsplit(' ').next().unwrap();
    std::net::TcpStream::connect(address).unwrap();
}

#[test]
fn testdc_json_is_one_line() {
    let (_server, mut stdout) = start_testdc(&["--port", "0", "--dcs", "1", "--json"]);
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let value = json(&line);
    assert_eq!(value["dcs"][0]["id"], 1);
    assert!(
        value["dcs"][0]["address"]
            .as_str()
            .is_some_and(|a| a.starts_with("127.0.0.1:")),
        "{value}"
    );
    assert!(
        value["public_key"]
            .as_str()
            .is_some_and(|k| k.contains("PUBLIC KEY")),
        "{value}"
    );
    assert_eq!(value["fingerprint"].as_str().map(str::len), Some(16));
}

#[test]
fn testdc_refuses_bad_flags() {
    let err = fails(run(&["testdc", "--dcs", "9"]));
    assert!(err.contains("--dcs"), "{err}");
}

// `login`

#[test]
fn login_signs_a_bot_in_and_leaves_a_session_file_that_signs_in_again() {
    let (_server, mut stdout) = start_testdc(&["--port", "0", "--bot", "77:clitoken", "--json"]);
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let server = json(&line);
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("server.pem");
    std::fs::write(&key, server["public_key"].as_str().unwrap()).unwrap();
    let dcs: Vec<String> = server["dcs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|dc| format!("{}={}", dc["id"], dc["address"].as_str().unwrap()))
        .collect();
    let workdir = dir.path().to_str().unwrap();
    let login = |extra: &[&str]| {
        let mut args = vec![
            "login",
            "--session",
            "bot",
            "--workdir",
            workdir,
            "--api-id",
            "5",
            "--api-hash",
            "cli",
            "--test-mode",
            "--json",
            "--server-key",
            key.to_str().unwrap(),
        ];
        for dc in &dcs {
            args.extend(["--dc", dc.as_str()]);
        }
        args.extend(extra);
        json(&ok(run(&args)))
    };

    let first = login(&["--bot-token", "77:clitoken"]);
    assert_eq!(first["bot"], true, "{first}");
    assert_eq!(first["dc"], 2, "{first}");
    let user_id = first["user_id"].as_i64().unwrap();
    let file = dir.path().join("bot.session");
    let shown = json(&ok(run(&[
        "session",
        "show",
        "--json",
        file.to_str().unwrap(),
    ])));
    assert_eq!(shown["user_id"].as_i64(), Some(user_id), "{shown}");

    // Again without the token: the session file alone signs the bot in.
    let again = login(&[]);
    assert_eq!(again["user_id"].as_i64(), Some(user_id), "{again}");
}

#[test]
fn login_without_api_credentials_says_what_is_missing() {
    let err = fails(run(&["login", "--api-hash", "x"]));
    assert!(err.contains("--api-id"), "{err}");
}
