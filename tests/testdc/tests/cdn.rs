//! The CDN DC: redirects for the files the rules choose, parts encrypted with the
//! redirect's key, hashes from the main DC, the CDN's own RSA key, and its faults.

mod common;

use common::{Client, send_big_document, user_ref};
use oxigram_proto::crypto::sha256;
use oxigram_proto::transport::Kind;
use oxigram_testdc::api::{CDN_DC, CdnRules, HASH_PART, cdn_cipher};
use oxigram_testdc::{TestDc, TestDcConfig};
use oxigram_tl::{enums, functions, types};

const BOT_TOKEN: &str = "7000001:test-token";
const PHONE: &str = "9996621234";

/// Three hash ranges and a bit: the last one short.
const SIZE: usize = 3 * HASH_PART as usize + 1000;

async fn start() -> TestDc {
    let dc = TestDc::start(TestDcConfig {
        seed: 5,
        cdn: true,
        ..TestDcConfig::default()
    })
    .await
    .unwrap();
    dc.create_bot(BOT_TOKEN, "echo_bot");
    dc.create_user(PHONE, "Alice");
    dc
}

fn content() -> Vec<u8> {
    (0..SIZE as u32)
        .map(|i| i.wrapping_mul(2_654_435_761).to_le_bytes()[3])
        .collect()
}

/// Alice, signed in on DC 2, with a document she sent to the bot.
async fn alice_with_document(dc: &TestDc, bytes: &[u8]) -> (Client, types::Document) {
    let mut alice = Client::connect(
        dc.address(2).unwrap(),
        2,
        dc.public_key(),
        Kind::Intermediate,
        false,
        None,
        21,
    )
    .await;
    alice.sign_in_user(PHONE).await.unwrap();
    let enums::contacts::ResolvedPeer::ResolvedPeer(resolved) = alice
        .invoke(&functions::contacts::ResolveUsername {
            username: "echo_bot".into(),
            referer: None,
        })
        .await
        .unwrap();
    let (user_id, access_hash) = user_ref(&resolved.users[0]);
    let peer = enums::InputPeer::User(types::InputPeerUser {
        user_id,
        access_hash,
    });
    let sent = send_big_document(&mut alice, peer, 9, bytes, "", 4).await;
    let enums::Updates::Updates(updates) = sent else {
        panic!("another Updates: {sent:?}");
    };
    let document = updates
        .updates
        .iter()
        .find_map(|u| match u {
            enums::Update::NewMessage(new) => match &new.message {
                enums::Message::Message(m) => match &m.media {
                    Some(enums::MessageMedia::Document(d)) => match &d.document {
                        Some(enums::Document::Document(doc)) => Some((**doc).clone()),
                        _ => None,
                    },
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        })
        .expect("the sent document");
    (alice, document)
}

fn get_file(document: &types::Document, offset: i64) -> functions::upload::GetFile {
    functions::upload::GetFile {
        precise: false,
        cdn_supported: true,
        location: enums::InputFileLocation::InputDocumentFileLocation(
            types::InputDocumentFileLocation {
                id: document.id,
                access_hash: document.access_hash,
                file_reference: document.file_reference.clone(),
                thumb_size: String::new(),
            },
        ),
        offset,
        limit: 1 << 20,
    }
}

async fn redirect(
    alice: &mut Client,
    document: &types::Document,
) -> types::upload::FileCdnRedirect {
    match alice.invoke(&get_file(document, 0)).await.unwrap() {
        enums::upload::File::CdnRedirect(r) => r,
        other => panic!("no redirect: {other:?}"),
    }
}

/// A connection to the CDN DC made with its own key (no sign-in there).
async fn cdn_client(dc: &TestDc) -> Client {
    Client::connect(
        dc.address(CDN_DC).unwrap(),
        CDN_DC as i16,
        dc.cdn_public_key().unwrap(),
        Kind::Intermediate,
        false,
        None,
        22,
    )
    .await
}

fn hash_list(hashes: &[enums::FileHash]) -> Vec<types::FileHash> {
    hashes
        .iter()
        .map(|h| {
            let enums::FileHash::FileHash(h) = h;
            h.clone()
        })
        .collect()
}

fn check(hash: &types::FileHash, bytes: &[u8]) -> bool {
    let range = hash.offset as usize..hash.offset as usize + hash.limit as usize;
    sha256(&[&bytes[range]])[..] == hash.hash[..]
}

#[tokio::test]
async fn a_chosen_file_is_redirected_and_served_encrypted_with_its_hashes() {
    let dc = start().await;
    let bytes = content();
    let (mut alice, document) = alice_with_document(&dc, &bytes).await;

    // Not chosen: the main DC serves it even to a client that takes CDNs.
    let enums::upload::File::File(plain) = alice.invoke(&get_file(&document, 0)).await.unwrap()
    else {
        panic!("redirected without a rule");
    };
    assert_eq!(plain.bytes[..], bytes[..]);

    dc.set_cdn_rules(CdnRules {
        documents: vec![document.id],
        ..CdnRules::default()
    });
    let redirect = redirect(&mut alice, &document).await;
    assert_eq!(redirect.dc_id, CDN_DC);
    let given = hash_list(&redirect.file_hashes);
    assert_eq!(given.len(), 1, "the first range's hash only");
    assert_eq!((given[0].offset, given[0].limit), (0, HASH_PART as i32));
    assert!(check(&given[0], &bytes));

    // The CDN's key comes from the main DC, and the CDN is listed as one.
    let enums::CdnConfig::CdnConfig(config) = alice
        .invoke(&functions::help::GetCdnConfig {})
        .await
        .unwrap();
    let enums::CdnPublicKey::CdnPublicKey(key) = &config.public_keys[0];
    assert_eq!(key.dc_id, CDN_DC);
    let pem_key = oxigram_testdc::pem::public_key_from_pem(&key.public_key).unwrap();
    assert_eq!(
        pem_key.fingerprint(),
        dc.cdn_public_key().unwrap().fingerprint()
    );
    assert_ne!(pem_key.fingerprint(), dc.public_key().fingerprint());
    let enums::Config::Config(main) = alice.invoke(&functions::help::GetConfig {}).await.unwrap();
    let cdn_options: Vec<_> = main
        .dc_options
        .iter()
        .map(|o| {
            let enums::DcOption::DcOption(o) = o;
            o
        })
        .filter(|o| o.cdn)
        .collect();
    assert_eq!(cdn_options.len(), 1);
    assert_eq!(cdn_options[0].id, CDN_DC);

    let mut cdn = cdn_client(&dc).await;
    let mut got = Vec::new();
    // Two requests of 256 KiB, then what is left.
    for offset in [0, 256 << 10, 512 << 10] {
        let answer = cdn
            .invoke(&functions::upload::GetCdnFile {
                file_token: redirect.file_token.clone(),
                offset,
                limit: 256 << 10,
            })
            .await
            .unwrap();
        let enums::upload::CdnFile::CdnFile(part) = answer else {
            panic!("a reupload asked for");
        };
        let mut part = part.bytes.to_vec();
        if !part.is_empty() {
            assert_ne!(
                part[..],
                bytes[offset as usize..offset as usize + part.len()]
            );
        }
        let key: [u8; 32] = redirect.encryption_key[..].try_into().unwrap();
        let iv: [u8; 16] = redirect.encryption_iv[..].try_into().unwrap();
        cdn_cipher(&key, &iv, offset as u64, &mut part);
        got.extend(part);
    }
    assert!(got == bytes, "the decrypted parts differ");
    assert_eq!(dc.cdn_parts_served(), 3);

    let hashes = alice
        .invoke(&functions::upload::GetCdnFileHashes {
            file_token: redirect.file_token.clone(),
            offset: 0,
        })
        .await
        .unwrap();
    let hashes = hash_list(&hashes);
    assert_eq!(hashes.len(), 4);
    assert_eq!(hashes[3].limit, 1000);
    assert!(hashes.iter().all(|h| check(h, &bytes)));

    // The CDN serves its files and nothing else; the main DCs do not serve CDN parts.
    let refused = cdn
        .invoke(&functions::help::GetConfig {})
        .await
        .unwrap_err();
    assert_eq!(refused.name, "CDN_METHOD_INVALID");
    let refused = alice
        .invoke(&functions::upload::GetCdnFile {
            file_token: redirect.file_token.clone(),
            offset: 0,
            limit: 4096,
        })
        .await
        .unwrap_err();
    assert_eq!(refused.name, "CDN_METHOD_INVALID");
    let unknown = cdn
        .invoke(&functions::upload::GetCdnFile {
            file_token: vec![1, 2, 3].into(),
            offset: 0,
            limit: 4096,
        })
        .await
        .unwrap_err();
    assert_eq!(unknown.name, "FILE_TOKEN_INVALID");
}

#[tokio::test]
async fn the_faults_give_a_wrong_hash_and_ask_for_a_reupload_once() {
    let dc = start().await;
    let bytes = content();
    let (mut alice, document) = alice_with_document(&dc, &bytes).await;
    dc.set_cdn_rules(CdnRules {
        min_size: Some(SIZE as u64),
        bad_hash_part: Some(2),
        reupload_once: true,
        ..CdnRules::default()
    });
    let first = redirect(&mut alice, &document).await;
    let mut cdn = cdn_client(&dc).await;
    let get = functions::upload::GetCdnFile {
        file_token: first.file_token.clone(),
        offset: 0,
        limit: 1 << 20,
    };
    let request_token = match cdn.invoke(&get).await.unwrap() {
        enums::upload::CdnFile::ReuploadNeeded(r) => r.request_token,
        other => panic!("no reupload asked for: {other:?}"),
    };
    // Still needed until it is done.
    assert!(matches!(
        cdn.invoke(&get).await.unwrap(),
        enums::upload::CdnFile::ReuploadNeeded(_)
    ));
    let wrong = alice
        .invoke(&functions::upload::ReuploadCdnFile {
            file_token: first.file_token.clone(),
            request_token: vec![0; 16].into(),
        })
        .await
        .unwrap_err();
    assert_eq!(wrong.name, "FILE_TOKEN_INVALID");
    let hashes = alice
        .invoke(&functions::upload::ReuploadCdnFile {
            file_token: first.file_token.clone(),
            request_token,
        })
        .await
        .unwrap();
    let hashes = hash_list(&hashes);
    let good: Vec<bool> = hashes.iter().map(|h| check(h, &bytes)).collect();
    assert_eq!(good, [true, true, false, true]);
    let enums::upload::CdnFile::CdnFile(part) = cdn.invoke(&get).await.unwrap() else {
        panic!("a reupload asked for again");
    };
    assert_eq!(part.bytes.len(), SIZE);
    // Once: a new redirect is served at once.
    let again = redirect(&mut alice, &document).await;
    let get = functions::upload::GetCdnFile {
        file_token: again.file_token,
        offset: 0,
        limit: 1 << 20,
    };
    assert!(matches!(
        cdn.invoke(&get).await.unwrap(),
        enums::upload::CdnFile::CdnFile(_)
    ));
}
