//! Webhooks: a URL that gets a signed `POST` for each event it subscribed
//! to. Deliveries are written to an outbox in the transaction of the change
//! that caused them, then sent (and retried) by the server, in event order
//! per webhook. This module holds the shapes, the checks and the pure
//! parts of delivery: the body, the backoff.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::event::EventKind;
use crate::ticket::{Event, Ticket};
use crate::DomainError;

pub const WEBHOOK_PREFIX: &str = "hook-";
pub const MAX_URL_CHARS: usize = 2_000;
pub const MIN_SECRET_CHARS: usize = 16;
pub const MAX_SECRET_CHARS: usize = 256;
/// Subscribes to every event.
pub const ALL_EVENTS: &str = "*";
/// A delivery that keeps failing is given up this long after its event.
pub const GIVE_UP_AFTER: Duration = Duration::from_secs(24 * 60 * 60);
/// Longest wait between two attempts of one delivery.
pub const MAX_BACKOFF: Duration = Duration::from_secs(10 * 60);

pub fn webhook_id(entropy: &[u8]) -> String {
    format!("{WEBHOOK_PREFIX}{}", crate::ids::random_suffix(entropy))
}

/// Body of `POST /api/webhooks`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    /// Where deliveries go: an `http` or `https` URL.
    #[schema(max_length = 2000)]
    pub url: String,
    /// Event names (`ticket.created`, `ticket.moved`, `ticket.resolved`,
    /// `ticket.unblocked`, `ticket.claimed`, `lease.expired`, `run.finished`,
    /// `comment.added`, …) or `*` for all.
    #[schema(min_items = 1)]
    pub events: Vec<String>,
    /// Key of the `X-Tix-Signature` HMAC (16..256 characters). Generated
    /// (and answered once) when absent.
    #[serde(default)]
    #[schema(min_length = 16, max_length = 256)]
    pub secret: Option<String>,
    /// Only this workflow's events (default: every workflow's).
    #[serde(default)]
    pub workflow_id: Option<String>,
}

impl NewWebhook {
    /// Checks the URL, the event names and the secret; answers the
    /// normalised webhook (events de-duplicated, `*` alone when present).
    pub fn validate(&self) -> Result<NewWebhook, DomainError> {
        let url = check_url(&self.url)?;
        if self.events.is_empty() {
            return Err(DomainError::validation(
                "events",
                format!(
                    "name at least one event ({}), or \"*\" for all",
                    event_names().join(", ")
                ),
            ));
        }
        let mut events: Vec<String> = Vec::new();
        for name in &self.events {
            let name = name.trim();
            if name != ALL_EVENTS && EventKind::from_webhook_name(name).is_none() {
                return Err(DomainError::validation(
                    "events",
                    format!(
                        "'{name}' is not an event; use any of {} or \"*\"",
                        event_names().join(", ")
                    ),
                ));
            }
            if !events.iter().any(|e| e == name) {
                events.push(name.to_string());
            }
        }
        if events.iter().any(|e| e == ALL_EVENTS) {
            events = vec![ALL_EVENTS.to_string()];
        }
        if let Some(secret) = &self.secret {
            let chars = secret.chars().count();
            if !(MIN_SECRET_CHARS..=MAX_SECRET_CHARS).contains(&chars) || secret.trim() != secret {
                return Err(DomainError::validation(
                    "secret",
                    format!(
                        "a secret is {MIN_SECRET_CHARS}..{MAX_SECRET_CHARS} characters without surrounding spaces; omit it to get a generated one"
                    ),
                ));
            }
        }
        Ok(NewWebhook {
            url,
            events,
            secret: self.secret.clone(),
            workflow_id: self.workflow_id.as_deref().map(str::trim).map(str::to_string),
        })
    }
}

/// Every event name a webhook may subscribe to.
pub fn event_names() -> Vec<&'static str> {
    EventKind::ALL.iter().map(|k| k.webhook_name()).collect()
}

/// An `http`/`https` URL with a host and no spaces (the server checks it
/// further with a real URL parser).
pub fn check_url(url: &str) -> Result<String, DomainError> {
    let url = url.trim();
    let invalid = |why: &str| DomainError::validation("url", why.to_string());
    if url.chars().count() > MAX_URL_CHARS {
        return Err(invalid("a webhook URL is at most 2000 characters"));
    }
    let lower = url.to_ascii_lowercase();
    let rest = if let Some(rest) = lower.strip_prefix("https://") {
        rest
    } else if let Some(rest) = lower.strip_prefix("http://") {
        rest
    } else {
        return Err(invalid(
            "only http and https URLs can receive webhooks (e.g. https://example.com/hooks/tix)",
        ));
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid("a URL has no spaces or control characters"));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    if host.is_empty() || host.starts_with(':') {
        return Err(invalid("the URL names no host"));
    }
    Ok(url.to_string())
}

/// A webhook as listed (its secret is never shown again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Webhook {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    pub workflow_id: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl Webhook {
    /// Whether an event of `kind` in `workflow_id` goes to this webhook.
    pub fn wants(&self, kind: EventKind, workflow_id: &str) -> bool {
        self.workflow_id.as_deref().is_none_or(|w| w == workflow_id)
            && self.events.iter().any(|e| e == ALL_EVENTS || e == kind.webhook_name())
    }
}

/// The answer to `POST /api/webhooks`: the webhook and its secret, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WebhookCreated {
    #[serde(flatten)]
    pub webhook: Webhook,
    /// Keep it: deliveries are signed with it, and it is not shown again.
    pub secret: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Not delivered yet (waiting for its turn or for a retry).
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Given up after failing for 24 hours.
    Failed,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<DeliveryState> {
        [DeliveryState::Pending, DeliveryState::Delivered, DeliveryState::Failed]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// One event sent (or to be sent) to one webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Delivery {
    /// Unique; sent as `X-Tix-Delivery`.
    pub delivery_id: String,
    pub webhook_id: String,
    /// The event log's id (`GET /api/events`).
    pub event_id: i64,
    /// The event name, sent as `X-Tix-Event`.
    pub event: String,
    pub state: DeliveryState,
    pub attempts: u32,
    /// The receiver's last HTTP status, if it answered.
    pub last_status: Option<u16>,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When the next attempt is due (pending deliveries).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeliveryPage {
    /// Newest first.
    pub deliveries: Vec<Delivery>,
    /// Pass as `cursor` for older ones; null on the last page.
    pub next_cursor: Option<String>,
}

/// The JSON a delivery posts: `{id, event, occurred_at, workflow_id,
/// ticket, data}`; `ticket` is the ticket after the change (`null` for
/// events about no single ticket), `data` the event's payload and actor.
pub fn delivery_body(event: &Event, kind: EventKind, ticket: Option<&Ticket>) -> Value {
    let mut data = match &event.payload {
        Value::Object(map) => map.clone(),
        _ => serde_json::Map::new(),
    };
    data.insert("agent_id".into(), json!(event.agent_id));
    if let Some(id) = &event.ticket_id {
        data.entry("ticket_id").or_insert(json!(id));
    }
    json!({
        "id": format!("evt_{}", event.id),
        "event": kind.webhook_name(),
        "occurred_at": event.created_at,
        "workflow_id": event.workflow_id,
        "ticket": ticket,
        "data": data,
    })
}

/// How long to wait before attempt `attempts + 1` after `attempts` failed
/// ones: 1 s, 2 s, 4 s, … up to [`MAX_BACKOFF`].
pub fn backoff(attempts: u32) -> Duration {
    let exponent = attempts.saturating_sub(1).min(20);
    Duration::from_secs(1u64 << exponent).min(MAX_BACKOFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hook(url: &str, events: &[&str]) -> NewWebhook {
        NewWebhook {
            url: url.into(),
            events: events.iter().map(|e| e.to_string()).collect(),
            ..NewWebhook::default()
        }
    }

    #[test]
    fn only_http_urls_with_a_host() {
        assert!(hook("https://example.com/hook", &["ticket.created"]).validate().is_ok());
        assert!(hook("http://127.0.0.1:9000", &["*"]).validate().is_ok());
        for bad in [
            "ftp://example.com",
            "file:///etc/passwd",
            "example.com",
            "http://",
            "http:///x",
            "http://a b",
        ] {
            let err = hook(bad, &["*"]).validate().unwrap_err();
            assert_eq!(err.details()["field"], "url", "{bad}");
        }
    }

    #[test]
    fn events_are_known_names_and_star_wins() {
        let err = hook("http://h", &["ticket.exploded"]).validate().unwrap_err();
        assert!(err.to_string().contains("ticket.unblocked"), "{err}");
        assert!(hook("http://h", &[]).validate().is_err());
        let ok = hook("http://h", &["ticket.moved", "*", "ticket.moved"])
            .validate()
            .unwrap();
        assert_eq!(ok.events, vec!["*"]);
    }

    #[test]
    fn backoff_doubles_from_one_second_and_is_capped() {
        assert_eq!(backoff(1), Duration::from_secs(1));
        assert_eq!(backoff(2), Duration::from_secs(2));
        assert_eq!(backoff(4), Duration::from_secs(8));
        assert_eq!(backoff(60), MAX_BACKOFF);
    }

    #[test]
    fn a_webhook_wants_its_events_in_its_workflow() {
        let webhook = Webhook {
            id: "hook-a".into(),
            url: "http://h".into(),
            events: vec!["ticket.resolved".into()],
            workflow_id: Some("wf-a".into()),
            created_by: "human".into(),
            created_at: Utc::now(),
        };
        assert!(webhook.wants(EventKind::TicketResolved, "wf-a"));
        assert!(!webhook.wants(EventKind::TicketResolved, "wf-b"));
        assert!(!webhook.wants(EventKind::TicketMoved, "wf-a"));
    }
}
