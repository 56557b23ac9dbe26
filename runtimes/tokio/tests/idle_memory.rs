//! Heap held per idle connected client, end to end through the tokio client: each of 100
//! clients connected (sharing the first one's key) with one request answered. Its
//! resident cost beside Telethon's is measured by `runtimes/cost.sh`; this bounds what
//! the client keeps on the heap, counted by an allocator that sees only the client's
//! thread (a current-thread runtime on the test's thread; the test DC runs on threads of
//! its own).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicI64, Ordering};

use oxigram_runtime::ClientEvent;
use oxigram_tl::functions;

struct Counting;

/// Bytes allocated and not yet freed on counted threads.
static LIVE: AtomicI64 = AtomicI64::new(0);

thread_local! {
    static COUNTED: Cell<bool> = const { Cell::new(false) };
}

fn counted() -> bool {
    COUNTED.try_with(Cell::get).unwrap_or(false)
}

// SAFETY: every call is forwarded to the system allocator unchanged; the counter is a
// side effect that allocates nothing.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if counted() {
            LIVE.fetch_add(layout.size() as i64, Ordering::Relaxed);
        }
        // SAFETY: the caller's contract is passed on as it is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if counted() {
            LIVE.fetch_sub(layout.size() as i64, Ordering::Relaxed);
        }
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if counted() {
            LIVE.fetch_add(new_size as i64 - layout.size() as i64, Ordering::Relaxed);
        }
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// What an idle client may keep on the heap: the protocol core's own state (about
/// 7.5 KiB, bounded in `proto/tests/connection_resources.rs`) and the driver's, whose
/// read buffer lives on the stack while the connection is quiet (about 10.8 KiB in all,
/// one run; a 4 KiB read buffer kept per client goes beyond the bound).
const MAX_PER_CLIENT: i64 = 12 << 10;

const CLIENTS: i64 = 100;

#[test]
fn an_idle_client_keeps_little_on_the_heap() {
    let env = oxigram_conformance::Env::new();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let per_client = runtime.block_on(async {
        let first = oxigram_tokio::connect(env.config()).await.unwrap();
        let key = loop {
            match first.next_event().await {
                Some(ClientEvent::AuthKeyCreated(key)) => break *key,
                Some(_) => continue,
                None => panic!("the first client ended without a key"),
            }
        };
        first.invoke(&oxigram_conformance::sign_in()).await.unwrap();
        let mut config = env.config();
        config.auth = Some(key);
        COUNTED.with(|c| c.set(true));
        let before = LIVE.load(Ordering::Relaxed);
        let mut idle = Vec::new();
        for _ in 0..CLIENTS {
            let client = oxigram_tokio::connect(config.clone()).await.unwrap();
            client
                .invoke(&functions::updates::GetState {})
                .await
                .unwrap();
            idle.push(client);
        }
        // Every client's driver has run since its answer (acknowledgements sent).
        tokio::task::yield_now().await;
        let held = LIVE.load(Ordering::Relaxed) - before;
        COUNTED.with(|c| c.set(false));
        for client in &idle {
            client.close().await;
        }
        first.close().await;
        held / CLIENTS
    });
    println!("heap per idle tokio client: {per_client} bytes");
    assert!(
        per_client <= MAX_PER_CLIENT,
        "an idle client holds {per_client} bytes of heap, more than {MAX_PER_CLIENT}"
    );
}
