//! Several `tix serve` replicas on one PostgreSQL database (skipped unless
//! `TIX_TEST_POSTGRES_URL` is set; `.ci/run` sets it). Each test runs in a
//! schema of its own, dropped at the end.

use std::collections::HashSet;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};
use tix_store::TestSchema;

use crate::harness::{tix_command, Served};

/// `tix serve` on `database` with a pool of 8 connections.
fn start_replica(database: &str) -> Served {
    let mut command = tix_command();
    command
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--database",
            database,
            "--pool-size",
            "8",
        ])
        .env("RUST_LOG", "warn")
        .stderr(Stdio::inherit());
    Served::spawn(command)
}

async fn schema() -> Option<TestSchema> {
    let url = std::env::var("TIX_TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty())?;
    Some(TestSchema::create(&url).await.expect("create a test schema"))
}

async fn post(http: &reqwest::Client, url: String, agent: &str, body: Value) -> (StatusCode, Value) {
    let response = http
        .post(url)
        .header("X-Agent-ID", agent)
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn workflow(http: &reqwest::Client, base: &str) -> String {
    let (status, body) = post(
        http,
        format!("{base}/api/workflows"),
        "setup",
        json!({"name": "replicas", "board_config": {
            "columns": [{"id": "backlog", "name": "Backlog"}, {"id": "building", "name": "Building"},
                        {"id": "done", "name": "Done"}],
            "ticket_types": ["task"], "initial_status": "backlog"}}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().expect("workflow id").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_clients_on_two_replicas_claim_each_ticket_once() {
    let Some(schema) = schema().await else {
        eprintln!("TIX_TEST_POSTGRES_URL is not set; skipping");
        return;
    };
    let a = start_replica(&schema.url);
    let b = start_replica(&schema.url);
    let http = reqwest::Client::new();
    let wf = workflow(&http, &a.url).await;
    let tickets: Vec<Value> = (0..500)
        .map(|i| json!({"title": format!("ticket {i}"), "ticket_type": "task"}))
        .collect();
    let (status, body) = post(
        &http,
        format!("{}/api/workflows/{wf}/tickets/import", b.url),
        "setup",
        json!({"tickets": tickets}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let bases = Arc::new([a.url.clone(), b.url.clone()]);
    let mut tasks = Vec::new();
    for client in 0..64 {
        let (http, bases, wf) = (http.clone(), bases.clone(), wf.clone());
        tasks.push(tokio::spawn(async move {
            let base = &bases[client % 2];
            let agent = format!("agent-{client}");
            let mut mine = Vec::new();
            loop {
                let (status, body) = post(&http, format!("{base}/api/workflows/{wf}/claim"), &agent, json!({})).await;
                match status {
                    StatusCode::OK => {
                        assert_eq!(body["assigned_agent_id"], agent.as_str());
                        mine.push(body["id"].as_str().expect("id").to_string());
                    }
                    StatusCode::NOT_FOUND => {
                        assert_eq!(body["error"]["code"], "nothing_ready", "{body}");
                        return mine;
                    }
                    other => panic!("claim through {base} failed with {other}: {body}"),
                }
            }
        }));
    }
    let mut claimed = Vec::new();
    for task in tasks {
        claimed.extend(task.await.expect("client task"));
    }
    let unique: HashSet<&String> = claimed.iter().collect();
    assert_eq!(claimed.len(), 500, "every ticket claimed");
    assert_eq!(unique.len(), 500, "no ticket handed to two agents");

    // Every claim, made through either replica, is in the one event log,
    // in increasing id order, readable from replica A.
    let mut after = 0i64;
    let mut claimed_events = HashSet::new();
    loop {
        let page: Value = http
            .get(format!(
                "{}/api/events?workflow_id={wf}&after={after}&limit=1000",
                a.url
            ))
            .send()
            .await
            .expect("events")
            .json()
            .await
            .expect("events JSON");
        let events = page["events"].as_array().expect("events").clone();
        if events.is_empty() {
            break;
        }
        for event in &events {
            let id = event["id"].as_i64().expect("event id");
            assert!(id > after, "event ids increase");
            after = id;
            if event["kind"] == "ticket_claimed" {
                claimed_events.insert(event["ticket_id"].as_str().unwrap_or_default().to_string());
            }
        }
    }
    assert_eq!(claimed_events.len(), 500);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_replica_killed_mid_load_loses_no_acknowledged_write() {
    let Some(schema) = schema().await else {
        eprintln!("TIX_TEST_POSTGRES_URL is not set; skipping");
        return;
    };
    let survivor = start_replica(&schema.url);
    let mut victim = start_replica(&schema.url);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let wf = workflow(&http, &survivor.url).await;

    let acknowledged = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut writers = Vec::new();
    for writer in 0..16 {
        let (http, base, wf, acknowledged) = (http.clone(), victim.url.clone(), wf.clone(), acknowledged.clone());
        writers.push(tokio::spawn(async move {
            for i in 0..10_000 {
                let sent = http
                    .post(format!("{base}/api/tickets"))
                    .header("X-Agent-ID", format!("writer-{writer}"))
                    .json(&json!({"workflow_id": wf, "title": format!("w{writer} #{i}"), "ticket_type": "task"}))
                    .send()
                    .await;
                let Ok(response) = sent else { return };
                if response.status() != StatusCode::CREATED {
                    return;
                }
                let Ok(body) = response.json::<Value>().await else {
                    return;
                };
                if let Some(id) = body["ticket_id"].as_str() {
                    acknowledged.lock().expect("lock").push(id.to_string());
                }
            }
        }));
    }
    // Let the load run, then kill the replica without warning.
    loop {
        tokio::time::sleep(Duration::from_millis(50)).await;
        if acknowledged.lock().expect("lock").len() >= 300 {
            break;
        }
    }
    victim.child.kill().expect("SIGKILL the replica");
    victim.child.wait().expect("reap");
    for writer in writers {
        writer.await.expect("writer");
    }
    let acknowledged = acknowledged.lock().expect("lock").clone();
    assert!(acknowledged.len() >= 300);
    for id in &acknowledged {
        let response = http
            .get(format!("{}/api/tickets/{id}", survivor.url))
            .send()
            .await
            .expect("get");
        assert_eq!(response.status(), StatusCode::OK, "acknowledged ticket {id} was lost");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn migrate_store_copies_a_sqlite_database_into_postgres() {
    use tix_store::{SqliteStore, Store};
    let Some(schema) = schema().await else {
        eprintln!("TIX_TEST_POSTGRES_URL is not set; skipping");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("tix.db");
    let (blocked_id, resolved_id, comments) = {
        let store = SqliteStore::open(&path).expect("sqlite");
        let wf = store
            .create_workflow("setup", tix_store::conformance::seed_workflow(None, "copied"))
            .await
            .expect("workflow")
            .id;
        let infra = store
            .create_ticket("a1", tix_store::conformance::new_ticket(&wf, "Infra"))
            .await
            .expect("infra");
        let mut db = tix_store::conformance::new_ticket(&wf, "Database");
        db.blocked_by_ticket_ids = vec![infra.id.clone()];
        let db = store.create_ticket("a1", db).await.expect("db");
        let mut auth = tix_store::conformance::new_ticket(&wf, "Auth");
        auth.blocked_by_ticket_ids = vec![db.id.clone()];
        let auth = store.create_ticket("a1", auth).await.expect("auth");
        store.add_comment("a2", &infra.id, "Starting").await.expect("comment");
        store
            .resolve("a2", &infra.id, Some("done".into()))
            .await
            .expect("resolve");
        let detail = store.get_ticket(&infra.id).await.expect("detail");
        (auth.id, infra.id, detail.comments.len())
    };

    let run = |force: bool| {
        let mut args = vec![
            "migrate-store",
            "--from",
            path.to_str().expect("path"),
            "--to",
            &schema.url,
        ];
        if force {
            args.push("--force");
        }
        tix_command().args(&args).output().expect("run migrate-store")
    };
    let first = run(false);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(stdout.contains("tickets  3 rows"), "{stdout}");
    let again = run(false);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds data"));
    let forced = run(true);
    assert!(forced.status.success(), "{}", String::from_utf8_lossy(&forced.stderr));

    let replica = start_replica(&schema.url);
    let http = reqwest::Client::new();
    let detail: Value = http
        .get(format!("{}/api/tickets/{resolved_id}", replica.url))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(detail["is_resolved"], true);
    assert_eq!(detail["comments"].as_array().map(Vec::len), Some(comments));
    assert!(detail["history"].as_array().map(Vec::len).unwrap_or(0) >= 3);
    let auth: Value = http
        .get(format!("{}/api/tickets/{blocked_id}", replica.url))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(auth["is_blocked"], true);
    // The copied store keeps working: new ids and events continue after the copied ones.
    let (status, created) = post(
        &http,
        format!("{}/api/tickets", replica.url),
        "a3",
        json!({"workflow_id": detail["workflow_id"], "title": "After the copy", "ticket_type": "component"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
}

/// Reads `id:` lines of a Server-Sent Events stream until `want` ids of
/// ticket events arrived (or the deadline passes).
async fn read_sse_ids(mut response: reqwest::Response, want: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut buffer = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while ids.len() < want {
        let chunk = match tokio::time::timeout_at(deadline, response.chunk()).await {
            Ok(Ok(Some(chunk))) => chunk,
            _ => break,
        };
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let message: String = buffer.drain(..end + 2).collect();
            let is_hello = message.lines().any(|l| l.trim() == "event: hello");
            if let Some(id) = message
                .lines()
                .find_map(|l| l.strip_prefix("id:"))
                .and_then(|v| v.trim().parse().ok())
            {
                if !is_hello {
                    ids.push(id);
                }
            }
        }
    }
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_event_stream_on_one_replica_sees_every_write_made_through_the_other() {
    let Some(schema) = schema().await else {
        eprintln!("TIX_TEST_POSTGRES_URL is not set; skipping");
        return;
    };
    let a = start_replica(&schema.url);
    let b = start_replica(&schema.url);
    let http = reqwest::Client::new();
    let wf = workflow(&http, &a.url).await;
    let stream = http
        .get(format!("{}/api/events?workflow_id={wf}", b.url))
        .header("Accept", "text/event-stream")
        .send()
        .await
        .expect("open the stream on replica B");
    assert_eq!(stream.status(), StatusCode::OK);
    // 40 tickets created and 40 moved through replica A, by 8 writers at once.
    let mut writers = Vec::new();
    for w in 0..8 {
        let (http, base, wf) = (http.clone(), a.url.clone(), wf.clone());
        writers.push(tokio::spawn(async move {
            for i in 0..5 {
                let (status, body) = post(
                    &http,
                    format!("{base}/api/tickets"),
                    &format!("writer-{w}"),
                    json!({"workflow_id": wf, "title": format!("w{w} #{i}"), "ticket_type": "task"}),
                )
                .await;
                assert_eq!(status, StatusCode::CREATED, "{body}");
                let id = body["ticket_id"].as_str().expect("id").to_string();
                let (status, body) = post(
                    &http,
                    format!("{base}/api/tickets/{id}/status"),
                    &format!("writer-{w}"),
                    json!({"new_status": "building"}),
                )
                .await;
                assert_eq!(status, StatusCode::OK, "{body}");
            }
        }));
    }
    for writer in writers {
        writer.await.expect("writer");
    }
    let logged: Value = http
        .get(format!("{}/api/events?workflow_id={wf}&limit=1000", a.url))
        .send()
        .await
        .expect("log")
        .json()
        .await
        .expect("log JSON");
    let logged: Vec<i64> = logged["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["kind"] != "workflow_created")
        .map(|e| e["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(logged.len(), 80);
    let streamed = read_sse_ids(stream, logged.len()).await;
    assert_eq!(
        streamed, logged,
        "replica B streamed every event written through A, in order"
    );
}

/// `ready?wait=` on one replica is released by a resolve made through the
/// other (LISTEN/NOTIFY wakes it), within about a second.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_ready_wait_on_one_replica_is_released_by_a_resolve_through_the_other() {
    let Some(schema) = schema().await else {
        eprintln!("TIX_TEST_POSTGRES_URL is not set; skipping");
        return;
    };
    let one = start_replica(&schema.url);
    let two = start_replica(&schema.url);
    let http = reqwest::Client::new();
    let workflow = workflow(&http, &one.url).await;
    let ticket = |title: &str, blocked_by: Vec<String>| json!({"workflow_id": workflow, "title": title, "ticket_type": "task", "blocked_by_ticket_ids": blocked_by});
    let (_, schema_ticket) = post(
        &http,
        format!("{}/api/tickets", one.url),
        "setup",
        ticket("Schema", vec![]),
    )
    .await;
    let schema_id = schema_ticket["ticket_id"].as_str().expect("id").to_string();
    let (_, auth) = post(
        &http,
        format!("{}/api/tickets", one.url),
        "setup",
        ticket("Auth", vec![schema_id.clone()]),
    )
    .await;
    let (status, _) = post(
        &http,
        format!("{}/api/workflows/{workflow}/claim", one.url),
        "agent-a",
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "agent-a takes the schema");

    let waiting = {
        let (http, url, workflow) = (http.clone(), one.url.clone(), workflow.clone());
        tokio::spawn(async move {
            let response = http
                .get(format!("{url}/api/workflows/{workflow}/ready?wait=30"))
                .header("X-Agent-ID", "agent-b")
                .send()
                .await
                .expect("request");
            (std::time::Instant::now(), response.json::<Value>().await.expect("json"))
        })
    };
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(!waiting.is_finished(), "nothing is ready for agent-b yet");
    let (status, _) = post(
        &http,
        format!("{}/api/tickets/{schema_id}/resolve", two.url),
        "agent-a",
        json!({}),
    )
    .await;
    let resolved = std::time::Instant::now();
    assert_eq!(status, StatusCode::OK);
    let (answered, ready) = waiting.await.expect("task");
    let woke = answered.saturating_duration_since(resolved);
    eprintln!("the wait on replica one woke {woke:?} after the resolve on replica two");
    assert_eq!(ready["tickets"][0]["id"], auth["ticket_id"]);
    assert!(
        woke < Duration::from_secs(5),
        "woken by the other replica's resolve, not the timeout ({woke:?})"
    );
}

/// Two replicas share one outbox: every delivery arrives once, in event
/// order, whichever replica made the write and whichever sends.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_replicas_send_each_webhook_delivery_once_in_order() {
    let Some(schema) = schema().await else {
        eprintln!("TIX_TEST_POSTGRES_URL is not set; skipping");
        return;
    };
    let got: Arc<std::sync::Mutex<Vec<(String, Value)>>> = Arc::default();
    let log = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
            let log = log.clone();
            async move {
                let delivery = headers
                    .get("x-tix-delivery")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
                log.lock().expect("lock").push((delivery, body));
                axum::http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });

    let one = start_replica(&schema.url);
    let two = start_replica(&schema.url);
    let http = reqwest::Client::new();
    let workflow = workflow(&http, &one.url).await;
    let (status, hook) = post(
        &http,
        format!("{}/api/webhooks", one.url),
        "ops",
        json!({"url": url, "events": ["ticket.created"], "workflow_id": workflow}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{hook}");
    let count = 24;
    for i in 0..count {
        let base = if i % 2 == 0 { &one.url } else { &two.url };
        let (status, _) = post(
            &http,
            format!("{base}/api/tickets"),
            "planner",
            json!({"workflow_id": workflow, "title": format!("Ticket {i}"), "ticket_type": "task"}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while got.lock().expect("lock").len() < count && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // A little longer: a duplicate would arrive now.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let got = got.lock().expect("lock").clone();
    assert_eq!(got.len(), count, "each delivery arrives once");
    let ids: HashSet<&str> = got.iter().map(|(d, _)| d.as_str()).collect();
    assert_eq!(ids.len(), count, "no delivery id twice");
    let titles: Vec<String> = got
        .iter()
        .map(|(_, body)| body["ticket"]["title"].as_str().unwrap_or_default().to_string())
        .collect();
    let expected: Vec<String> = (0..count).map(|i| format!("Ticket {i}")).collect();
    assert_eq!(titles, expected, "in event order");
}
