//! The high-level client's request path beside the connection it runs on, in the same
//! run against the same in-process test DC: the middleware chain (tracing span, flood
//! waits, server-failure retries), the DC lookup and the peer cache must cost at most 5%
//! of a round trip.
//!
//! Both sides send `updates.getState` as the same signed-in bot and decode the answer;
//! `ratios.py` prints connection/client (1.00x: no cost; 0.95x: 5%). Each measured
//! request is paired with an untimed one of the other side, so that both are measured
//! under the same load.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use oxigram::tl::functions;
use oxigram::{Client, ClientConfig};
use oxigram_testdc::{TestDc, TestDcConfig};

const BOT_TOKEN: &str = "777:bench";

fn round_trips(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let dc = runtime
        .block_on(TestDc::start(TestDcConfig::default()))
        .expect("the test DC starts");
    dc.create_bot(BOT_TOKEN, "bench_bot");
    let address = dc.address(2).expect("DC 2");

    let (connection, client) = runtime.block_on(async {
        let mut config = ClientConfig::new(address, 2, 1);
        config.test_dc = true;
        config.keys = vec![dc.public_key().clone()];
        let connection = oxigram::tokio::connect(config).await.expect("connects");
        connection
            .invoke(&functions::auth::ImportBotAuthorization {
                flags: 0,
                api_id: 1,
                api_hash: "bench".into(),
                bot_auth_token: BOT_TOKEN.into(),
            })
            .await
            .expect("signs in");
        let mut builder = Client::builder("bench")
            .api_id(1)
            .api_hash("bench")
            .in_memory()
            .test_mode(true)
            .server_key(dc.public_key().clone())
            .bot_token(BOT_TOKEN);
        for &(id, address) in dc.addresses() {
            builder = builder.dc_address(id as i16, address);
        }
        (
            connection,
            builder.build().await.expect("the client builds"),
        )
    });

    let mut group = c.benchmark_group("request");
    group.measurement_time(Duration::from_secs(5));
    // Each iteration sends one request each way and times one of them: both sides are
    // measured under the same load, whatever else the machine does meanwhile.
    let by_client = || async { client.invoke(functions::updates::GetState {}).await };
    let by_connection = || async { connection.invoke(&functions::updates::GetState {}).await };
    group.bench_function("getState/connection", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let mut timed = Duration::ZERO;
                for _ in 0..iters {
                    by_client().await.expect("answered");
                    let start = Instant::now();
                    black_box(by_connection().await.expect("answered"));
                    timed += start.elapsed();
                }
                timed
            })
        })
    });
    group.bench_function("getState/oxigram-client", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let mut timed = Duration::ZERO;
                for _ in 0..iters {
                    by_connection().await.expect("answered");
                    let start = Instant::now();
                    black_box(by_client().await.expect("answered"));
                    timed += start.elapsed();
                }
                timed
            })
        })
    });
    group.finish();
    black_box((&connection, &client));
}

criterion_group!(benches, round_trips);
criterion_main!(benches);
