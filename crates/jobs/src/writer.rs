//! The single writer: a blocking thread that owns the write connection and commits
//! many queued writes per transaction (group commit), each batch in one hand-off with
//! the connection's cached statements.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

use crate::error::{Error, Result};
use crate::store::{Applied, WriteOp};

/// Most writes committed in one transaction.
const MAX_BATCH: usize = 512;

/// Counters of what reached the database (for benchmarks and diagnostics).
#[derive(Debug, Default)]
pub(crate) struct WriteStats {
    transactions: AtomicU64,
    operations: AtomicU64,
    progress_rows: AtomicU64,
}

/// A snapshot of [`WriteStats`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteCounts {
    /// Transactions committed.
    pub transactions: u64,
    /// Write operations applied.
    pub operations: u64,
    /// Progress rows written.
    pub progress_rows: u64,
}

impl WriteStats {
    /// Current values.
    pub(crate) fn counts(&self) -> WriteCounts {
        WriteCounts {
            transactions: self.transactions.load(Ordering::Relaxed),
            operations: self.operations.load(Ordering::Relaxed),
            progress_rows: self.progress_rows.load(Ordering::Relaxed),
        }
    }
}

struct Request {
    op: WriteOp,
    reply: Option<oneshot::Sender<Result<u64>>>,
}

/// What the writer thread is asked to do.
enum Message {
    /// Apply a write (with the others queued beside it).
    Write(Request),
    /// Apply what is queued before this, close the connection, then answer.
    Stop(oneshot::Sender<()>),
}

/// Handle to the writer task; cheap to clone.
#[derive(Clone)]
pub(crate) struct Writer {
    tx: mpsc::UnboundedSender<Message>,
    pub(crate) stats: Arc<WriteStats>,
}

impl Writer {
    /// Starts the writer on `conn`, on a blocking thread; it ends when every handle is
    /// dropped.
    pub(crate) fn spawn(conn: Connection, path: PathBuf) -> (Writer, tokio::task::JoinHandle<()>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let stats = Arc::new(WriteStats::default());
        let counters = stats.clone();
        let handle = tokio::task::spawn_blocking(move || run(conn, rx, &path, &counters));
        (Writer { tx, stats }, handle)
    }

    /// Queues a write without waiting for it (progress, step starts, partials).
    pub(crate) fn send(&self, op: WriteOp) {
        if self
            .tx
            .send(Message::Write(Request { op, reply: None }))
            .is_err()
        {
            tracing::warn!("job writer has stopped; a background write was dropped");
        }
    }

    /// Queues a write and waits until its transaction has committed.
    pub(crate) async fn commit(&self, op: WriteOp) -> Result<u64> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Message::Write(Request {
                op,
                reply: Some(reply),
            }))
            .map_err(|_| Error::ShutDown)?;
        rx.await.map_err(|_| Error::ShutDown)?
    }

    /// Applies every write queued so far, closes the connection and waits until it is
    /// closed; later writes fail with [`Error::ShutDown`].
    pub(crate) async fn stop(&self) {
        let (done, closed) = oneshot::channel();
        if self.tx.send(Message::Stop(done)).is_ok() {
            // An error means the thread had already ended: nothing left to wait for.
            let _ = closed.await;
        }
    }
}

fn run(
    conn: Connection,
    mut rx: mpsc::UnboundedReceiver<Message>,
    path: &std::path::Path,
    stats: &WriteStats,
) {
    let mut batch: Vec<Request> = Vec::with_capacity(MAX_BATCH);
    let mut stopped = None;
    while stopped.is_none()
        && let Some(first) = rx.blocking_recv()
    {
        let mut next = Some(first);
        while let Some(message) = next.take() {
            match message {
                Message::Write(req) => batch.push(req),
                Message::Stop(done) => {
                    stopped = Some(done);
                    break;
                }
            }
            if batch.len() < MAX_BATCH {
                next = rx.try_recv().ok();
            }
        }
        process(&conn, &mut batch, path, stats);
    }
    // Writes queued after a stop are dropped with the receiver: their callers see ShutDown.
    drop(rx);
    if let Err((_, e)) = conn.close() {
        tracing::warn!(error = %e, "closing the job database");
    }
    if let Some(done) = stopped {
        let _ = done.send(());
    }
}

fn process(
    conn: &Connection,
    batch: &mut Vec<Request>,
    path: &std::path::Path,
    stats: &WriteStats,
) {
    let (solo, grouped): (Vec<Request>, Vec<Request>) =
        batch.drain(..).partition(|r| r.op.needs_own_statement());
    if !grouped.is_empty() {
        match apply_all(conn, &grouped, stats) {
            Ok(results) => {
                for (req, applied) in grouped.into_iter().zip(results) {
                    reply(req, applied.into_result());
                }
            }
            Err(e) if grouped.len() == 1 => {
                let err = Error::from_sqlite(e, path);
                tracing::error!(error = %err, "job database write failed");
                if let Some(req) = grouped.into_iter().next() {
                    reply(req, Err(err));
                }
            }
            Err(e) => {
                // One bad write must not sink the others: retry each on its own.
                tracing::warn!(error = %e, ops = grouped.len(), "group commit failed; retrying writes one by one");
                for req in grouped {
                    let one = std::slice::from_ref(&req);
                    let res = match apply_all(conn, one, stats) {
                        Ok(mut applied) => applied.pop().map_or(Ok(0), Applied::into_result),
                        Err(e) => Err(Error::from_sqlite(e, path)),
                    };
                    if let Err(e) = &res
                        && e.is_storage()
                    {
                        tracing::error!(error = %e, "job database write failed");
                    }
                    reply(req, res);
                }
            }
        }
    }
    for req in solo {
        let res = match req.op.apply(conn) {
            Ok(applied) => applied.into_result(),
            Err(e) => Err(Error::from_sqlite(e, path)),
        };
        reply(req, res);
    }
}

fn apply_all(
    conn: &Connection,
    reqs: &[Request],
    stats: &WriteStats,
) -> rusqlite::Result<Vec<Applied>> {
    // Plain BEGIN/COMMIT/ROLLBACK: when COMMIT fails (e.g. SQLITE_FULL) SQLite may already
    // have rolled back, and the connection must be left outside any transaction either way.
    let autocommit = reqs.len() == 1 && reqs[0].op.is_single_statement();
    let outcome = if autocommit {
        reqs[0].op.apply(conn).map(|result| vec![result])
    } else {
        conn.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
        apply_and_commit(conn, reqs)
    };
    match outcome {
        Ok(results) => {
            let progress_rows: u64 = reqs
                .iter()
                .map(|r| match &r.op {
                    WriteOp::Progress(rows) => rows.len() as u64,
                    _ => 0,
                })
                .sum();
            stats.transactions.fetch_add(1, Ordering::Relaxed);
            stats
                .operations
                .fetch_add(reqs.len() as u64, Ordering::Relaxed);
            stats
                .progress_rows
                .fetch_add(progress_rows, Ordering::Relaxed);
            Ok(results)
        }
        Err(e) => {
            if !conn.is_autocommit()
                && let Err(rollback) = conn.execute_batch("ROLLBACK")
            {
                tracing::debug!(error = %rollback, "rollback after a failed write");
            }
            Err(e)
        }
    }
}

fn apply_and_commit(conn: &Connection, reqs: &[Request]) -> rusqlite::Result<Vec<Applied>> {
    let mut results = Vec::with_capacity(reqs.len());
    for req in reqs {
        results.push(req.op.apply(conn)?);
    }
    conn.prepare_cached("COMMIT")?.execute([])?;
    Ok(results)
}

fn reply(req: Request, res: Result<u64>) {
    if let Some(tx) = req.reply {
        // The caller may have gone away; the write stands either way.
        let _ = tx.send(res);
    } else if let Err(e) = res
        && e.is_storage()
    {
        tracing::warn!(error = %e, "background job write failed");
    }
}
