//! Logging to stdout, where Toolforge collects it (`toolforge webservice logs`).
//!
//! A request never waits for stdout: log lines go into an in-memory buffer, and a thread of its
//! own writes the buffer out every [`FLUSH_INTERVAL`] (or sooner, once it holds
//! [`FLUSH_BYTES`]). When stdout cannot keep up (a slow log collector under a load spike), lines
//! that would grow the buffer beyond [`MAX_PENDING_BYTES`] are dropped and counted instead of
//! stalling requests; the count is logged with the next write and when the process ends.
//!
//! Why not `tracing_appender::non_blocking`: it hands every line to its writer thread through a
//! channel, and waking that thread once per line cost a fifth of the throughput of a page under
//! load on two cores (`docs/performance.md`); here requests only append to a buffer.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// How long a line may wait in the buffer: short enough for `toolforge webservice logs -f`.
pub const FLUSH_INTERVAL: Duration = Duration::from_millis(50);
/// A buffer this full is written at once.
pub const FLUSH_BYTES: usize = 64 * 1024;
/// Lines beyond this much unwritten text are dropped (and counted).
pub const MAX_PENDING_BYTES: usize = 4 * 1024 * 1024;

#[derive(Default)]
struct Shared {
    pending: Mutex<Vec<u8>>,
    wake: Condvar,
    dropped: AtomicU64,
    stopping: std::sync::atomic::AtomicBool,
}

impl Shared {
    fn pending(&self) -> MutexGuard<'_, Vec<u8>> {
        // Plain bytes: still usable after a panic elsewhere.
        self.pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Appends one line, or drops and counts it when too much is waiting already.
    fn append(&self, line: &[u8]) {
        let mut pending = self.pending();
        if pending.len() + line.len() > MAX_PENDING_BYTES {
            self.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        pending.extend_from_slice(line);
        if pending.len() >= FLUSH_BYTES {
            self.wake.notify_one();
        }
    }
}

/// What `tracing_subscriber` writes each line through: one line, appended when complete.
#[derive(Clone)]
struct BufferedStdout(Arc<Shared>);

/// One line being formatted; appended to the shared buffer when dropped.
struct LineWriter {
    shared: Arc<Shared>,
    line: Vec<u8>,
}

impl Write for LineWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.line.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for LineWriter {
    fn drop(&mut self) {
        if !self.line.is_empty() {
            self.shared.append(&self.line);
        }
    }
}

impl<'a> MakeWriter<'a> for BufferedStdout {
    type Writer = LineWriter;

    fn make_writer(&'a self) -> Self::Writer {
        LineWriter {
            shared: self.0.clone(),
            line: Vec::with_capacity(256),
        }
    }
}

/// The writer thread: takes what is pending and writes it to stdout, until told to stop.
fn write_out(shared: &Shared) {
    let mut stdout = std::io::stdout();
    loop {
        let batch = {
            let pending = shared.pending();
            let (mut pending, _) = shared
                .wake
                .wait_timeout_while(pending, FLUSH_INTERVAL, |pending| {
                    pending.len() < FLUSH_BYTES && !shared.stopping.load(Ordering::Relaxed)
                })
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            std::mem::take(&mut *pending)
        };
        let dropped = shared.dropped.swap(0, Ordering::Relaxed);
        // A failing stdout (closed pipe) is nothing a log line could report; carry on.
        let _ = stdout.write_all(&batch);
        if dropped > 0 {
            let _ = writeln!(
                stdout,
                "WARN {dropped} log lines were dropped because stdout could not keep up"
            );
        }
        let _ = stdout.flush();
        if shared.stopping.load(Ordering::Relaxed) && shared.pending().is_empty() {
            return;
        }
    }
}

/// Keeps the writer thread running; dropping it (at the end of `main`) writes out everything
/// pending and stops the thread.
#[must_use = "log lines are written until this is dropped: keep it until the end of main"]
pub struct Logging {
    shared: Arc<Shared>,
    writer: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Logging {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Logging")
            .field(
                "dropped_lines",
                &self.shared.dropped.load(Ordering::Relaxed),
            )
            .finish()
    }
}

impl Drop for Logging {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::Relaxed);
        self.shared.wake.notify_one();
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

/// Logs at `info` unless `RUST_LOG` says otherwise. Call once, first thing in `main`, and keep
/// what it returns until the end of `main`.
pub fn init() -> Logging {
    let shared = Arc::new(Shared::default());
    let thread_shared = shared.clone();
    let writer = std::thread::Builder::new()
        .name("log-writer".to_owned())
        .spawn(move || write_out(&thread_shared))
        .ok();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_target(false);
    match writer {
        Some(_) => subscriber
            .with_writer(BufferedStdout(shared.clone()))
            .init(),
        // No thread for the writer (cannot happen short of resource exhaustion): write
        // directly, as slow as that is.
        None => subscriber.init(),
    }
    Logging { shared, writer }
}
