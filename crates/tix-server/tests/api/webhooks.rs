//! Webhooks end to end: a receiver on 127.0.0.1 gets signed deliveries,
//! in event order, retried after it answered 500.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode as AxumStatus};
use hmac::{KeyInit, Mac};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tix_store::conformance::seed_workflow;

use crate::harness::Server;

/// What the receiver got: the headers it cares about and the raw body.
#[derive(Debug, Clone)]
pub struct Received {
    pub event: String,
    pub delivery: String,
    pub signature: String,
    pub body: String,
}

/// A webhook receiver on 127.0.0.1 that answers 500 to its first
/// `failures` requests, then 204.
pub struct Receiver {
    pub url: String,
    pub got: Arc<Mutex<Vec<Received>>>,
    pub answered_500: Arc<Mutex<u32>>,
}

impl Receiver {
    pub async fn start(failures: u32) -> Receiver {
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let answered_500: Arc<Mutex<u32>> = Arc::default();
        let (log, errors) = (got.clone(), answered_500.clone());
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: String| {
                let (log, errors) = (log.clone(), errors.clone());
                async move {
                    let mut failed = errors.lock().expect("lock");
                    if *failed < failures {
                        *failed += 1;
                        return AxumStatus::INTERNAL_SERVER_ERROR;
                    }
                    let header = |name: &str| {
                        headers
                            .get(name)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_string()
                    };
                    log.lock().expect("lock").push(Received {
                        event: header("x-tix-event"),
                        delivery: header("x-tix-delivery"),
                        signature: header("x-tix-signature"),
                        body,
                    });
                    AxumStatus::NO_CONTENT
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver { url, got, answered_500 }
    }

    /// Waits until `count` deliveries arrived (at most `within`).
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let got = self.got.lock().expect("lock").clone();
            if got.len() >= count || tokio::time::Instant::now() > deadline {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// `sha256=<hex HMAC-SHA256>` as a receiver computes it.
pub fn expected_signature(secret: &str, body: &str) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body.as_bytes());
    let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resolve_is_delivered_signed_in_order_and_retried_after_a_500() {
    let server = Server::start().await;
    let receiver = Receiver::start(1).await;
    let wf = server
        .post_ok(
            "/api/workflows",
            serde_json::to_value(seed_workflow(None, "Hooks")).expect("json"),
        )
        .await["id"]
        .as_str()
        .expect("id")
        .to_string();
    let (status, body) = server
        .post(
            "/api/webhooks",
            json!({"url": "file:///etc/passwd", "events": ["ticket.resolved"]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["field"], "url");
    let (status, hook) = server
        .post(
            "/api/webhooks",
            json!({"url": receiver.url, "events": ["ticket.resolved", "ticket.unblocked"],
                   "secret": "s3cret-s3cret-s3cret", "workflow_id": wf}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{hook}");
    assert_eq!(hook["secret"], "s3cret-s3cret-s3cret");
    let hook_id = hook["id"].as_str().expect("id").to_string();
    let (_, listed) = server.get(&format!("/api/webhooks/{hook_id}")).await;
    assert!(listed.get("secret").is_none(), "the secret is shown once: {listed}");

    let schema = server
        .post_ok(
            "/api/tickets",
            json!({"workflow_id": wf, "title": "Schema", "ticket_type": "component"}),
        )
        .await["ticket_id"]
        .as_str()
        .expect("id")
        .to_string();
    let auth = server
        .post_ok(
            "/api/tickets",
            json!({"workflow_id": wf, "title": "Auth", "ticket_type": "component", "blocked_by_ticket_ids": [schema]}),
        )
        .await["ticket_id"]
        .as_str()
        .expect("id")
        .to_string();
    let (status, _) = server
        .call(
            Method::POST,
            &format!("/api/tickets/{schema}/resolve"),
            "agent-a",
            Some(json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let got = receiver.wait_for(2, Duration::from_secs(15)).await;
    assert_eq!(got.len(), 2, "both deliveries arrived: {got:?}");
    assert_eq!(
        *receiver.answered_500.lock().expect("lock"),
        1,
        "the first attempt got a 500"
    );
    let events: Vec<&str> = got.iter().map(|r| r.event.as_str()).collect();
    assert_eq!(events, ["ticket.unblocked", "ticket.resolved"], "in event order");
    for received in &got {
        assert_eq!(
            received.signature,
            expected_signature("s3cret-s3cret-s3cret", &received.body)
        );
        let body: Value = serde_json::from_str(&received.body).expect("JSON");
        assert_eq!(body["event"], received.event.as_str());
        assert_eq!(body["workflow_id"], wf);
        assert!(body["occurred_at"].as_str().is_some());
    }
    let unblocked: Value = serde_json::from_str(&got[0].body).expect("JSON");
    assert_eq!(unblocked["ticket"]["id"], auth, "ticket.unblocked names the dependent");
    assert_eq!(unblocked["ticket"]["is_blocked"], false);
    assert_eq!(unblocked["data"]["by_ticket_id"], schema);
    let resolved: Value = serde_json::from_str(&got[1].body).expect("JSON");
    assert_eq!(resolved["ticket"]["id"], schema);
    assert_eq!(resolved["data"]["agent_id"], "agent-a");
    assert_ne!(got[0].delivery, got[1].delivery, "every delivery has its own id");

    let (_, page) = server.get(&format!("/api/webhooks/{hook_id}/deliveries")).await;
    let deliveries = page["deliveries"].as_array().expect("deliveries");
    assert_eq!(deliveries.len(), 2);
    let first = deliveries
        .iter()
        .find(|d| d["event"] == "ticket.unblocked")
        .expect("listed");
    assert_eq!(
        (first["state"].as_str(), first["attempts"].as_u64()),
        (Some("delivered"), Some(2))
    );
    assert_eq!(first["last_status"], 204);

    let (status, _) = server
        .send(Method::DELETE, &format!("/api/webhooks/{hook_id}"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = server.get(&format!("/api/webhooks/{hook_id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
