//! Ctrl-C and SIGTERM, on any runtime: one thread (started on first use) watches for
//! them with `signal-hook` and wakes every task waiting in [`idle`].

use std::sync::{Arc, OnceLock};

use super::latch::Latch;

static SIGNALS: OnceLock<Result<Arc<Latch>, String>> = OnceLock::new();

/// The latch that fires on each SIGINT or SIGTERM; the watching thread starts on the
/// first call.
pub(crate) fn latch() -> Result<Arc<Latch>, String> {
    SIGNALS.get_or_init(start).clone()
}

#[cfg(unix)]
fn start() -> Result<Arc<Latch>, String> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let latch = Arc::new(Latch::pulse());
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])
        .map_err(|e| format!("could not watch for signals: {e}"))?;
    let fire = latch.clone();
    std::thread::Builder::new()
        .name("oxigram-signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                tracing::info!(signal, "stopping on a signal");
                fire.fire();
            }
        })
        .map_err(|e| format!("could not start the thread that watches for signals: {e}"))?;
    Ok(latch)
}

#[cfg(not(unix))]
fn start() -> Result<Arc<Latch>, String> {
    Err("signals are watched on Unix only".into())
}

/// Waits until the process gets Ctrl-C (SIGINT) or SIGTERM, on any runtime (or blocked
/// on with `.wait()`). From the first call on, those signals no longer end the process
/// at once: the program stops its clients itself.
///
/// Where signals cannot be watched (not Unix, or no thread could start) this returns
/// the error at once.
pub async fn idle() -> crate::Result<()> {
    let latch = latch().map_err(crate::Error::Config)?;
    latch.wait().await;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// The only test that raises a signal: the handler is installed before it.
    #[test]
    fn sigterm_wakes_idle() {
        futures_executor::block_on(async {
            let latch = latch().expect("signals can be watched");
            let mut waiting = Box::pin(idle());
            assert!(futures_util::FutureExt::now_or_never(&mut waiting).is_none());
            signal_hook::low_level::raise(signal_hook::consts::SIGTERM).expect("raise");
            waiting.await.expect("idle ends on the signal");
            drop(latch);
        });
    }
}
