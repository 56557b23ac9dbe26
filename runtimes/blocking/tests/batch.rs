//! `invoke_all`: a batch pipelined from one thread, each request ending once with its own
//! answer or error, in the order asked.

use std::time::Duration;

use oxigram_blocking::BlockingConnection;
use oxigram_runtime::{Bytes, InvokeError, InvokeOptions};
use oxigram_testdc::Faults;
use oxigram_tl::{Identifiable, Serialize, enums, functions, types};

fn signed_in(env: &oxigram_conformance::Env) -> BlockingConnection {
    let client = BlockingConnection::connect(env.config()).unwrap();
    client.invoke(&oxigram_conformance::sign_in()).unwrap();
    client
}

fn state() -> Bytes {
    functions::updates::GetState {}.to_bytes().into()
}

fn config() -> Bytes {
    functions::help::GetConfig {}.to_bytes().into()
}

/// The constructor an answer starts with.
fn constructor(answer: &[u8]) -> u32 {
    u32::from_le_bytes(answer[..4].try_into().unwrap())
}

#[test]
fn answers_come_back_in_the_order_asked_and_one_error_ends_only_its_request() {
    let env = oxigram_conformance::Env::new();
    let client = signed_in(&env);
    // Two kinds of request in an order no sorting would give, and one the server
    // cannot read (an unknown constructor).
    let mut bodies = Vec::new();
    for i in 0..300 {
        bodies.push(if i % 3 == 1 { config() } else { state() });
    }
    bodies.insert(150, Bytes::from_static(&[0xde, 0xad, 0xbe, 0xef]));
    let results = client.invoke_raw_all(bodies.clone(), InvokeOptions::default());
    assert_eq!(results.len(), bodies.len());
    for (at, (body, result)) in bodies.iter().zip(&results).enumerate() {
        if at == 150 {
            assert!(
                matches!(result, Err(InvokeError::Rpc(_))),
                "the unreadable request: {result:?}"
            );
            continue;
        }
        let answer = result.as_ref().unwrap();
        let expected = if body[..] == config()[..] {
            types::Config::CONSTRUCTOR_ID
        } else {
            types::updates::State::CONSTRUCTOR_ID
        };
        assert_eq!(constructor(answer), expected, "answer {at}");
    }

    // The typed form decodes each answer.
    let states = client.invoke_all(&vec![functions::updates::GetState {}; 5]);
    assert_eq!(states.len(), 5);
    for s in states {
        let enums::updates::State::State(s) = s.unwrap();
        assert!(s.date > 0);
    }
    assert!(
        client
            .invoke_raw_all(Vec::new(), InvokeOptions::default())
            .is_empty()
    );
    assert_eq!(client.pending(), 0);
}

#[test]
fn a_batch_larger_than_the_socket_buffers_goes_through() {
    let env = oxigram_conformance::Env::new();
    let client = signed_in(&env);
    // Megabytes each way: while the batch is still being written the answers fill the
    // socket's buffers, and the driver must read them for the writes to go on.
    let me = functions::users::GetUsers {
        id: vec![types::InputUserSelf {}.into(); 200],
    };
    let results = client.invoke_all(&vec![me; 2_000]);
    assert_eq!(results.len(), 2_000);
    for (at, result) in results.into_iter().enumerate() {
        let users = result.unwrap_or_else(|e| panic!("request {at}: {e}"));
        assert_eq!(users.len(), 200, "answer {at}");
    }
    assert_eq!(client.pending(), 0);
}

#[test]
fn every_request_of_a_batch_is_answered_once_across_dropped_connections() {
    let env = oxigram_conformance::Env::new();
    let client = signed_in(&env);
    env.dc.set_faults(Faults {
        drop_after_requests: Some(100),
        ..Faults::default()
    });
    let results = client.invoke_raw_all((0..300).map(|_| state()), InvokeOptions::default());
    env.dc.set_faults(Faults::default());
    for (at, result) in results.iter().enumerate() {
        let answer = result
            .as_ref()
            .unwrap_or_else(|e| panic!("request {at}: {e}"));
        assert_eq!(constructor(answer), types::updates::State::CONSTRUCTOR_ID);
    }
    assert_eq!(results.len(), 300);
    assert_eq!(client.pending(), 0);
}

#[test]
fn timeouts_and_a_closed_connection_end_every_request_of_a_batch() {
    let env = oxigram_conformance::Env::new();
    let mut client = signed_in(&env);
    env.dc.set_faults(Faults {
        delay: Duration::from_millis(300),
        ..Faults::default()
    });
    let results = client.invoke_raw_all(
        (0..10).map(|_| state()),
        InvokeOptions::timeout(Duration::from_millis(50)),
    );
    assert_eq!(results, vec![Err(InvokeError::Timeout); 10]);
    assert_eq!(client.pending(), 0);
    env.dc.set_faults(Faults::default());

    client.close();
    let results = client.invoke_all(&vec![functions::updates::GetState {}; 3]);
    assert_eq!(results.len(), 3);
    assert!(
        results
            .iter()
            .all(|r| matches!(r, Err(InvokeError::Closed)))
    );
}
