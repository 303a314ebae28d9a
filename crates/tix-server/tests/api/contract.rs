//! The HTTP contract at its edges: the Host/Origin policy, who a body may
//! name, bodies and URIs over the limits, answers the framework makes, and
//! the OpenAPI document's shape. Every refusal must also change nothing.

use std::collections::HashSet;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tix_core::ticket::TicketFilter;
use tix_server::auth::AuthMode;
use tix_server::host::HostPolicy;
use tix_server::ServerOptions;
use tix_store::conformance::seed_workflow;
use tix_store::{AgentStore, Store};

use crate::harness::Server;

/// A raw request with extra headers; answers status, headers and JSON (or text).
async fn raw(
    server: &Server,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> (StatusCode, HeaderMap, Value) {
    let mut request = server.http.request(method, format!("{}{path}", server.base));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.header("Content-Type", "application/json").body(body);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body");
    (
        status,
        headers,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

async fn workflow(server: &Server) -> String {
    server
        .store
        .create_workflow("human", seed_workflow(None, "Web app"))
        .await
        .expect("workflow")
        .id
}

async fn ticket_count(server: &Server, workflow: &str) -> usize {
    let filter = TicketFilter {
        workflow_id: Some(workflow.to_string()),
        ..TicketFilter::default()
    };
    server
        .store
        .list_tickets(filter, Some(500), None)
        .await
        .expect("list")
        .tickets
        .len()
}

fn new_ticket(workflow: &str, title: &str) -> Value {
    json!({"workflow_id": workflow, "title": title, "description": "work", "ticket_type": "component"})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_or_ready_naming_another_agent_obeys_the_token_rule() {
    let server = Server::start_with(ServerOptions {
        auth: AuthMode::Required,
        ..ServerOptions::default()
    })
    .await;
    let wf = workflow(&server).await;
    let alice = server.store.create_agent_token("alice", false).await.expect("token");
    let admin = server.store.create_agent_token("boss", true).await.expect("token");
    let (status, created) = server
        .rest(
            Method::POST,
            "/api/tickets",
            None,
            Some(&alice),
            Some(new_ticket(&wf, "Schema")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["ticket_id"].as_str().expect("id").to_string();

    let claim = format!("/api/workflows/{wf}/claim");
    let (status, body) = server
        .rest(
            Method::POST,
            &claim,
            None,
            Some(&alice),
            Some(json!({"agent_id": "bob"})),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "agent_mismatch"),
        "{body}"
    );
    assert!(
        body["error"]["message"].as_str().unwrap_or_default().contains("alice"),
        "{body}"
    );
    let ticket = server.store.get_ticket(&id).await.expect("ticket").ticket;
    assert_eq!(ticket.assigned_agent_id, None, "the refused claim changed nothing");
    assert_eq!(ticket.version, 1);

    let (status, body) = server
        .rest(
            Method::GET,
            &format!("/api/workflows/{wf}/ready?agent_id=bob"),
            None,
            Some(&alice),
            None,
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "agent_mismatch"),
        "{body}"
    );

    // Naming oneself is fine; an admin may name anyone.
    let (status, _) = server
        .rest(
            Method::GET,
            &format!("/api/workflows/{wf}/ready?agent_id=alice"),
            None,
            Some(&alice),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, claimed) = server
        .rest(
            Method::POST,
            &claim,
            None,
            Some(&admin),
            Some(json!({"agent_id": "bob"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{claimed}");
    assert_eq!(claimed["assigned_agent_id"], "bob");
}

#[tokio::test]
async fn every_route_answers_only_allowed_host_names() {
    let server = Server::start().await;
    let wf = workflow(&server).await;
    let evil = [("Host", "rebind.evil.example")];
    for (method, path) in [
        (Method::GET, "/api/workflows"),
        (Method::GET, "/"),
        (Method::GET, "/assets/index.js"),
        (Method::POST, "/mcp"),
    ] {
        let (status, _, body) = raw(&server, method.clone(), path, &evil, None).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::FORBIDDEN, "host_not_allowed"),
            "{method} {path}: {body}"
        );
        assert!(
            body["error"]["hint"]
                .as_str()
                .unwrap_or_default()
                .contains("--allowed-host"),
            "{body}"
        );
    }
    let before = server.store.list_workflows().await.expect("list").len();
    let (status, _, _) = raw(
        &server,
        Method::POST,
        "/api/workflows",
        &evil,
        Some(json!({"name": "Rebound", "board_config": tix_store::conformance::seed_board()}).to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        server.store.list_workflows().await.expect("list").len(),
        before,
        "nothing was created"
    );

    for host in ["localhost", "127.0.0.1:9", "[::1]:7420"] {
        let (status, _, _) = raw(&server, Method::GET, "/api/workflows", &[("Host", host)], None).await;
        assert_eq!(status, StatusCode::OK, "{host}");
    }

    // A cross-site browser write is refused; the UI's own origin is not.
    let origin = server.base.clone();
    let body = new_ticket(&wf, "Cross site").to_string();
    let (status, _, refused) = raw(
        &server,
        Method::POST,
        "/api/tickets",
        &[("Origin", "http://evil.example")],
        Some(body.clone()),
    )
    .await;
    assert_eq!(
        (status, code(&refused)),
        (StatusCode::FORBIDDEN, "cross_origin_refused"),
        "{refused}"
    );
    assert_eq!(ticket_count(&server, &wf).await, 0);
    let (status, _, _) = raw(
        &server,
        Method::GET,
        "/api/workflows",
        &[("Origin", "http://evil.example")],
        None,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "reads carry no CORS headers, so they stay unreadable cross-site"
    );
    let (status, _, made) = raw(
        &server,
        Method::POST,
        "/api/tickets",
        &[("Origin", &origin)],
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");

    // A deployment behind a proxy names its host.
    let proxied = Server::start_with(ServerOptions {
        hosts: HostPolicy::with_names(["tix.example.com"]),
        ..ServerOptions::default()
    })
    .await;
    let (status, _, _) = raw(
        &proxied,
        Method::GET,
        "/api/workflows",
        &[("Host", "tix.example.com")],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = raw(&proxied, Method::GET, "/api/workflows", &evil, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn unauthorized_answers_name_the_bearer_scheme() {
    let server = Server::start_with(ServerOptions {
        auth: AuthMode::Required,
        ..ServerOptions::default()
    })
    .await;
    for (path, token) in [
        ("/api/workflows", None),
        ("/api/workflows", Some("tix_wrong")),
        ("/mcp", None),
    ] {
        let mut headers = vec![("Accept", "application/json, text/event-stream")];
        let bearer = token.map(|t| format!("Bearer {t}"));
        if let Some(bearer) = &bearer {
            headers.push(("Authorization", bearer));
        }
        let method = if path == "/mcp" { Method::POST } else { Method::GET };
        let (status, answer, body) = raw(&server, method, path, &headers, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}: {body}");
        let challenge = answer
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(challenge.starts_with("Bearer"), "{path}: {challenge:?}");
        assert_eq!(token.is_some(), challenge.contains("invalid_token"), "{challenge}");
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_answered_413_and_changes_nothing() {
    let server = Server::start_as("tester").await;
    let wf = workflow(&server).await;
    let (_, made) = server.post("/api/tickets", new_ticket(&wf, "Schema")).await;
    let id = made["ticket_id"].as_str().expect("id").to_string();
    let huge = "x".repeat(10 * 1024 * 1024);
    for (method, path, body) in [
        (
            Method::POST,
            "/api/tickets".to_string(),
            json!({"workflow_id": wf, "title": "Big", "description": huge, "ticket_type": "component"}),
        ),
        (
            Method::POST,
            format!("/api/tickets/{id}/comments"),
            json!({"comment_text": huge}),
        ),
        (
            Method::PATCH,
            format!("/api/tickets/{id}"),
            json!({"description": huge}),
        ),
    ] {
        let (status, _, answer) = raw(&server, method.clone(), &path, &[], Some(body.to_string())).await;
        assert_eq!(
            (status, code(&answer)),
            (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"),
            "{method} {path}"
        );
        assert_eq!(answer["error"]["limit_bytes"], 2 * 1024 * 1024);
    }
    assert_eq!(ticket_count(&server, &wf).await, 1);
    let detail = server.store.get_ticket(&id).await.expect("detail");
    assert!(detail.comments.is_empty());
    assert_eq!(detail.ticket.version, 1, "the ticket is untouched");
}

#[tokio::test]
async fn answers_the_framework_makes_carry_the_error_envelope() {
    let server = Server::start_as("tester").await;
    let long = format!("/api/tickets?tag={}", "a".repeat(9000));
    let cases = [
        (
            Method::PUT,
            "/api/workflows",
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            Method::DELETE,
            "/api/tickets",
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            Method::GET,
            "/api/no-such-route",
            StatusCode::NOT_FOUND,
            "route_not_found",
        ),
        (
            Method::GET,
            "/assets/no-such-file.js",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            Method::GET,
            "/api/tickets/%FF",
            StatusCode::BAD_REQUEST,
            "validation_failed",
        ),
        (Method::GET, long.as_str(), StatusCode::URI_TOO_LONG, "uri_too_long"),
    ];
    for (method, path, status, expected) in cases {
        let (got, headers, body) = raw(&server, method.clone(), path, &[], None).await;
        let shown = &path[..path.len().min(60)];
        assert_eq!((got, code(&body)), (status, expected), "{method} {shown}: {body}");
        assert!(
            body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{body}"
        );
        assert!(body["error"]["hint"].as_str().is_some_and(|h| !h.is_empty()), "{body}");
        if status == StatusCode::METHOD_NOT_ALLOWED {
            assert!(headers.contains_key("allow"), "405 keeps its Allow header");
        }
    }
    let (status, _, body) = raw(
        &server,
        Method::POST,
        "/api/workflows",
        &[("Content-Type", "text/plain")],
        None,
    )
    .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    );
}

#[tokio::test]
async fn duplicate_keys_and_absurd_weights_are_refused() {
    let server = Server::start_as("tester").await;
    let wf = workflow(&server).await;
    let twice = format!(
        r#"{{"workflow_id":"{wf}","title":"First","title":"Second","description":"d","ticket_type":"component"}}"#
    );
    let (status, _, body) = raw(&server, Method::POST, "/api/tickets", &[], Some(twice)).await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "validation_failed"));
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("`title` appears twice"),
        "{body}"
    );
    assert_eq!(ticket_count(&server, &wf).await, 0);

    for weight in ["inf", "1e300", "NaN", "-0.5", "2"] {
        let (status, body) = server
            .get(&format!(
                "/api/search?workflow_id={wf}&query=database&semantic_weight={weight}"
            ))
            .await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "validation_failed"),
            "{weight}: {body}"
        );
        assert_eq!(body["error"]["field"], "semantic_weight", "{body}");
    }
    let (status, body) = server
        .post(
            "/api/tickets/search",
            json!({"workflow_id": wf, "query": "db", "keyword_weight": 1e300}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("keyword_weight"))
    );
    let (status, _) = server
        .get(&format!(
            "/api/search?workflow_id={wf}&query=database&semantic_weight=0.5"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_openapi_document_declares_what_every_operation_shares() {
    let document = tix_server::openapi::document();
    assert_eq!(document["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    let mut ids = HashSet::new();
    let mut operations = 0;
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("item") {
            operations += 1;
            let id = operation["operationId"].as_str().expect("operationId");
            assert!(ids.insert(id.to_string()), "operationId {id} is used twice");
            let parameters = operation["parameters"].as_array().expect("parameters");
            for parameter in parameters {
                let name = parameter["name"].as_str().expect("name");
                if parameter["in"] == "path" {
                    assert!(
                        path.contains(&format!("{{{name}}}")),
                        "{method} {path}: path parameter {name} is not in the path"
                    );
                }
            }
            assert!(
                parameters
                    .iter()
                    .any(|p| p["name"] == "X-Agent-ID" && p["in"] == "header"),
                "{method} {path}"
            );
            let responses = operation["responses"].as_object().expect("responses");
            for status in ["400", "401", "403", "500"] {
                assert!(
                    responses.contains_key(status),
                    "{method} {path} does not document {status}"
                );
            }
            if path.contains('{') {
                assert!(responses.contains_key("404"), "{method} {path} does not document 404");
            }
            if operation.get("requestBody").is_some() {
                assert!(responses.contains_key("413"), "{method} {path} does not document 413");
            }
            if matches!(method.as_str(), "post" | "patch" | "delete") {
                for header in ["Idempotency-Key", "X-Tix-Claim"] {
                    assert!(
                        parameters.iter().any(|p| p["name"] == header && p["in"] == "header"),
                        "{method} {path} does not declare {header}"
                    );
                }
                assert!(responses.contains_key("422"), "{method} {path} does not document 422");
            }
        }
    }
    assert_eq!(operations, 41);
    let search = &document["paths"]["/api/search"]["get"]["parameters"];
    let weight = search
        .as_array()
        .and_then(|p| p.iter().find(|p| p["name"] == "semantic_weight"))
        .expect("semantic_weight");
    assert_eq!(
        (weight["in"].as_str(), weight["schema"]["maximum"].as_f64()),
        (Some("query"), Some(1.0))
    );
}
