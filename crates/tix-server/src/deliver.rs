//! The webhook deliverer: sends the outbox's deliveries, each webhook's in
//! outbox order, retrying with backoff until the receiver answers 2xx (or a
//! day has passed). One runs in every `tix serve`; a delivery is sent by the
//! one replica that holds its webhook's lease (`lease_due_webhooks`), and a
//! replica that dies mid-way loses the lease after [`LEASE`].
//!
//! Each delivery is `POST url` with the JSON body the outbox holds and the
//! headers `X-Tix-Event`, `X-Tix-Delivery` and `X-Tix-Signature:
//! sha256=<hex HMAC-SHA256 of the body with the webhook's secret>`.

use std::time::Duration;

use hmac::{KeyInit, Mac};
use tix_core::webhook::DeliveryState;
use tix_store::{Attempt, DueDelivery, EventFeed, WebhookLease, WebhookStore};

use crate::metrics::Metrics;
use tokio::sync::watch;

/// How long a replica holds a webhook it is sending for (renewed per delivery).
pub const LEASE: Duration = Duration::from_secs(15);
/// How often the outbox is checked when no event woke the deliverer (retries come due).
pub const POLL: Duration = Duration::from_millis(500);
/// After a wake-up, how long further wake-ups gather before the outbox is
/// read again: under a stream of writes the outbox is read at most about
/// 100 times a second, not once per commit.
const GATHER: Duration = Duration::from_millis(10);
/// How long a receiver has to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Webhooks served at once.
const PARALLEL: u32 = 16;
/// Finished deliveries are listed for a week, then forgotten.
pub const KEEP_DELIVERIES: Duration = Duration::from_secs(7 * 24 * 60 * 60);
const HOUSEKEEPING: Duration = Duration::from_secs(600);

pub const EVENT_HEADER: &str = "X-Tix-Event";
pub const DELIVERY_HEADER: &str = "X-Tix-Delivery";
pub const SIGNATURE_HEADER: &str = "X-Tix-Signature";

/// `sha256=<hex>`: the HMAC-SHA256 of `body` keyed with `secret`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = match hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        // HMAC takes keys of any length; this cannot happen.
        Err(_) => return String::new(),
    };
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// A random id for this process as a sender.
fn sender_id() -> String {
    let mut bytes = [0u8; 8];
    let _ = getrandom::fill(&mut bytes);
    format!("tix-{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// Sends deliveries until `shutdown` becomes true.
pub async fn run<S: WebhookStore + EventFeed + Clone + Send + Sync + 'static>(
    store: S,
    mut shutdown: watch::Receiver<bool>,
    metrics: Metrics,
) {
    let sender = sender_id();
    let client = match reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("tix-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(client) => client,
        Err(err) => {
            tracing::error!(%err, "cannot build the webhook HTTP client; no deliveries will be sent");
            return;
        }
    };
    let mut feed = store.subscribe_events();
    let mut last_housekeeping = tokio::time::Instant::now();
    loop {
        if *shutdown.borrow() {
            return;
        }
        tokio::select! {
            _ = feed.changed() => tokio::time::sleep(GATHER).await,
            _ = tokio::time::sleep(POLL) => {}
            _ = shutdown.changed() => return,
        }
        if last_housekeeping.elapsed() >= HOUSEKEEPING {
            last_housekeeping = tokio::time::Instant::now();
            if let Err(err) = store.housekeeping(KEEP_DELIVERIES).await {
                tracing::warn!(%err, "forgetting old idempotency keys and deliveries failed");
            }
        }
        match store.has_due_deliveries().await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(err) => {
                tracing::warn!(%err, "reading the webhook outbox failed");
                continue;
            }
        }
        let leases = match store.lease_due_webhooks(&sender, LEASE, PARALLEL).await {
            Ok(leases) => leases,
            Err(err) => {
                tracing::warn!(%err, "leasing webhooks failed");
                continue;
            }
        };
        let mut sending = tokio::task::JoinSet::new();
        for lease in leases {
            sending.spawn(send_webhook(
                store.clone(),
                client.clone(),
                sender.clone(),
                lease,
                metrics.clone(),
            ));
        }
        while sending.join_next().await.is_some() {}
    }
}

/// Sends the leased webhook's due deliveries in order; stops at the first
/// failure (its retry waits for the backoff, and later ones wait behind it).
async fn send_webhook<S: WebhookStore>(
    store: S,
    client: reqwest::Client,
    sender: String,
    lease: WebhookLease,
    metrics: Metrics,
) {
    loop {
        let due = match store.next_due_delivery(&lease.webhook_id, &sender, LEASE).await {
            Ok(Some(due)) => due,
            Ok(None) => break,
            Err(err) => {
                tracing::warn!(%err, webhook = %lease.webhook_id, "reading the next delivery failed");
                break;
            }
        };
        let attempt = post(&client, &lease, &due).await;
        let delivered = matches!(attempt, Attempt::Delivered { .. });
        if let Attempt::Failed { status, error } = &attempt {
            tracing::info!(webhook = %lease.webhook_id, delivery = %due.delivery_id, ?status, %error,
                attempt = due.attempts + 1, "webhook delivery failed; it will be retried");
        }
        match store.record_attempt(&due, attempt).await {
            Ok(state) => {
                metrics.webhook_attempt(match state {
                    _ if delivered => "delivered",
                    DeliveryState::Failed => "failed",
                    _ => "retried",
                });
                if delivered {
                    continue;
                }
                break;
            }
            Err(err) => {
                tracing::warn!(%err, "recording a webhook delivery failed");
                break;
            }
        }
    }
    if let Err(err) = store.release_webhook(&lease.webhook_id, &sender).await {
        tracing::warn!(%err, "releasing a webhook lease failed");
    }
}

async fn post(client: &reqwest::Client, lease: &WebhookLease, due: &DueDelivery) -> Attempt {
    let response = client
        .post(&lease.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(EVENT_HEADER, &due.event)
        .header(DELIVERY_HEADER, &due.delivery_id)
        .header(SIGNATURE_HEADER, signature(&lease.secret, due.body.as_bytes()))
        .body(due.body.clone())
        .send()
        .await;
    match response {
        Ok(response) if response.status().is_success() => Attempt::Delivered {
            status: response.status().as_u16(),
        },
        Ok(response) => Attempt::Failed {
            status: Some(response.status().as_u16()),
            error: format!("the receiver answered {}", response.status()),
        },
        Err(err) => Attempt::Failed {
            status: None,
            error: describe(&err),
        },
    }
}

/// The error with its causes, e.g. "error sending request: connection refused".
fn describe(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        text = format!("{text}: {inner}");
        source = inner.source();
    }
    text.chars().take(500).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_rfc_4231_hmac_sha256() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
