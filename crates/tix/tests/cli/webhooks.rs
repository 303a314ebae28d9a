//! Webhook deliveries survive the server: written to the outbox with the
//! change, they are sent after a `kill -9` and a restart.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use hmac::{KeyInit, Mac};
use serde_json::Value;

use crate::harness::Tix;

/// What a receiver got: (event header, signature header, raw body).
type Got = Arc<Mutex<Vec<(String, String, String)>>>;

async fn receive_on(listener: tokio::net::TcpListener) -> Got {
    let got: Got = Arc::default();
    let log = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let log = log.clone();
            async move {
                let header = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_string()
                };
                log.lock()
                    .expect("lock")
                    .push((header("x-tix-event"), header("x-tix-signature"), body));
                StatusCode::OK
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    got
}

fn signature(secret: &str, body: &str) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(body.as_bytes());
    let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_written_before_a_kill_9_are_sent_after_the_restart() {
    let mut tix = Tix::new();
    // The receiver's address, not listening yet: every attempt now fails.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let mut served = tix.serve(&[]);
    tix.create_workflow();
    let schema = tix.create(&["Database schema"]);
    let auth = tix.create(&["Authentication", "--blocked-by", &schema]);
    let hook = tix.json(&[
        "webhook",
        "add",
        &format!("http://127.0.0.1:{port}/hook"),
        "--event",
        "ticket.resolved",
        "--event",
        "ticket.unblocked",
    ]);
    let secret = hook["secret"].as_str().expect("a generated secret").to_string();
    tix.ok(&["--agent", "agent-a", "resolve", &schema, "-m", "migrated"]);
    // kill -9, between the write and any delivery (the receiver is down).
    served.child.kill().expect("kill -9");
    served.child.wait().expect("reaped");
    let pending = {
        tix.server = None;
        tix.json(&["webhook", "deliveries", hook["id"].as_str().expect("id")])
    };
    let states: Vec<&str> = pending["deliveries"]
        .as_array()
        .expect("deliveries")
        .iter()
        .map(|d| d["state"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(states, ["pending", "pending"], "nothing was delivered before the kill");

    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("the receiver's port");
    let got = receive_on(listener).await;
    let _restarted = tix.serve(&[]);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(40);
    while got.lock().expect("lock").len() < 2 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let got = got.lock().expect("lock").clone();
    let events: Vec<&str> = got.iter().map(|(event, _, _)| event.as_str()).collect();
    assert_eq!(
        events,
        ["ticket.unblocked", "ticket.resolved"],
        "all delivered, in order"
    );
    for (_, signed, body) in &got {
        assert_eq!(*signed, signature(&secret, body));
    }
    let unblocked: Value = serde_json::from_str(&got[0].2).expect("JSON");
    assert_eq!(unblocked["ticket"]["id"], auth.as_str());
}
