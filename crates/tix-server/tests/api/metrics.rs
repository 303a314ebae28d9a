//! `GET /metrics`: the Prometheus text format, what it counts, and who may
//! read it, on SQLite and (with `TIX_TEST_POSTGRES_URL`) PostgreSQL.

use std::collections::HashMap;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;
use tix_server::auth::AuthMode;
use tix_server::ServerOptions;
use tix_store::conformance::seed_workflow;
use tix_store::{AgentStore, Store};

use crate::harness::Server;
use crate::webhooks::Receiver;

/// The page as `name{labels}` → value, checking every line's syntax and
/// that every sample belongs to a family declared with `# TYPE`.
fn parse(text: &str) -> HashMap<String, f64> {
    let mut types: HashMap<String, String> = HashMap::new();
    let mut samples = HashMap::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("# TYPE name kind");
            assert!(["counter", "gauge", "histogram"].contains(&kind), "{line}");
            types.insert(name.to_string(), kind.to_string());
            continue;
        }
        if line.starts_with("# HELP ") {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("a sample: {line}"));
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("a number: {line}"));
        let name = series.split('{').next().unwrap_or_default();
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| {
                name.strip_suffix(s)
                    .filter(|f| types.get(*f).is_some_and(|k| k == "histogram"))
            })
            .unwrap_or(name);
        assert!(types.contains_key(family), "{name} has no # TYPE");
        if let Some(labels) = series.strip_prefix(name) {
            if !labels.is_empty() {
                assert!(labels.starts_with('{') && labels.ends_with('}'), "{line}");
            }
        }
        samples.insert(series.to_string(), value);
    }
    samples
}

async fn scrape(server: &Server, token: Option<&str>) -> (StatusCode, String) {
    let mut request = server.http.get(format!("{}/metrics", server.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("scrape");
    let status = response.status();
    if status == StatusCode::OK {
        assert_eq!(
            response.headers().get("content-type").and_then(|v| v.to_str().ok()),
            Some("text/plain; version=0.0.4; charset=utf-8")
        );
    }
    (status, response.text().await.expect("text"))
}

async fn counts_what_happened(server: Server) {
    let wf = server
        .store
        .create_workflow("human", seed_workflow(None, "Metrics"))
        .await
        .expect("workflow")
        .id;
    let receiver = Receiver::start(1).await;
    server
        .post_ok(
            "/api/webhooks",
            json!({"url": receiver.url, "events": ["ticket.created"]}),
        )
        .await;
    let epic = server
        .post_ok(
            "/api/tickets",
            json!({"workflow_id": wf, "title": "Epic", "ticket_type": "component"}),
        )
        .await["ticket_id"]
        .as_str()
        .expect("id")
        .to_string();
    for title in ["A", "B"] {
        server
            .post_ok(
                "/api/tickets",
                json!({"workflow_id": wf, "title": title, "ticket_type": "component", "parent_id": epic}),
            )
            .await;
    }
    for _ in 0..3 {
        let (status, _) = server.get(&format!("/api/tickets/{epic}")).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, _) = server.get("/api/tickets/ticket-nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    server
        .post_ok(&format!("/api/workflows/{wf}/claim"), json!({"agent_id": "agent-a"}))
        .await;
    receiver.wait_for(3, Duration::from_secs(20)).await;

    let (status, text) = scrape(&server, None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let samples = parse(&text);
    let get = |series: &str| {
        samples
            .get(series)
            .copied()
            .unwrap_or_else(|| panic!("{series} in\n{text}"))
    };
    let route = "route=\"/api/tickets/{ticket_id}\"";
    assert_eq!(
        get(&format!(
            "tix_http_requests_total{{method=\"GET\",{route},status=\"200\"}}"
        )),
        3.0
    );
    assert_eq!(
        get(&format!(
            "tix_http_requests_total{{method=\"GET\",{route},status=\"404\"}}"
        )),
        1.0
    );
    assert_eq!(get(&format!("tix_http_request_duration_seconds_count{{{route}}}")), 4.0);
    assert_eq!(
        get(&format!(
            "tix_http_request_duration_seconds_bucket{{{route},le=\"+Inf\"}}"
        )),
        4.0
    );
    assert!(!text.contains(&epic), "ids never become labels");
    assert_eq!(
        get(&format!("tix_tickets{{workflow_id=\"{wf}\",status=\"backlog\"}}")),
        2.0
    );
    assert_eq!(
        get(&format!("tix_tickets{{workflow_id=\"{wf}\",status=\"building\"}}")),
        1.0
    );
    assert_eq!(
        get(&format!("tix_ready_tickets{{workflow_id=\"{wf}\"}}")),
        1.0,
        "the epic waits for its children"
    );
    assert_eq!(get("tix_claims_total"), 1.0);
    assert_eq!(get("tix_lease_expiries_total"), 0.0);
    assert_eq!(get("tix_webhook_deliveries{state=\"delivered\"}"), 3.0);
    assert_eq!(
        get("tix_webhook_attempts_total{result=\"retried\"}"),
        1.0,
        "the receiver answered 500 once"
    );
    assert_eq!(get("tix_webhook_attempts_total{result=\"delivered\"}"), 3.0);
    assert!(samples.contains_key("tix_embedding_queue_depth"));
    assert!(get("tix_db_pool_max_connections") >= 1.0);
    assert!(samples.keys().any(|k| k.starts_with("tix_build_info{")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn metrics_on_sqlite() {
    counts_what_happened(Server::start().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn metrics_on_postgres() {
    if let Some(server) = Server::start_on_postgres().await {
        counts_what_happened(server).await;
    }
}

/// With `--auth required`, `/metrics` needs a token like the API, unless
/// the server runs with `--metrics-public`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_obey_auth_unless_public() {
    let guarded = Server::start_with(ServerOptions {
        auth: AuthMode::Required,
        ..ServerOptions::default()
    })
    .await;
    let (status, body) = scrape(&guarded, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let token = guarded
        .store
        .create_agent_token("prometheus", false)
        .await
        .expect("token");
    let (status, body) = scrape(&guarded, Some(&token)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("tix_claims_total 0"), "{body}");

    let public = Server::start_with(ServerOptions {
        auth: AuthMode::Required,
        metrics_public: true,
        ..ServerOptions::default()
    })
    .await;
    let (status, body) = scrape(&public, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = public.get("/api/workflows").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "only /metrics is public");
}
