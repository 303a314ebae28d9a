//! `GET /metrics` in the Prometheus text format (version 0.0.4).
//!
//! Two kinds of numbers: this process's own ([`Metrics`]: HTTP requests by
//! route and status, their latency, webhook delivery attempts), counted by
//! the [`track`] middleware and the deliverer; and the database's
//! (`tix_store::StoreMetrics`: tickets by workflow and status, the ready
//! queue, claims, lease expiries, the outbox; the embedding queue), read at
//! scrape time (`handlers::metrics`), so every replica reports the same
//! for those.
//!
//! The route sits outside `/api`: it obeys `--auth` like the API unless the
//! server runs with `--metrics-public` ([`crate::auth`]).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use tix_store::StoreMetrics;

/// Upper bounds (seconds) of the latency histogram's buckets.
const BUCKETS: [f64; 12] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

#[derive(Default)]
struct Latency {
    /// Per bucket (not cumulative; summed when rendered), then +Inf.
    counts: [u64; BUCKETS.len() + 1],
    sum: f64,
    count: u64,
}

#[derive(Default)]
struct Registry {
    /// (method, route, status) → requests.
    requests: BTreeMap<(String, String, u16), u64>,
    /// route → latency.
    latency: BTreeMap<String, Latency>,
    /// result (`delivered`, `retried`, `failed`) → webhook delivery attempts.
    attempts: BTreeMap<&'static str, u64>,
}

/// This process's counters. Cheap to clone (one shared registry).
#[derive(Clone, Default)]
pub struct Metrics {
    registry: Arc<Mutex<Registry>>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    fn with<T>(&self, f: impl FnOnce(&mut Registry) -> T) -> T {
        f(&mut self.registry.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Counts an answered request.
    pub fn request(&self, method: &Method, route: &str, status: u16, seconds: f64) {
        self.with(|r| {
            *r.requests
                .entry((method.as_str().to_string(), route.to_string(), status))
                .or_default() += 1;
            let latency = r.latency.entry(route.to_string()).or_default();
            let bucket = BUCKETS.iter().position(|b| seconds <= *b).unwrap_or(BUCKETS.len());
            latency.counts[bucket] += 1;
            latency.sum += seconds;
            latency.count += 1;
        });
    }

    /// Counts a webhook delivery attempt: `delivered`, `retried` or `failed` (given up).
    pub fn webhook_attempt(&self, result: &'static str) {
        self.with(|r| *r.attempts.entry(result).or_default() += 1);
    }
}

/// Middleware (outermost): times every request and counts it by method,
/// route (the matched route's template, so ids never become labels) and
/// status.
pub async fn track(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = match request.extensions().get::<MatchedPath>() {
        Some(path) => path.as_str().to_string(),
        None if request.uri().path().starts_with("/api/") => "unmatched".to_string(),
        None => "ui".to_string(),
    };
    let response = next.run(request).await;
    metrics.request(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// A label value, escaped as the text format wants.
fn label(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// The whole page: this process's counters, then the database's numbers.
pub fn render(metrics: &Metrics, store: &StoreMetrics, embedding_queue: u64) -> String {
    let mut out = String::new();
    metrics.with(|r| {
        family(
            &mut out,
            "tix_http_requests_total",
            "counter",
            "HTTP requests this server answered, by method, route and status.",
        );
        for ((method, route, status), count) in &r.requests {
            let _ = writeln!(
                out,
                "tix_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {count}",
                label(route)
            );
        }
        family(
            &mut out,
            "tix_http_request_duration_seconds",
            "histogram",
            "Time to answer, by route.",
        );
        for (route, latency) in &r.latency {
            let route = label(route);
            let mut cumulative = 0;
            for (bound, count) in BUCKETS.iter().zip(latency.counts.iter()) {
                cumulative += count;
                let _ = writeln!(
                    out,
                    "tix_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "tix_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                latency.count
            );
            let _ = writeln!(
                out,
                "tix_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                latency.sum
            );
            let _ = writeln!(
                out,
                "tix_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                latency.count
            );
        }
        family(
            &mut out,
            "tix_webhook_attempts_total",
            "counter",
            "Webhook delivery attempts this server made, by result (delivered, retried, failed: given up).",
        );
        for result in ["delivered", "retried", "failed"] {
            let count = r.attempts.get(result).copied().unwrap_or(0);
            let _ = writeln!(out, "tix_webhook_attempts_total{{result=\"{result}\"}} {count}");
        }
    });
    family(&mut out, "tix_tickets", "gauge", "Tickets by workflow and status.");
    for (workflow, status, count) in &store.tickets {
        let _ = writeln!(
            out,
            "tix_tickets{{workflow_id=\"{}\",status=\"{}\"}} {count}",
            label(workflow),
            label(status)
        );
    }
    family(
        &mut out,
        "tix_ready_tickets",
        "gauge",
        "Tickets ready for anyone to claim, by workflow.",
    );
    for (workflow, count) in &store.ready {
        let _ = writeln!(out, "tix_ready_tickets{{workflow_id=\"{}\"}} {count}", label(workflow));
    }
    family(
        &mut out,
        "tix_claims_total",
        "counter",
        "Claims made (each opened a run), through any server.",
    );
    let _ = writeln!(out, "tix_claims_total {}", store.claims);
    family(
        &mut out,
        "tix_lease_expiries_total",
        "counter",
        "Claim leases that ran out, through any server.",
    );
    let _ = writeln!(out, "tix_lease_expiries_total {}", store.lease_expiries);
    family(
        &mut out,
        "tix_webhook_deliveries",
        "gauge",
        "Webhook deliveries in the outbox, by state (finished ones are forgotten after a week).",
    );
    for state in ["pending", "delivered", "failed"] {
        let count = store
            .deliveries
            .iter()
            .find(|(s, _)| s == state)
            .map(|d| d.1)
            .unwrap_or(0);
        let _ = writeln!(out, "tix_webhook_deliveries{{state=\"{state}\"}} {count}");
    }
    family(
        &mut out,
        "tix_embedding_queue_depth",
        "gauge",
        "Tickets waiting for their embedding.",
    );
    let _ = writeln!(out, "tix_embedding_queue_depth {embedding_queue}");
    family(
        &mut out,
        "tix_db_pool_connections",
        "gauge",
        "This server's database connections, by state (SQLite: the writer and idle readers).",
    );
    let pool = &store.pool;
    let _ = writeln!(
        out,
        "tix_db_pool_connections{{state=\"in_use\"}} {}",
        pool.open.saturating_sub(pool.idle)
    );
    let _ = writeln!(out, "tix_db_pool_connections{{state=\"idle\"}} {}", pool.idle);
    family(
        &mut out,
        "tix_db_pool_max_connections",
        "gauge",
        "The most connections this server opens.",
    );
    let _ = writeln!(out, "tix_db_pool_max_connections {}", pool.max);
    family(
        &mut out,
        "tix_build_info",
        "gauge",
        "The Tix version and database backend of this server.",
    );
    let _ = writeln!(
        out,
        "tix_build_info{{version=\"{}\",backend=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION"),
        store.backend
    );
    out
}
