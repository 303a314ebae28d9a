//! HTTP tests of what the web UI uses beyond the REST API: the live event
//! stream (SSE), workflow statistics and the embedded UI's static files.

use std::time::Duration;

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::harness::Server;

/// The steps these tests repeat, as the agent `agent-a`.
trait Steps {
    /// A workflow on a four-column board (WIP limit 3 on building).
    async fn workflow(&self, name: &str) -> String;
    async fn ticket(&self, workflow: &str, title: &str, blocked_by: &[&str]) -> String;
    /// Opens `GET /api/events?{query}` as Server-Sent Events.
    async fn stream(&self, query: &str, last_event_id: Option<i64>) -> Stream;
}

impl Steps for Server {
    async fn workflow(&self, name: &str) -> String {
        let body = self
            .post_ok(
                "/api/workflows",
                json!({"name": name, "board_config": {
                    "columns": [{"id": "backlog", "name": "Backlog"}, {"id": "building", "name": "Building", "wip_limit": 3},
                                {"id": "review", "name": "Review"}, {"id": "done", "name": "Done"}],
                    "ticket_types": ["feature", "bug"], "initial_status": "backlog"}}),
            )
            .await;
        body["id"].as_str().expect("workflow id").to_string()
    }

    async fn ticket(&self, workflow: &str, title: &str, blocked_by: &[&str]) -> String {
        let body = self
            .post_ok(
                "/api/tickets",
                json!({"workflow_id": workflow, "title": title, "ticket_type": "feature",
                       "blocked_by_ticket_ids": blocked_by}),
            )
            .await;
        body["ticket_id"].as_str().expect("ticket id").to_string()
    }

    async fn stream(&self, query: &str, last_event_id: Option<i64>) -> Stream {
        let mut request = self
            .http
            .get(format!("{}/api/events?{query}", self.base))
            .header("Accept", "text/event-stream");
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id.to_string());
        }
        let response = request.send().await.expect("stream request");
        assert_eq!(response.status(), StatusCode::OK);
        let content_type = response.headers()["content-type"].to_str().expect("content type");
        assert!(content_type.starts_with("text/event-stream"), "{content_type}");
        Stream {
            response,
            buffer: String::new(),
        }
    }
}

/// An open SSE response, parsed message by message.
struct Stream {
    response: Response,
    buffer: String,
}

#[derive(Debug, Default)]
struct Message {
    id: Option<String>,
    event: Option<String>,
    data: String,
}

impl Stream {
    /// The next message (comments skipped), failing after 10 s.
    async fn next(&mut self) -> Message {
        tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                if let Some(end) = self.buffer.find("\n\n") {
                    let block: String = self.buffer.drain(..end + 2).collect();
                    let mut message = Message::default();
                    let mut any = false;
                    for line in block.lines() {
                        let (field, value) = line.split_once(':').unwrap_or((line, ""));
                        let value = value.strip_prefix(' ').unwrap_or(value);
                        match field {
                            "" => continue, // a comment
                            "id" => message.id = Some(value.to_string()),
                            "event" => message.event = Some(value.to_string()),
                            "data" => {
                                if !message.data.is_empty() {
                                    message.data.push('\n');
                                }
                                message.data.push_str(value);
                            }
                            _ => {}
                        }
                        any = true;
                    }
                    if any {
                        return message;
                    }
                    continue;
                }
                let chunk = self
                    .response
                    .chunk()
                    .await
                    .expect("stream chunk")
                    .expect("stream ended");
                self.buffer.push_str(&String::from_utf8_lossy(&chunk));
            }
        })
        .await
        .expect("no event within 10 s")
    }

    async fn next_event(&mut self) -> (i64, Value) {
        let message = self.next().await;
        assert_eq!(message.event, None, "{message:?}");
        let data: Value = serde_json::from_str(&message.data).expect("event JSON");
        let id: i64 = message.id.expect("id").parse().expect("numeric id");
        assert_eq!(data["id"], id, "id: matches the event's id");
        (id, data)
    }
}

#[tokio::test]
async fn event_stream_sends_live_events_after_each_write() {
    let server = Server::start_as("agent-a").await;
    let wf = server.workflow("Live").await;
    let other = server.workflow("Other").await;
    let mut stream = server.stream(&format!("workflow_id={wf}"), None).await;
    let hello = stream.next().await;
    assert_eq!(hello.event.as_deref(), Some("hello"));
    let head: i64 = hello.id.expect("hello id").parse().expect("numeric");
    assert_eq!(
        serde_json::from_str::<Value>(&hello.data).expect("hello JSON")["last_event_id"],
        head
    );

    // A write to another workflow is not sent; one to this workflow is, at once.
    server.ticket(&other, "Elsewhere", &[]).await;
    let ticket = server.ticket(&wf, "Build the board", &[]).await;
    let (id, event) = stream.next_event().await;
    assert!(id > head);
    assert_eq!(event["kind"], "ticket_created");
    assert_eq!(event["ticket_id"], ticket.as_str());
    assert_eq!(event["workflow_id"], wf.as_str());

    server
        .post_ok(
            &format!("/api/tickets/{ticket}/status"),
            json!({"new_status": "building", "comment": "Starting"}),
        )
        .await;
    let (next, event) = stream.next_event().await;
    assert!(next > id);
    assert_eq!(event["kind"], "ticket_moved");
    assert_eq!(event["payload"]["to_status"], "building");
}

#[tokio::test]
async fn event_stream_resumes_after_last_event_id() {
    let server = Server::start_as("agent-a").await;
    let wf = server.workflow("Resume").await;
    let blocker = server.ticket(&wf, "Schema", &[]).await;
    let (_, page) = server.get(&format!("/api/events?workflow_id={wf}")).await;
    let resume_at = page["events"].as_array().expect("events").last().expect("one event")["id"]
        .as_i64()
        .expect("id");
    // Missed while disconnected: a ticket and a resolve that unblocks it.
    let blocked = server.ticket(&wf, "API", &[&blocker]).await;
    server
        .post_ok(&format!("/api/tickets/{blocker}/resolve"), json!({}))
        .await;

    let mut stream = server.stream(&format!("workflow_id={wf}"), Some(resume_at)).await;
    let hello = stream.next().await;
    assert_eq!(hello.id.as_deref(), Some(resume_at.to_string().as_str()));
    let mut kinds = Vec::new();
    let mut last = resume_at;
    while kinds.len() < 3 {
        let (id, event) = stream.next_event().await;
        assert!(id > last, "ids increase: {id} after {last}");
        last = id;
        kinds.push((
            event["kind"].as_str().unwrap_or_default().to_string(),
            event["ticket_id"].clone(),
        ));
    }
    assert_eq!(
        kinds,
        vec![
            ("ticket_created".to_string(), json!(blocked)),
            ("ticket_unblocked".to_string(), json!(blocked)),
            ("ticket_resolved".to_string(), json!(blocker)),
        ]
    );

    // `after` does the same for clients that cannot set headers.
    let mut stream = server
        .stream(&format!("workflow_id={wf}&after={resume_at}"), None)
        .await;
    stream.next().await;
    let (_, event) = stream.next_event().await;
    assert_eq!(event["kind"], "ticket_created");
}

#[tokio::test]
async fn plain_event_requests_still_get_json_and_bad_resume_points_are_400() {
    let server = Server::start_as("agent-a").await;
    let wf = server.workflow("Plain").await;
    server.ticket(&wf, "One", &[]).await;
    let (status, body) = server.get(&format!("/api/events?workflow_id={wf}&after=0")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["events"][1]["kind"], "ticket_created");

    let response = server
        .http
        .get(format!("{}/api/events", server.base))
        .header("Accept", "text/event-stream")
        .header("Last-Event-ID", "yesterday")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"]["code"], "validation_failed");

    let response = server
        .http
        .get(format!("{}/api/events?workflow_id=wf-nope", server.base))
        .header("Accept", "text/event-stream")
        .send()
        .await
        .expect("request");
    assert_eq!(
        response.status(),
        StatusCode::NOT_FOUND,
        "an unknown workflow is not a silent stream"
    );
}

#[tokio::test]
async fn shutdown_ends_open_event_streams() {
    let mut server = Server::start_as("agent-a").await;
    let mut stream = server.stream("", None).await;
    stream.next().await;
    server.stop.take().expect("stop").send(()).expect("server running");
    let served = tokio::time::timeout(Duration::from_secs(10), &mut server.served)
        .await
        .expect("graceful shutdown finishes with a stream open");
    served.expect("task").expect("served");
}

#[tokio::test]
async fn stats_are_computed_from_tickets_and_history() {
    let server = Server::start_as("agent-a").await;
    let wf = server.workflow("Stats").await;
    let schema = server.ticket(&wf, "Schema", &[]).await;
    let api = server.ticket(&wf, "API", &[&schema]).await;
    let ui = server.ticket(&wf, "UI", &[&api]).await;
    let _docs = server.ticket(&wf, "Docs", &[]).await;
    server
        .post_ok(&format!("/api/workflows/{wf}/claim"), json!({"ticket_id": schema}))
        .await;
    server
        .post_ok(
            &format!("/api/tickets/{schema}/resolve"),
            json!({"resolution_comment": "done"}),
        )
        .await;
    server
        .post_ok(
            &format!("/api/tickets/{api}/status"),
            json!({"new_status": "building", "comment": "go"}),
        )
        .await;

    let (status, stats) = server.get(&format!("/api/workflows/{wf}/stats")).await;
    assert_eq!(status, StatusCode::OK, "{stats}");
    assert_eq!(stats["total"], 4);
    assert_eq!(stats["open"], 3);
    assert_eq!(stats["resolved"], 1);
    assert_eq!(stats["days"], 30);
    let by_status: Vec<(String, u64)> = stats["by_status"]
        .as_array()
        .expect("by_status")
        .iter()
        .map(|c| {
            (
                c["key"].as_str().unwrap_or_default().to_string(),
                c["total"].as_u64().unwrap_or(99),
            )
        })
        .collect();
    assert_eq!(
        by_status,
        vec![
            ("backlog".into(), 2),
            ("building".into(), 1),
            ("review".into(), 0),
            ("done".into(), 1)
        ]
    );
    assert_eq!(stats["by_type"][0], json!({"key": "feature", "total": 4, "open": 3}));
    assert_eq!(stats["by_type"][1], json!({"key": "bug", "total": 0, "open": 0}));
    assert_eq!(stats["by_priority"][2], json!({"key": "medium", "total": 4, "open": 3}));
    assert_eq!(stats["blocked_now"]["count"], 1);
    assert_eq!(stats["blocked_now"]["tickets"][0]["id"], ui.as_str());
    assert_eq!(stats["ready_now"], 1, "only Docs: unblocked, unassigned, in backlog");

    let throughput = stats["throughput"].as_array().expect("throughput");
    assert_eq!(throughput.len(), 30);
    let today = &throughput[29];
    assert_eq!(today["created"], 4);
    assert_eq!(today["resolved"], 1);
    assert_eq!(stats["lead_time"]["count"], 1);
    assert!(stats["lead_time"]["median_seconds"].as_f64().expect("median") >= 0.0);
    assert_eq!(stats["cycle_time"]["count"], 1, "the claim started it");

    let flow = &stats["cumulative_flow"];
    assert_eq!(flow["statuses"], json!(["backlog", "building", "review", "done"]));
    assert_eq!(flow["days"].as_array().expect("days").len(), 30);
    assert_eq!(
        flow["days"][29]["counts"],
        json!([2, 1, 0, 1]),
        "today ends as the board is"
    );
    assert_eq!(flow["days"][0]["counts"], json!([0, 0, 0, 0]));

    let agent = stats["workload"]
        .as_array()
        .expect("workload")
        .iter()
        .find(|w| w["agent_id"] == "agent-a")
        .expect("agent-a worked")
        .clone();
    assert_eq!(agent["resolved"], 1);
    assert!(agent["actions"].as_u64().expect("actions") >= 6);

    let (status, body) = server.get(&format!("/api/workflows/{wf}/stats?days=0")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = server.get("/api/workflows/wf-nope/stats").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, body) = server.get(&format!("/api/workflows/{wf}/stats?days=7")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["throughput"].as_array().expect("days").len(), 7);
}

#[tokio::test]
async fn the_ui_is_served_at_the_root_with_a_single_page_fallback() {
    let server = Server::start_as("agent-a").await;
    let root = server
        .http
        .get(format!("{}/", server.base))
        .send()
        .await
        .expect("GET /");
    assert_eq!(root.status(), StatusCode::OK);
    assert!(root.headers()["content-type"]
        .to_str()
        .expect("type")
        .starts_with("text/html"));
    assert!(root.headers().contains_key("content-security-policy"));
    let page = root.text().await.expect("page");
    if tix_server::assets::embedded() {
        assert!(page.contains("<div id=\"root\">"), "{page}");
    } else {
        assert!(page.contains("npm ci &amp;&amp; npm run build"), "{page}");
    }

    // Client-side routes get the same page; API misses stay JSON 404s.
    let deep = server
        .http
        .get(format!("{}/w/wf-123/board?ticket=ticket-abc", server.base))
        .send()
        .await
        .expect("deep link");
    assert_eq!(deep.status(), StatusCode::OK);
    assert_eq!(deep.text().await.expect("page"), page);
    let (status, body) = server.get("/api/nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "route_not_found");
    let missing = server
        .http
        .get(format!("{}/assets/index-0000.js", server.base))
        .send()
        .await
        .expect("asset");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn hashed_assets_are_cached_for_a_year_and_revalidate_by_etag() {
    let Some(asset) = tix_server::assets::ASSETS
        .iter()
        .find(|a| a.path.starts_with("assets/"))
    else {
        eprintln!("the UI is not embedded in this build; nothing to check");
        return;
    };
    let server = Server::start_as("agent-a").await;
    let url = format!("{}/{}", server.base, asset.path);
    let response = server.http.get(&url).send().await.expect("asset");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(response.headers()["etag"], asset.etag);
    assert_eq!(response.bytes().await.expect("bytes").as_ref(), asset.bytes);
    let again = server
        .http
        .get(&url)
        .header("If-None-Match", asset.etag)
        .send()
        .await
        .expect("asset");
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let index = server
        .http
        .get(format!("{}/", server.base))
        .send()
        .await
        .expect("index");
    assert_eq!(index.headers()["cache-control"], "no-cache");
}
