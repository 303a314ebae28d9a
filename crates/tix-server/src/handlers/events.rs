//! `/api/events`: the event log, oldest first, as a JSON page, or, when the
//! client asks for `text/event-stream`, as a live Server-Sent Events stream.
//!
//! The stream sends every event after the resume point (the `Last-Event-ID`
//! header, else `after`, else the newest event when it opens), each with
//! `id:` = the event's id so a reconnecting `EventSource` misses nothing. It
//! is woken by the store after each commit ([`EventFeed`]), re-checks the
//! log every few seconds for writes by other processes on the same
//! database, and sends a keep-alive comment when idle.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use tix_core::ticket::Event;
use tix_core::DomainError;
use tix_store::{EventFeed, Store};
use tokio::sync::watch;
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiQuery;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EventQuery {
    pub workflow_id: Option<String>,
    /// Return events with an id greater than this (default 0; for a stream,
    /// default: from now on). A stream's `Last-Event-ID` header wins.
    pub after: Option<i64>,
    /// At most this many (default 100, max 1000). Ignored by streams.
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
    /// The newest this many events instead (oldest first among them): the
    /// recent past, e.g. for an activity panel. Not with `after`.
    #[param(minimum = 1, maximum = 1000)]
    pub latest: Option<u32>,
    /// Page backwards: only events before this id (the first id of the
    /// previous answer); the newest `latest` (or `limit`) of them. Not with
    /// `after`.
    pub before: Option<i64>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct EventList {
    pub events: Vec<Event>,
}

/// Idle time after which a stream sends a `: keep-alive` comment.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How often an idle stream re-reads the log for writes made by other
/// processes (the store only announces its own commits).
const RECHECK: Duration = Duration::from_secs(3);
/// Events read per query while catching up.
const BATCH: u32 = 500;
/// Reconnection delay the stream suggests to `EventSource`.
const RETRY: Duration = Duration::from_secs(2);

#[utoipa::path(get, operation_id = "listEvents", path = "/api/events", tag = "events", params(EventQuery,
        ("Accept" = Option<String>, Header, description = "`text/event-stream` for a live SSE stream"),
        ("Last-Event-ID" = Option<i64>, Header, description = "stream: resume after this event id")),
    responses((status = 200, body = EventList, description = "JSON page, or with `Accept: text/event-stream` \
        a stream: first an `event: hello` with `{\"last_event_id\"}`, then one message per event \
        (`id:` = event id, `data:` = the event as JSON), and `: keep-alive` comments when idle"),
        (status = 400, body = ErrorBody)))]
pub async fn list<S: Store + EventFeed>(
    State(app): State<AppState<S>>,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<EventQuery>,
) -> Result<Response, ApiError> {
    if wants_stream(&headers) {
        if let Some(id) = &query.workflow_id {
            // A typo would otherwise wait forever on a silent stream.
            app.store.get_workflow(id).await?;
        }
        return stream(app, &headers, query).await.map(IntoResponse::into_response);
    }
    let backwards = query.latest.is_some() || query.before.is_some();
    if backwards && query.after.is_some() {
        return Err(DomainError::validation(
            "after",
            "`after` reads forwards and `latest`/`before` backwards: send one or the other",
        )
        .into());
    }
    let limit = query.latest.or(query.limit).unwrap_or(100).clamp(1, 1000);
    let events = if backwards {
        app.store
            .events_before(query.workflow_id.as_deref(), query.before, limit)
            .await?
    } else {
        app.store
            .events_after(query.workflow_id.as_deref(), query.after.unwrap_or(0), limit)
            .await?
    };
    Ok(Json(EventList { events }).into_response())
}

fn wants_stream(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|t| t.trim().starts_with("text/event-stream")))
}

fn last_event_id(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get("last-event-id") else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default().trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<i64>().map(Some).map_err(|_| {
        ApiError::bad_request(
            format!("Last-Event-ID '{text}' is not an event id"),
            "Send the `id:` of the last event received, or reconnect without it.",
        )
    })
}

struct Feed<S> {
    store: S,
    workflow_id: Option<String>,
    /// Id of the last event sent (the resume point).
    last: i64,
    /// The feed's value when the log was last read up to its end.
    seen: i64,
    wake: watch::Receiver<i64>,
    shutdown: watch::Receiver<bool>,
    pending: VecDeque<Event>,
    hello: bool,
}

async fn stream<S: Store + EventFeed>(
    app: AppState<S>,
    headers: &HeaderMap,
    query: EventQuery,
) -> Result<Sse<impl futures_util::Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    let mut wake = app.store.subscribe_events();
    wake.borrow_and_update();
    // A stream that starts now starts at the log's head as the database
    // sees it (a replica's feed may lag writes made through another).
    let last = match last_event_id(headers)?.or(query.after) {
        Some(after) => after.max(0),
        None => app.store.log_head().await?,
    };
    let feed = Feed {
        store: app.store,
        workflow_id: query.workflow_id,
        last,
        // The first message after `hello` reads the log once.
        seen: -1,
        wake,
        shutdown: app.shutdown.subscribe(),
        pending: VecDeque::new(),
        hello: true,
    };
    let events = futures_util::stream::unfold(feed, |mut feed| async move {
        next_event(&mut feed).await.map(|event| (Ok(event), feed))
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(KEEP_ALIVE).text("keep-alive")))
}

/// The next SSE message, or `None` to end the stream (shutdown, or the
/// store is gone or failing).
async fn next_event<S: Store>(feed: &mut Feed<S>) -> Option<SseEvent> {
    if feed.hello {
        feed.hello = false;
        let data = serde_json::json!({ "last_event_id": feed.last }).to_string();
        return Some(
            SseEvent::default()
                .event("hello")
                .id(feed.last.to_string())
                .retry(RETRY)
                .data(data),
        );
    }
    loop {
        if *feed.shutdown.borrow() {
            return None;
        }
        if let Some(event) = feed.pending.pop_front() {
            feed.last = event.id;
            let data = serde_json::to_string(&event).unwrap_or_default();
            return Some(SseEvent::default().id(event.id.to_string()).data(data));
        }
        let newest = *feed.wake.borrow_and_update();
        if newest != feed.seen {
            match feed
                .store
                .events_after(feed.workflow_id.as_deref(), feed.last, BATCH)
                .await
            {
                Ok(events) => {
                    // Only at the head once a read came back short.
                    if events.len() < BATCH as usize {
                        feed.seen = newest;
                    }
                    feed.pending.extend(events);
                    if !feed.pending.is_empty() {
                        continue;
                    }
                }
                Err(err) => {
                    tracing::warn!(%err, "event stream: reading the log failed; closing the stream");
                    return None;
                }
            }
        }
        tokio::select! {
            changed = feed.wake.changed() => {
                if changed.is_err() {
                    return None;
                }
            }
            _ = feed.shutdown.changed() => {
                // Ends the stream at the top of the loop (the sender lives
                // as long as the router, so this does not spin).
            }
            () = tokio::time::sleep(RECHECK) => {
                // Another process may have written: read the log once more.
                feed.seen = -1;
            }
        }
    }
}
