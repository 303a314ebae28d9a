//! Large JSON answers (a whole workflow's graph) written in pieces.
//!
//! `Json(value)` serialises into one buffer that grows to the answer's
//! size: for a 100k-ticket graph about 30 MB. With it, `tix serve` kept
//! 63 MB more after the answer than before it (glibc's allocator raises
//! its trim threshold when such a buffer is freed); in pieces, 41 MB less
//! at the peak and 6 MB less after (`benches/processes.rs`, 1x100000).
//! Here the value is serialised on a blocking thread into 64 KB pieces
//! that stream out as they fill (at most a few are in flight), so no
//! answer-sized buffer exists.

use std::io::{self, Write};

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tokio::sync::mpsc;

/// Bytes per piece: under glibc's default `mmap` threshold (128 KB).
const PIECE: usize = 64 * 1024;

/// Pieces serialised ahead of the client.
const AHEAD: usize = 4;

/// `200 OK` with `value` as `application/json`, serialised in pieces.
pub fn json<T: Serialize + Send + 'static>(value: T) -> Response {
    let (pieces, receiver) = mpsc::channel::<io::Result<Bytes>>(AHEAD);
    tokio::task::spawn_blocking(move || {
        let mut out = Pieces {
            buffer: Vec::with_capacity(PIECE),
            pieces,
        };
        let written = serde_json::to_writer(&mut out, &value)
            .map_err(io::Error::other)
            .and_then(|()| out.send_buffer());
        if let Err(err) = written {
            // The client went away, or serialising failed (a bug): the
            // body ends early and the client sees a cut-off answer.
            tracing::debug!(%err, "a streamed JSON answer ended early");
            let _ = out.pieces.blocking_send(Err(err));
        }
    });
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|piece| (piece, receiver))
    });
    ([(header::CONTENT_TYPE, "application/json")], Body::from_stream(stream)).into_response()
}

/// A writer that hands each full piece to the response body.
struct Pieces {
    buffer: Vec<u8>,
    pieces: mpsc::Sender<io::Result<Bytes>>,
}

impl Pieces {
    fn send_buffer(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let piece = std::mem::replace(&mut self.buffer, Vec::with_capacity(PIECE));
        self.pieces
            .blocking_send(Ok(Bytes::from(piece)))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client closed the connection"))
    }
}

impl Write for Pieces {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= PIECE {
            self.send_buffer()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_answer_of_many_pieces_arrives_whole() {
        let value: Vec<String> = (0..20_000).map(|i| format!("ticket-{i:08} \"quoted\" é")).collect();
        let expected = serde_json::to_vec(&value).expect("serialise");
        assert!(expected.len() > 4 * PIECE, "the answer spans several pieces");
        let response = json(value);
        assert_eq!(
            response
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok()),
            Some("application/json")
        );
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        assert_eq!(body.as_ref(), expected.as_slice());
    }
}
