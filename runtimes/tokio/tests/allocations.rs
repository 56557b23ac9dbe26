//! Allocations per small `invoke`, end to end through the tokio client, in steady state.
//!
//! A counting allocator counts only the allocations made on the client's thread: the
//! client runs on a current-thread runtime on the test's thread, while the test DC runs
//! on a runtime (and threads) of its own, whose allocations are not the client's.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

use oxigram_tl::functions;

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static COUNTED: Cell<bool> = const { Cell::new(false) };
}

// SAFETY: every call is forwarded to the system allocator unchanged; the counter is a
// side effect that allocates nothing.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTED.try_with(Cell::get).unwrap_or(false) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: the caller's contract is passed on as it is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTED.try_with(Cell::get).unwrap_or(false) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The bound the hardening work set: at most this many allocations per small request.
const MAX_PER_INVOKE: u64 = 4;

#[test]
fn a_small_invoke_allocates_at_most_four_times() {
    let env = oxigram_conformance::Env::new();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let per_invoke = runtime.block_on(async {
        let client = oxigram_tokio::connect(env.config()).await.unwrap();
        client
            .invoke(&oxigram_conformance::sign_in())
            .await
            .unwrap();
        // Warm up: buffers, maps and queues reach their steady size.
        for _ in 0..200 {
            client
                .invoke(&functions::updates::GetState {})
                .await
                .unwrap();
        }
        const N: u64 = 1000;
        COUNTED.with(|c| c.set(true));
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        for _ in 0..N {
            client
                .invoke(&functions::updates::GetState {})
                .await
                .unwrap();
        }
        let after = ALLOCATIONS.load(Ordering::Relaxed);
        COUNTED.with(|c| c.set(false));
        client.close().await;
        (after - before) as f64 / N as f64
    });
    println!("allocations per small invoke (tokio, one at a time): {per_invoke:.2}");
    assert!(
        per_invoke <= MAX_PER_INVOKE as f64,
        "{per_invoke:.2} allocations per invoke, more than {MAX_PER_INVOKE}"
    );
}
