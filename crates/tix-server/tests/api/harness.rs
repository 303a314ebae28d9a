//! The one test server: the real router on port 0 over a temporary SQLite
//! file (or, with `TIX_TEST_POSTGRES_URL`, a PostgreSQL schema of its own),
//! a reqwest client for REST calls and MCP clients over streamable HTTP.
//! Every module of this binary starts its servers here.

use std::collections::HashMap;
use std::path::PathBuf;

use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Client, Method, StatusCode};
use rmcp::model::ClientConfig;
use rmcp::service::RunningService;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::{RoleClient, ServiceExt};
use serde_json::Value;
use tix_search::embed::{self, EmbedderConfig, MiniLm};
use tix_search::{Search, SearchConfig};
use tix_server::ServerOptions;
use tix_store::{AnyStore, SqliteStore};

/// An MCP client session.
pub type McpClient = RunningService<RoleClient, ClientConfig>;

/// A server running in this test's runtime; it shuts down gracefully when
/// `stop` is sent or dropped.
pub struct Server {
    pub base: String,
    pub http: Client,
    /// The server's store, for setting up what a test needs directly.
    pub store: AnyStore,
    /// Sends `X-Agent-ID` with [`Server::get`], [`Server::post`] and
    /// [`Server::send`] when set.
    agent: Option<String>,
    pub stop: Option<tokio::sync::oneshot::Sender<()>>,
    pub served: tokio::task::JoinHandle<std::io::Result<()>>,
    _dir: Option<tempfile::TempDir>,
}

impl Server {
    /// Default options, requests without `X-Agent-ID` unless they name one.
    pub async fn start() -> Server {
        Self::launch(None, ServerOptions::default(), None).await
    }

    /// Default options; `get`, `post` and `send` act as `agent`.
    pub async fn start_as(agent: &str) -> Server {
        Self::launch(Some(agent), ServerOptions::default(), None).await
    }

    pub async fn start_with(options: ServerOptions) -> Server {
        Self::launch(None, options, None).await
    }

    /// With `model`, the server runs semantic search; without, keyword only.
    pub async fn start_with_model(model: Option<PathBuf>) -> Server {
        Self::launch(None, ServerOptions::default(), model).await
    }

    /// Default options, on a PostgreSQL schema of its own when
    /// `TIX_TEST_POSTGRES_URL` names a server (None, after a message, otherwise).
    pub async fn start_on_postgres() -> Option<Server> {
        let Some(url) = std::env::var("TIX_TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty()) else {
            eprintln!("TIX_TEST_POSTGRES_URL is not set; skipping the PostgreSQL side of this test");
            return None;
        };
        let store = tix_store::PgStore::connect_test_schema(&url)
            .await
            .expect("connect to TIX_TEST_POSTGRES_URL");
        Some(Self::launch_on(AnyStore::Postgres(store), None, ServerOptions::default(), None).await)
    }

    async fn launch(agent: Option<&str>, options: ServerOptions, model: Option<PathBuf>) -> Server {
        Self::launch_on_sqlite(agent, options, model).await
    }

    async fn launch_on_sqlite(agent: Option<&str>, options: ServerOptions, model: Option<PathBuf>) -> Server {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SqliteStore::open(&dir.path().join("tix.db")).expect("store");
        let mut server = Self::launch_on(AnyStore::Sqlite(store), agent, options, model).await;
        server._dir = Some(dir);
        server
    }

    async fn launch_on(store: AnyStore, agent: Option<&str>, options: ServerOptions, model: Option<PathBuf>) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let shutdown = async {
            let _ = stopped.await;
        };
        let served = match model {
            Some(model_dir) => {
                let search = Search::start(store.clone(), SearchConfig::new(EmbedderConfig::Local { model_dir }))
                    .await
                    .expect("search");
                assert!(search.semantic_available());
                tokio::spawn(tix_server::launch_with_search(search, listener, shutdown, options))
            }
            None => tokio::spawn(tix_server::launch_with(store.clone(), listener, shutdown, options)),
        };
        Server {
            base,
            http: Client::new(),
            store,
            agent: agent.map(str::to_string),
            stop: Some(stop),
            served,
            _dir: None,
        }
    }

    /// A REST call with optional `X-Agent-ID` and bearer token; the body is
    /// the response's JSON, or its text when it is not JSON.
    pub async fn rest(
        &self,
        method: Method,
        path: &str,
        agent: Option<&str>,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(agent) = agent {
            request = request.header("X-Agent-ID", agent);
        }
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let text = response.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// A REST call with extra headers; answers the status, the headers and
    /// the JSON body (or its text).
    pub async fn rest_with(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.json(&body);
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

    /// A REST call as `agent`.
    pub async fn call(&self, method: Method, path: &str, agent: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.rest(method, path, Some(agent), None, body).await
    }

    /// A REST call as the server's default agent (see [`Server::start_as`]).
    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.rest(method, path, self.agent.as_deref(), None, body).await
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(Method::POST, path, Some(body)).await
    }

    /// POSTs and asserts a 2xx answer; returns its body.
    pub async fn post_ok(&self, path: &str, body: Value) -> Value {
        let (status, value) = self.post(path, body).await;
        assert!(status.is_success(), "POST {path}: {status} {value}");
        value
    }

    /// Creates a workflow with the seed's board and phases; answers its id.
    pub async fn seed_workflow(&self, name: &str) -> String {
        let new = tix_store::conformance::seed_workflow(None, name);
        let body = self
            .post_ok("/api/workflows", serde_json::to_value(new).expect("json"))
            .await;
        body["id"].as_str().expect("id").to_string()
    }

    /// Creates a `component` ticket blocked by `blocked_by`; answers its id.
    pub async fn component(&self, workflow: &str, title: &str, blocked_by: &[&str]) -> String {
        let body = self
            .post_ok(
                "/api/tickets",
                serde_json::json!({"workflow_id": workflow, "title": title, "ticket_type": "component",
                       "blocked_by_ticket_ids": blocked_by}),
            )
            .await;
        body["ticket_id"].as_str().expect("ticket id").to_string()
    }

    /// The MCP transport config for `path` with optional `X-Agent-ID` and token.
    pub fn mcp_config(
        &self,
        agent: Option<&str>,
        token: Option<&str>,
        path: &str,
    ) -> StreamableHttpClientTransportConfig {
        let headers = agent
            .map(|agent| {
                HashMap::from([(
                    HeaderName::from_static("x-agent-id"),
                    HeaderValue::from_str(agent).expect("header"),
                )])
            })
            .unwrap_or_default();
        let mut config =
            StreamableHttpClientTransportConfig::with_uri(format!("{}{path}", self.base)).custom_headers(headers);
        if let Some(token) = token {
            config = config.auth_header(token);
        }
        config
    }

    /// An MCP session at `path` identified as `agent`.
    pub async fn connect(&self, agent: &str, path: &str) -> McpClient {
        ClientConfig::default()
            .serve(StreamableHttpClientTransport::from_config(self.mcp_config(
                Some(agent),
                None,
                path,
            )))
            .await
            .expect("MCP client connects")
    }
}

/// The embedding model's directory, or None (after a message) when its
/// files are absent and `TIX_REQUIRE_MODEL` is unset; with it set, their
/// absence fails the test.
pub fn model_dir() -> Option<PathBuf> {
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
