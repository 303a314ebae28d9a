//! Search over HTTP: `GET /api/search`, `POST /api/tickets/search`,
//! `similar_tickets` and `possible_duplicate` on create, related tickets.
//! The model-backed tests skip (with a message) only when the model files
//! are absent and TIX_REQUIRE_MODEL is unset.

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use tix_search::embed::{self, EmbedderConfig, MiniLm};
use tix_search::{Search, SearchConfig};
use tix_store::SqliteStore;

struct Server {
    base: String,
    http: Client,
    _dir: tempfile::TempDir,
}

fn model_dir() -> Option<std::path::PathBuf> {
    let dir = embed::model_dir(None);
    if MiniLm::files_present(&dir) {
        return Some(dir);
    }
    assert!(
        std::env::var_os("TIX_REQUIRE_MODEL").is_none_or(|v| v.is_empty() || v == "0"),
        "TIX_REQUIRE_MODEL is set but there are no model files in {}; run scripts/setup-model",
        dir.display()
    );
    eprintln!("SKIPPED: model-dependent test: no model files in {}", dir.display());
    None
}

impl Server {
    /// With `model`, the server runs semantic search; without, keyword only.
    async fn start(model: Option<std::path::PathBuf>) -> Server {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SqliteStore::open(&dir.path().join("tix.db")).expect("store");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        match model {
            Some(model_dir) => {
                let search = Search::start(store, SearchConfig::new(EmbedderConfig::Local { model_dir }))
                    .await
                    .expect("search");
                assert!(search.semantic_available());
                tokio::spawn(tix_server::launch_with_search(
                    search,
                    listener,
                    std::future::pending(),
                    tix_server::ServerOptions::default(),
                ));
            }
            None => {
                tokio::spawn(tix_server::launch(store, listener, std::future::pending()));
            }
        }
        Server {
            base,
            http: Client::new(),
            _dir: dir,
        }
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let text = response.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    async fn workflow(&self, policy: &str) -> String {
        let (status, body) = self
            .post(
                "/api/workflows",
                json!({"name": "Web app", "board_config": {
                    "columns": [{"id": "backlog", "name": "Backlog"}, {"id": "doing", "name": "Doing"}, {"id": "done", "name": "Done"}],
                    "ticket_types": ["bug", "feature"], "initial_status": "backlog", "duplicate_policy": policy}}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(
            body["board_config"]["duplicate_policy"].as_str().unwrap_or("warn"),
            policy
        );
        body["id"].as_str().expect("id").to_string()
    }

    async fn create(&self, workflow: &str, title: &str, description: &str) -> Value {
        let (status, body) = self
            .post(
                "/api/tickets",
                json!({"workflow_id": workflow, "title": title, "description": description, "ticket_type": "bug", "tags": ["web"]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["ticket_id"], body["ticket"]["id"]);
        assert!(body["similar_tickets"].is_array(), "{body}");
        body
    }
}

fn ids(body: &Value) -> Vec<String> {
    body["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results in {body}"))
        .iter()
        .map(|r| r["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn keyword_only_server_searches_and_says_semantic_is_unavailable() {
    let server = Server::start(None).await;
    let wf = server.workflow("warn").await;
    let login = server
        .create(&wf, "Login page crashes on submit", "auth:jwt fails")
        .await;
    let login_id = login["ticket_id"].as_str().expect("id");
    server.create(&wf, "Dark mode", "Follow the system theme").await;
    let (status, body) = server
        .get(&format!(
            "/api/search?workflow_id={wf}&query=login%20crash&search_type=hybrid"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["semantic_available"], false);
    assert_eq!(body["search_type"], "keyword");
    assert!(body["warning"].as_str().is_some());
    assert_eq!(ids(&body), [login_id]);
    assert_eq!(body["results"][0]["matched_in"], json!(["keyword"]));
    assert!(body["results"][0]["bm25"].as_f64().is_some());
    // Punctuation is tokenised safely.
    for query in ["auth%3Ajwt", "%22login", "ticket-", "-crash", "NEAR(", "%2A"] {
        let (status, body) = server.get(&format!("/api/search?workflow_id={wf}&query={query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
    }
    // The JSON form, with filters.
    let (status, body) = server
        .post(
            "/api/tickets/search",
            json!({"workflow_id": wf, "query": "login", "search_type": "keyword", "tags": ["web"], "resolved": false, "limit": 5}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(ids(&body), [login_id]);
    // An id prefix comes first.
    let prefix = &login_id[..login_id.len() - 1];
    let (_, body) = server
        .get(&format!("/api/search?workflow_id={wf}&query={prefix}"))
        .await;
    assert_eq!(ids(&body)[0], login_id);
    assert_eq!(body["results"][0]["matched_in"][0], "id");
    // Bad requests are 400s that say what to fix.
    for path in [
        format!("/api/search?workflow_id={wf}&query=%20"),
        format!("/api/search?workflow_id={wf}&query=x&limit=0"),
        format!("/api/search?workflow_id={wf}&query=x&search_type=fuzzy"),
        format!("/api/search?workflow_id={wf}&query=x&status=nowhere"),
        format!("/api/search?workflow_id={wf}&query=x&colour=red"),
        "/api/search?query=x".to_string(),
    ] {
        let (status, body) = server.get(&path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert!(body["error"]["code"].is_string(), "{body}");
    }
    let (status, _) = server.get("/api/search?workflow_id=wf-nope&query=x").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Related degrades too; unknown create fields are still refused.
    let (status, body) = server.get(&format!("/api/tickets/{login_id}/related")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["semantic_available"], false);
    let (status, body) = server
        .post(
            "/api/tickets",
            json!({"workflow_id": wf, "title": "x", "ticket_type": "bug", "titel": "y"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = server
        .post(
            "/api/tickets",
            json!({"workflow_id": wf, "title": "x", "ticket_type": "bug", "force": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn semantic_server_finds_paraphrases_flags_duplicates_and_relates() {
    let Some(model) = model_dir() else { return };
    let server = Server::start(Some(model)).await;
    let wf = server.workflow("refuse").await;
    let login = server
        .create(
            &wf,
            "Login page crashes on submit",
            "Pressing the sign in button shows a white screen",
        )
        .await;
    let login_id = login["ticket_id"].as_str().expect("id").to_string();
    server
        .create(
            &wf,
            "Document drag and drop on the kanban board",
            "How to move cards between columns",
        )
        .await;
    let (status, body) = server
        .get(&format!(
            "/api/search?workflow_id={wf}&query=authentication%20screen%20goes%20blank"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["semantic_available"], true);
    assert_eq!(body["search_type"], "hybrid");
    assert_eq!(ids(&body)[0], login_id);
    let top = &body["results"][0];
    assert!(top["semantic_score"].as_f64().is_some() && top["keyword_score"].as_f64().is_some());
    assert!(top["matched_in"]
        .as_array()
        .expect("matched_in")
        .contains(&json!("semantic")));
    // A near-duplicate is refused, names the match, and goes through with force.
    let copy = json!({"workflow_id": wf, "title": "Login page crashes on submit",
                      "description": "Pressing the sign in button shows a white screen", "ticket_type": "bug", "tags": ["web"]});
    let (status, body) = server.post("/api/tickets", copy.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "possible_duplicate");
    assert_eq!(body["error"]["matches"][0]["id"], login_id.as_str());
    assert!(body["error"]["hint"].as_str().unwrap_or_default().contains("force"));
    let mut forced = copy;
    forced["force"] = json!(true);
    let (status, body) = server.post("/api/tickets", forced).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["similar_tickets"][0]["id"], login_id.as_str());
    let copy_id = body["ticket_id"].as_str().expect("id").to_string();
    let (status, body) = server.get(&format!("/api/tickets/{login_id}/related")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["related"][0]["id"], copy_id.as_str());
    assert_eq!(body["related"][0]["relation"], "duplicate");
    // An edit is visible to the next search.
    let (status, _) = server
        .send(
            reqwest::Method::PATCH,
            &format!("/api/tickets/{copy_id}"),
            Some(json!({"title": "Rotate the TLS certificates of the load balancer", "description": ""})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, body) = server
        .get(&format!(
            "/api/search?workflow_id={wf}&query=renew%20https%20certs&search_type=semantic&limit=1"
        ))
        .await;
    assert_eq!(ids(&body), [copy_id]);
}
