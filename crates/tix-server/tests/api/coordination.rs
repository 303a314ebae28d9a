//! Coordinating a fleet over REST and MCP: claim tokens that fence a lost
//! claim, idempotency keys, runs with hand-offs, heartbeats, waiting for
//! work instead of polling.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use rmcp::model::CallToolRequestParams;
use serde_json::{json, Value};

use crate::harness::Server;

async fn claim(server: &Server, workflow: &str, agent: &str, lease: u64) -> Value {
    let (status, body) = server
        .call(
            Method::POST,
            &format!("/api/workflows/{workflow}/claim"),
            agent,
            Some(json!({ "lease_seconds": lease })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_holders_move_is_refused_with_lease_lost_and_changes_nothing() {
    let server = Server::start().await;
    let wf = server.seed_workflow("Fleet").await;
    let t = server.component(&wf, "Auth", &[]).await;
    // A claims with a 1 s lease and goes quiet.
    let a = claim(&server, &wf, "agent-a", 1).await;
    let a_token = a["claim_token"].as_str().expect("a claim token").to_string();
    assert_eq!(a["id"], t);
    assert!(a["run_id"].as_str().is_some_and(|r| r.starts_with("run-")));
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let b = claim(&server, &wf, "agent-b", 600).await;
    assert_eq!(b["id"], t, "B gets the ticket A lost");
    let (_, before) = server
        .call(Method::GET, &format!("/api/tickets/{t}"), "agent-b", None)
        .await;

    let (status, _, body) = server
        .rest_with(
            Method::POST,
            &format!("/api/tickets/{t}/status"),
            &[("X-Agent-ID", "agent-a"), ("X-Tix-Claim", &a_token)],
            Some(json!({ "new_status": "building-done", "comment": "done!" })),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "lease_lost");
    assert_eq!(body["error"]["hint"], "claim it again or pick another ticket");
    assert_eq!(body["error"]["holder"], "agent-b");
    // Without its token the former holder is refused all the same.
    let (status, body) = server
        .call(
            Method::POST,
            &format!("/api/tickets/{t}/resolve"),
            "agent-a",
            Some(json!({})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("lease_lost"))
    );
    let (_, after) = server
        .call(Method::GET, &format!("/api/tickets/{t}"), "agent-b", None)
        .await;
    assert_eq!(
        (&after["status"], &after["version"], &after["assigned_agent_id"]),
        (&before["status"], &before["version"], &before["assigned_agent_id"]),
        "nothing changed"
    );
    // A comment from A is history, and lands.
    let (status, _, _) = server
        .rest_with(
            Method::POST,
            &format!("/api/tickets/{t}/comments"),
            &[("X-Agent-ID", "agent-a"), ("X-Tix-Claim", &a_token)],
            Some(json!({ "comment_text": "I lost my lease; my notes are on branch auth-a" })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    // B's heartbeat renews its lease; A's is refused.
    let b_token = b["claim_token"].as_str().expect("token");
    let (status, _, beat) = server
        .rest_with(
            Method::POST,
            &format!("/api/tickets/{t}/heartbeat"),
            &[("X-Agent-ID", "agent-b"), ("X-Tix-Claim", b_token)],
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{beat}");
    assert_eq!(beat["run_id"], b["run_id"]);
    let (status, body) = server
        .call(Method::POST, &format!("/api/tickets/{t}/heartbeat"), "agent-a", None)
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("lease_lost"))
    );
    // A malformed token is a 400 that says so.
    let (status, _, body) = server
        .rest_with(
            Method::POST,
            &format!("/api/tickets/{t}/comments"),
            &[("X-Agent-ID", "agent-b"), ("X-Tix-Claim", "not a token!")],
            Some(json!({ "comment_text": "x" })),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    // The ticket lists both runs: A's abandoned by tix, B's open.
    let runs = after["runs"].as_array().expect("runs");
    let outcomes: Vec<(&str, &Value)> = runs
        .iter()
        .map(|r| (r["agent_id"].as_str().unwrap_or_default(), &r["outcome"]))
        .collect();
    assert_eq!(outcomes, [("agent-a", &json!("abandoned")), ("agent-b", &Value::Null)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_idempotency_key_creates_one_ticket() {
    let server = Server::start().await;
    let wf = server.seed_workflow("Fleet").await;
    let body = json!({"workflow_id": wf, "title": "Build Authentication System", "ticket_type": "component"});
    let key = [("X-Agent-ID", "agent-a"), ("Idempotency-Key", "create-auth-7f3a")];
    let (first_status, first_headers, first) = server
        .rest_with(Method::POST, "/api/tickets", &key, Some(body.clone()))
        .await;
    assert_eq!(first_status, StatusCode::CREATED, "{first}");
    assert!(first_headers.get("idempotent-replayed").is_none());
    // The client timed out and retries: the same answer, and no second ticket.
    let (status, headers, again) = server
        .rest_with(Method::POST, "/api/tickets", &key, Some(body.clone()))
        .await;
    assert_eq!((status, &again), (first_status, &first));
    assert_eq!(
        headers.get("idempotent-replayed").map(|v| v.as_bytes()),
        Some(&b"true"[..])
    );
    // Many retries at once: still one ticket, the same answer each time.
    let mut racing = tokio::task::JoinSet::new();
    for _ in 0..6 {
        let (http, base, body) = (server.http.clone(), server.base.clone(), body.clone());
        racing.spawn(async move {
            let response = http
                .post(format!("{base}/api/tickets"))
                .header("X-Agent-ID", "agent-a")
                .header("Idempotency-Key", "create-auth-7f3a")
                .json(&body)
                .send()
                .await
                .expect("send");
            (response.status(), response.json::<Value>().await.expect("json"))
        });
    }
    while let Some(answer) = racing.join_next().await {
        assert_eq!(answer.expect("task"), (first_status, first.clone()));
    }
    let (_, list) = server.get(&format!("/api/tickets?workflow_id={wf}")).await;
    assert_eq!(list["tickets"].as_array().map(Vec::len), Some(1), "{list}");

    // The same key for a different request is refused.
    let (status, _, body) = server
        .rest_with(
            Method::POST,
            "/api/tickets",
            &key,
            Some(json!({"workflow_id": wf, "title": "Something else", "ticket_type": "bug"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "idempotency_key_reused");
    // Keys are per agent, and a bad key is a 400.
    let (status, _, _) = server
        .rest_with(
            Method::POST,
            "/api/tickets",
            &[("X-Agent-ID", "agent-b"), ("Idempotency-Key", "create-auth-7f3a")],
            Some(body_for(&wf)),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let long = "k".repeat(201);
    let (status, _, _) = server
        .rest_with(
            Method::POST,
            "/api/tickets",
            &[("X-Agent-ID", "agent-a"), ("Idempotency-Key", &long)],
            Some(body_for(&wf)),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Other writes keep their answers too: a move replays its StatusChange.
    let id = first["ticket_id"].as_str().expect("id");
    let move_key = [("X-Agent-ID", "agent-a"), ("Idempotency-Key", "move-1")];
    let path = format!("/api/tickets/{id}/status");
    let (s1, _, m1) = server
        .rest_with(Method::POST, &path, &move_key, Some(json!({"new_status": "building"})))
        .await;
    let (s2, _, m2) = server
        .rest_with(Method::POST, &path, &move_key, Some(json!({"new_status": "building"})))
        .await;
    assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK));
    assert_eq!(m1, m2);
    let (_, detail) = server.get(&format!("/api/tickets/{id}")).await;
    assert_eq!(detail["version"], m1["ticket"]["version"], "moved once");
}

fn body_for(wf: &str) -> Value {
    json!({"workflow_id": wf, "title": "Build Authentication System", "ticket_type": "component"})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_finish_with_a_handoff_that_the_next_claim_answers() {
    let server = Server::start().await;
    let wf = server.seed_workflow("Fleet").await;
    let t = server.component(&wf, "Database schema", &[]).await;
    let a = claim(&server, &wf, "agent-a", 600).await;
    let run = a["run_id"].as_str().expect("run");
    let (status, finished) = server
        .call(
            Method::POST,
            &format!("/api/runs/{run}/finish"),
            "agent-a",
            Some(json!({
                "outcome": "failed", "summary": "migration 3 fails", "exit_code": 1,
                "tokens_in": 1000, "tokens_out": 200, "cost_usd": 0.05,
                "handoff": {"done": "tables", "remaining": "indexes", "decisions": "uuid keys", "risks": "pg 15"}
            })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{finished}");
    assert_eq!(finished["outcome"], "failed");
    let (status, body) = server
        .call(
            Method::POST,
            &format!("/api/runs/{run}/finish"),
            "agent-a",
            Some(json!({"outcome": "succeeded"})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("run_ended"))
    );
    let (status, body) = server
        .call(
            Method::POST,
            &format!("/api/runs/{run}/finish"),
            "agent-a",
            Some(json!({"outcome": "lease_lost"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    let b = claim(&server, &wf, "agent-b", 600).await;
    assert_eq!(b["id"], t, "the failed claim gave the ticket back");
    let handoffs = b["handoffs"].as_array().expect("handoffs");
    assert_eq!(handoffs.len(), 1);
    assert_eq!(handoffs[0]["handoff"]["remaining"], "indexes");
    assert_eq!(handoffs[0]["summary"], "migration 3 fails");

    let (status, page) = server.get(&format!("/api/runs?workflow_id={wf}&outcome=failed")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["runs"].as_array().map(Vec::len), Some(1));
    let (_, open) = server
        .get(&format!("/api/runs?workflow_id={wf}&open=true&agent_id=agent-b"))
        .await;
    assert_eq!(open["runs"][0]["run_id"], b["run_id"]);
    let (status, _) = server.get("/api/runs/run-nothere").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = server
        .call(
            Method::POST,
            &format!("/api/runs/{}/finish", b["run_id"].as_str().expect("run")),
            "agent-z",
            Some(json!({"outcome": "succeeded"})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("not_run_owner"))
    );

    // Statistics add up tokens, cost and retries.
    let (_, stats) = server.get(&format!("/api/workflows/{wf}/stats")).await;
    assert_eq!(stats["runs"]["runs"], 2);
    assert_eq!(stats["runs"]["tokens_in"], 1000);
    assert_eq!(stats["runs"]["by_agent"][0]["key"], "agent-a");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_and_claim_wait_until_a_resolve_unblocks_work() {
    let server = Server::start().await;
    let wf = server.seed_workflow("Fleet").await;
    let schema = server.component(&wf, "Database schema", &[]).await;
    let auth = server.component(&wf, "Authentication", &[&schema]).await;
    claim(&server, &wf, "agent-a", 600).await;

    // Nothing is ready for B: the request waits, then a resolve releases it.
    let waiting = {
        let (http, base, wf) = (server.http.clone(), server.base.clone(), wf.clone());
        tokio::spawn(async move {
            let started = Instant::now();
            let response = http
                .get(format!("{base}/api/workflows/{wf}/ready?wait=20"))
                .header("X-Agent-ID", "agent-b")
                .send()
                .await
                .expect("send");
            (started, response.json::<Value>().await.expect("json"))
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!waiting.is_finished(), "the request waits while nothing is ready");
    let resolved_at = Instant::now();
    server
        .call(
            Method::POST,
            &format!("/api/tickets/{schema}/resolve"),
            "agent-a",
            Some(json!({})),
        )
        .await;
    let (started, ready) = waiting.await.expect("task");
    let woke = resolved_at.elapsed();
    assert_eq!(ready["tickets"][0]["id"], auth);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "released by the resolve, not the timeout"
    );
    eprintln!("ready?wait woke {woke:?} after the resolve");

    // A claim waits too, and a wait that runs out answers as without waiting.
    let started = Instant::now();
    let (status, body) = server
        .call(
            Method::POST,
            &format!("/api/workflows/{wf}/claim?wait=1"),
            "agent-c",
            Some(json!({})),
        )
        .await;
    // auth is ready: claimed at once.
    assert_eq!((status, &body["id"]), (StatusCode::OK, &json!(auth)));
    let (status, body) = server
        .call(
            Method::POST,
            &format!("/api/workflows/{wf}/claim?wait=1"),
            "agent-d",
            Some(json!({})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("nothing_ready"))
    );
    assert!(started.elapsed() >= Duration::from_millis(900), "it waited");
    let (_, empty) = server.get(&format!("/api/workflows/{wf}/ready?wait=1")).await;
    assert_eq!(empty["tickets"], json!([]));
    let (status, body) = server.get(&format!("/api/workflows/{wf}/ready?wait=61")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

async fn tool(client: &crate::harness::McpClient, name: &str, args: Value) -> (bool, Value) {
    let result = client
        .peer()
        .call_tool(
            CallToolRequestParams::new(name.to_string()).with_arguments(args.as_object().cloned().unwrap_or_default()),
        )
        .await
        .expect("a tool result");
    let is_error = result.is_error == Some(true);
    let value = match (
        &result.structured_content,
        result.content.first().and_then(|c| c.as_text()),
    ) {
        (Some(structured), _) => structured.clone(),
        (None, Some(text)) => serde_json::from_str(&text.text).unwrap_or(Value::String(text.text.clone())),
        _ => Value::Null,
    };
    (is_error, value)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mcp_claims_carry_tokens_keys_heartbeats_and_finished_runs() {
    let server = Server::start().await;
    let wf = server.seed_workflow("Fleet").await;
    let t = server.component(&wf, "Workers", &[]).await;
    let a = server.connect("agent-a", "/mcp?toolset=all").await;
    let (err, claimed) = tool(&a, "claim_next_ticket", json!({"workflow_id": wf, "lease_seconds": 1})).await;
    assert!(!err, "{claimed}");
    let token = claimed["claim_token"].as_str().expect("claim_token").to_string();
    assert_eq!(claimed["ticket_id"], t);
    let (err, beat) = tool(&a, "heartbeat", json!({})).await;
    assert!(!err && beat["ticket_id"] == t, "{beat}");
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let b = server.connect("agent-b", "/mcp?toolset=all").await;
    let (err, _) = tool(&b, "claim_next_ticket", json!({"workflow_id": wf})).await;
    assert!(!err);
    let (err, refused) = tool(
        &a,
        "change_ticket_status",
        json!({"ticket_id": t, "new_status": "building-done", "claim_token": token}),
    )
    .await;
    assert!(err, "{refused}");
    let text = refused.as_str().unwrap_or_default();
    assert!(
        text.contains("error [lease_lost]") && text.contains("agent-b"),
        "{text}"
    );

    // idempotency_key on a create: one ticket, the same answer.
    let args = json!({"title": "Cache layer", "description": "Redis", "ticket_type": "component",
                      "workflow_id": wf, "idempotency_key": "cache-1"});
    let (_, first) = tool(&b, "create_ticket", args.clone()).await;
    let (_, second) = tool(&b, "create_ticket", args).await;
    assert_eq!(first, second);
    let (err, reused) = tool(
        &b,
        "create_ticket",
        json!({"title": "Other", "description": "x", "ticket_type": "bug", "workflow_id": wf,
               "idempotency_key": "cache-1"}),
    )
    .await;
    assert!(
        err && reused.as_str().unwrap_or_default().contains("idempotency_key_reused"),
        "{reused}"
    );
    let (_, list) = server.get(&format!("/api/tickets?workflow_id={wf}")).await;
    assert_eq!(list["tickets"].as_array().map(Vec::len), Some(2));

    // finish_run: B's open run, with a hand-off.
    let (err, finished) = tool(
        &b,
        "finish_run",
        json!({"outcome": "failed", "summary": "tests red", "handoff": {"remaining": "fix flaky test"},
               "tokens_in": "1500", "cost_usd": 0.02}),
    )
    .await;
    assert!(!err, "{finished}");
    assert_eq!(finished["outcome"], "failed");
    let c = server.connect("agent-c", "/mcp").await;
    let (err, next) = tool(&c, "claim_next_ticket", json!({"workflow_id": wf, "wait_seconds": 2})).await;
    assert!(!err, "{next}");
    assert_eq!(next["ticket_id"], t);
    assert_eq!(next["handoffs"][0]["handoff"]["remaining"], "fix flaky test");
    let (err, body) = tool(&c, "claim_next_ticket", json!({"workflow_id": wf, "wait_seconds": 99})).await;
    assert!(err && body.as_str().unwrap_or_default().contains("wait"), "{body}");
}

#[tokio::test]
async fn whoami_says_who_the_server_takes_the_caller_for() {
    let server = Server::start().await;
    let (status, me) = server.call(Method::GET, "/api/whoami", "agent-a", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        me,
        json!({"agent_id": "agent-a", "admin": false, "token": false, "auth": "off"})
    );
}
