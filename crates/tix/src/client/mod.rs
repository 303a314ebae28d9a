//! One method per operation, answered either by a Tix server over HTTP or
//! by the store opened in-process. Both return the tix-core domain types,
//! so every command prints the same thing in both modes.

use std::time::Duration;

use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tix_app::{App, CreateOptions, NewClaim, WorkflowChoice};
use tix_core::claim::Claimed;
use tix_core::commit::{CommitLinked, NewCommitLink};
use tix_core::error::TicketRef;
use tix_core::guardian::{Mode, Rule, Violation, ViolationFilter};
use tix_core::task::{NewTask, Task, TaskCreated, TaskFilter, TaskPage, TaskStatus};
use tix_core::ticket::{
    Comment, NewTicket, ReadyTicket, SimilarTicket, StatusChange, Ticket, TicketDetail, TicketFilter, TicketGraph,
    TicketPage, TicketPatch,
};
use tix_core::workflow::{named_workflow, only_workflow, NewWorkflow, Workflow};
use tix_search::embed::{self, EmbedderConfig};
use tix_search::{Search, SearchConfig};
use tix_store::{
    AnyStore, CommitStore, DatabaseUrl, GuardianStore, OpenOptions, Scope, Scoped, SearchStore, Store, TaskStore,
};

use crate::cli::{EmbedArgs, EmbedderArg};
use crate::error::Failure;

mod fleet;
mod interop;

pub type Result<T> = std::result::Result<T, Failure>;

#[derive(Clone)]
pub enum Client {
    Remote(HttpClient),
    Local(LocalStore),
}

/// The store opened in-process, with the agent that acts.
#[derive(Clone)]
pub struct LocalStore {
    pub store: AnyStore,
    pub agent: String,
}

/// A local search service's queue longer than this is announced before it
/// is embedded (a running `tix serve` would have done it in the background).
const ANNOUNCED_BACKLOG: u64 = 200;

impl LocalStore {
    /// The use cases over this database, for those that need no model
    /// (claims, choosing the workflow).
    fn use_cases(&self) -> App<AnyStore> {
        App::keyword_only(self.store.clone(), "this command loads no embedding model")
    }

    /// The search service over this database, with no background worker:
    /// a one-shot command embeds what it needs itself. Without a model it
    /// logs one warning and serves keyword search only.
    pub async fn search_service(&self, embed: &EmbedArgs) -> Result<Search<AnyStore>> {
        let config = SearchConfig {
            background_worker: false,
            ..SearchConfig::new(embedder_config(embed)?)
        };
        Ok(Search::start(self.store.clone(), config).await?)
    }

    /// [`LocalStore::search_service`], with the tickets written since the
    /// last embedding embedded first, so a search or a create's duplicate
    /// check sees them; a long queue is announced on stderr unless `quiet`.
    pub async fn fresh_search_service(&self, embed: &EmbedArgs, quiet: bool) -> Result<Search<AnyStore>> {
        let search = self.search_service(embed).await?;
        if search.semantic_available() {
            let pending = self.store.embedding_queue_len().await?;
            if pending > 0 {
                if pending >= ANNOUNCED_BACKLOG && !quiet {
                    eprintln!("embedding {pending} new or changed tickets first (a running `tix serve` does this in the background)");
                }
                search.wait_fresh().await?;
            }
        }
        Ok(search)
    }
}

/// The embedder the flags and environment ask for.
pub fn embedder_config(args: &EmbedArgs) -> Result<EmbedderConfig> {
    Ok(match args.embedder {
        EmbedderArg::None => EmbedderConfig::Disabled,
        EmbedderArg::Local => EmbedderConfig::Local {
            model_dir: embed::model_dir(args.model_dir.as_deref()),
        },
        EmbedderArg::Openai => {
            let base_url = args.embedding_url.clone().ok_or_else(|| {
                Failure::new("missing_embedding_url", "--embedder openai needs the server's URL")
                    .with_hint("Pass --embedding-url http://HOST:PORT or set TIX_EMBEDDING_URL.")
            })?;
            let model = args.embedding_model.clone().ok_or_else(|| {
                Failure::new("missing_embedding_model", "--embedder openai needs a model name")
                    .with_hint("Pass --embedding-model NAME or set TIX_EMBEDDING_MODEL.")
            })?;
            EmbedderConfig::OpenAi {
                base_url,
                model,
                api_key: args.embedding_api_key.clone().filter(|k| !k.is_empty()),
            }
        }
    })
}

/// A Tix server's REST API.
#[derive(Clone)]
pub struct HttpClient {
    base: Url,
    http: reqwest::Client,
    agent: String,
    token: Option<String>,
    /// Sent as `X-Tix-Claim` with every request.
    claim: Option<String>,
}

/// What to claim (see [`Client::claim`]).
#[derive(Debug, Clone, Default)]
pub struct ClaimOptions {
    pub ticket: Option<String>,
    pub phase: Option<u32>,
    pub lease_seconds: Option<u64>,
    pub wait: Option<Duration>,
}

/// `POST /api/tickets` answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct Created {
    pub ticket_id: String,
    pub ticket: Ticket,
    /// Unresolved look-alikes (a server with semantic search fills it).
    #[serde(default)]
    pub similar_tickets: Vec<SimilarTicket>,
}

#[derive(Deserialize)]
struct Workflows {
    workflows: Vec<Workflow>,
}

#[derive(Deserialize)]
struct ReadyList {
    tickets: Vec<ReadyTicket>,
}

#[derive(Deserialize)]
struct BlockedBy {
    blocked_by: Vec<TicketRef>,
}

#[derive(Deserialize)]
struct Imported {
    ticket_ids: Vec<String>,
}

/// `GET /api/workflows/{id}/guardian` answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct GuardianReport {
    pub workflow_id: String,
    pub rules: std::collections::BTreeMap<Rule, Mode>,
    pub violations: Vec<Violation>,
}

impl Client {
    /// A remote client when a server is named, else the database opened
    /// directly. `claim` (a claim token) goes with every write.
    pub async fn connect(
        server: Option<&str>,
        database: &str,
        agent: &str,
        token: Option<String>,
        claim: Option<String>,
    ) -> Result<Client> {
        let agent = tix_core::ticket::check_agent_id("agent", agent)?;
        let claim = claim
            .filter(|c| !c.trim().is_empty())
            .map(|c| tix_core::run::check_claim_token(&c))
            .transpose()?;
        let client = if let Some(server) = server {
            Client::Remote(HttpClient::new(server, agent, token)?)
        } else {
            Client::Local(LocalStore {
                store: open_store(
                    database,
                    &OpenOptions {
                        pool_size: 4,
                        ..Default::default()
                    },
                )
                .await?,
                agent,
            })
        };
        Ok(match claim {
            Some(claim) => client.with_claim(&claim),
            None => client,
        })
    }

    /// This client, sending `claim` (a claim token) with every write.
    pub fn with_claim(&self, claim: &str) -> Client {
        match self {
            Client::Remote(http) => Client::Remote(HttpClient {
                claim: Some(claim.to_string()),
                ..http.clone()
            }),
            Client::Local(local) => Client::Local(LocalStore {
                store: local.store.scoped(Scope {
                    claim_token: Some(claim.to_string()),
                    idempotency: None,
                }),
                agent: local.agent.clone(),
            }),
        }
    }

    /// The acting agent.
    pub fn agent(&self) -> &str {
        match self {
            Client::Remote(http) => &http.agent,
            Client::Local(local) => &local.agent,
        }
    }

    pub async fn create_workflow(&self, new: NewWorkflow) -> Result<Workflow> {
        match self {
            Client::Remote(http) => {
                http.send(Method::POST, &["api", "workflows"], &[], Some(&new), None)
                    .await
            }
            Client::Local(local) => Ok(local.store.create_workflow(&local.agent, new).await?),
        }
    }

    pub async fn list_workflows(&self) -> Result<Vec<Workflow>> {
        match self {
            Client::Remote(http) => {
                let list: Workflows = http.get(&["api", "workflows"], &[]).await?;
                Ok(list.workflows)
            }
            Client::Local(local) => Ok(local.store.list_workflows().await?),
        }
    }

    pub async fn get_workflow(&self, id: &str) -> Result<Workflow> {
        match self {
            Client::Remote(http) => http.get(&["api", "workflows", id], &[]).await,
            Client::Local(local) => Ok(local.store.get_workflow(id).await?),
        }
    }

    /// The workflow to work in: the one `named`, else the only one there
    /// is (`workflow_not_chosen` otherwise). Locally the use case decides;
    /// a server has no such route, so remotely the same two steps of
    /// `tix_core::workflow` run here over the server's list.
    pub async fn workflow_id(&self, named: Option<&str>) -> Result<String> {
        match self {
            Client::Remote(_) => match named_workflow(named) {
                Some(id) => Ok(id.to_string()),
                None => Ok(only_workflow(self.list_workflows().await?)?.id),
            },
            Client::Local(local) => {
                let choice = WorkflowChoice {
                    named,
                    ..WorkflowChoice::default()
                };
                Ok(local.use_cases().workflow_id(choice).await?)
            }
        }
    }

    /// Creates a ticket, checked for near-duplicates as a server checks it
    /// (`force` overrides a board that refuses them). Locally the search
    /// service is opened with `embed` (keyword-only, so no check, without
    /// a model) and tickets written since the last embedding are embedded
    /// first; `quiet` keeps a note about a long wait off stderr.
    pub async fn create_ticket(&self, new: NewTicket, force: bool, embed: &EmbedArgs, quiet: bool) -> Result<Created> {
        match self {
            Client::Remote(http) => {
                let mut body = serde_json::to_value(&new)
                    .map_err(|e| Failure::new("cli_error", format!("cannot encode the ticket: {e}")))?;
                if force {
                    body["force"] = json!(true);
                }
                http.send(Method::POST, &["api", "tickets"], &[], Some(&body), None)
                    .await
            }
            Client::Local(local) => {
                let use_cases = App::new(local.fresh_search_service(embed, quiet).await?);
                let options = CreateOptions {
                    force,
                    searched_first: None,
                };
                let created = use_cases.create_ticket(&local.agent, new, options).await?;
                // What the remote arm keeps of a server's answer, so both
                // modes print the same.
                Ok(Created {
                    ticket_id: created.ticket_id,
                    ticket: created.ticket,
                    similar_tickets: created.similar_tickets,
                })
            }
        }
    }

    /// `POST /api/tickets/search` on a server (local searches go through
    /// `tix_search::Search` in `commands::search`).
    pub async fn search_remote(&self, body: &Value) -> Result<Option<tix_search::SearchResponse>> {
        match self {
            Client::Remote(http) => Ok(Some(
                http.send(Method::POST, &["api", "tickets", "search"], &[], Some(body), None)
                    .await?,
            )),
            Client::Local(_) => Ok(None),
        }
    }

    pub async fn import_tickets(&self, workflow_id: &str, tickets: Vec<NewTicket>) -> Result<Vec<String>> {
        match self {
            Client::Remote(http) => {
                let body = json!({ "tickets": tickets });
                let path = ["api", "workflows", workflow_id, "tickets", "import"];
                let imported: Imported = http.send(Method::POST, &path, &[], Some(&body), None).await?;
                Ok(imported.ticket_ids)
            }
            Client::Local(local) => Ok(local.store.import_tickets(&local.agent, workflow_id, tickets).await?),
        }
    }

    pub async fn list_tickets(
        &self,
        filter: TicketFilter,
        limit: Option<u32>,
        cursor: Option<String>,
    ) -> Result<TicketPage> {
        match self {
            Client::Remote(http) => {
                let priority = filter.priority.map(|p| p.as_str().to_string());
                let query = [
                    ("workflow_id", filter.workflow_id),
                    ("status", filter.status),
                    ("ticket_type", filter.ticket_type),
                    ("priority", priority),
                    ("assigned_agent_id", filter.assigned_agent_id),
                    ("blocked", filter.blocked.map(|b| b.to_string())),
                    ("resolved", filter.resolved.map(|b| b.to_string())),
                    ("tag", filter.tag),
                    ("parent_id", filter.parent_id),
                    ("limit", limit.map(|n| n.to_string())),
                    ("cursor", cursor),
                ];
                http.get(&["api", "tickets"], &query).await
            }
            Client::Local(local) => Ok(local.store.list_tickets(filter, limit, cursor).await?),
        }
    }

    pub async fn get_ticket(&self, id: &str) -> Result<TicketDetail> {
        match self {
            Client::Remote(http) => http.get(&["api", "tickets", id], &[]).await,
            Client::Local(local) => Ok(local.store.get_ticket(id).await?),
        }
    }

    pub async fn update_ticket(&self, id: &str, patch: TicketPatch, if_version: Option<u64>) -> Result<Ticket> {
        match self {
            Client::Remote(http) => {
                http.send(Method::PATCH, &["api", "tickets", id], &[], Some(&patch), if_version)
                    .await
            }
            Client::Local(local) => Ok(local.store.update_ticket(&local.agent, id, patch, if_version).await?),
        }
    }

    pub async fn resolve(&self, id: &str, comment: Option<String>) -> Result<StatusChange> {
        match self {
            Client::Remote(http) => {
                let body = json!({ "resolution_comment": comment });
                http.send(Method::POST, &["api", "tickets", id, "resolve"], &[], Some(&body), None)
                    .await
            }
            Client::Local(local) => Ok(local.store.resolve(&local.agent, id, comment).await?),
        }
    }

    pub async fn add_comment(&self, id: &str, text: &str) -> Result<Comment> {
        match self {
            Client::Remote(http) => {
                let body = json!({ "comment_text": text });
                http.send(
                    Method::POST,
                    &["api", "tickets", id, "comments"],
                    &[],
                    Some(&body),
                    None,
                )
                .await
            }
            Client::Local(local) => Ok(local.store.add_comment(&local.agent, id, text).await?),
        }
    }

    /// Adds `blocker -> blocked`; returns the blocked ticket's blockers.
    pub async fn add_blocker(&self, blocked: &str, blocker: &str) -> Result<Vec<TicketRef>> {
        match self {
            Client::Remote(http) => {
                let body = json!({ "ticket_id": blocker });
                let path = ["api", "tickets", blocked, "blockers"];
                let answer: BlockedBy = http.send(Method::POST, &path, &[], Some(&body), None).await?;
                Ok(answer.blocked_by)
            }
            Client::Local(local) => Ok(local.store.add_blocker(&local.agent, blocked, blocker).await?),
        }
    }

    pub async fn remove_blocker(&self, blocked: &str, blocker: &str) -> Result<Vec<TicketRef>> {
        match self {
            Client::Remote(http) => {
                let path = ["api", "tickets", blocked, "blockers", blocker];
                let answer: BlockedBy = http.send::<(), _>(Method::DELETE, &path, &[], None, None).await?;
                Ok(answer.blocked_by)
            }
            Client::Local(local) => Ok(local.store.remove_blocker(&local.agent, blocked, blocker).await?),
        }
    }

    pub async fn ticket_graph(&self, id: &str, depth: Option<u32>) -> Result<TicketGraph> {
        match self {
            Client::Remote(http) => {
                http.get(
                    &["api", "tickets", id, "graph"],
                    &[("depth", depth.map(|d| d.to_string()))],
                )
                .await
            }
            Client::Local(local) => Ok(local.store.ticket_graph(id, depth).await?),
        }
    }

    /// Ready tickets for the acting agent, best first; with `wait`, an
    /// empty answer waits (at most 60 s) for one to become ready.
    pub async fn ready(&self, workflow_id: &str, limit: u32, wait: Option<Duration>) -> Result<Vec<ReadyTicket>> {
        let wait = tix_core::validate::wait(wait.map(|w| w.as_secs()))?;
        match self {
            Client::Remote(http) => {
                let query = [
                    ("agent_id", Some(http.agent.clone())),
                    ("limit", Some(limit.to_string())),
                    ("wait", wait.map(|w| w.as_secs().to_string())),
                ];
                let list: ReadyList = http.get(&["api", "workflows", workflow_id, "ready"], &query).await?;
                Ok(list.tickets)
            }
            Client::Local(local) => Ok(local
                .use_cases()
                .ready(workflow_id, Some(&local.agent), limit, wait)
                .await?),
        }
    }

    /// Claims the top ready ticket (or `ticket`, or the best queued task of
    /// `phase`) for the acting agent, with a lease of `lease_seconds`
    /// (checked by the use case locally, by the server remotely); with
    /// `wait`, waits (at most 60 s) for one when nothing is ready.
    pub async fn claim(&self, workflow_id: &str, request: ClaimOptions) -> Result<Claimed> {
        let wait = tix_core::validate::wait(request.wait.map(|w| w.as_secs()))?;
        match self {
            Client::Remote(http) => {
                let mut body = json!({ "agent_id": http.agent });
                if let Some(ticket) = &request.ticket {
                    body["ticket_id"] = json!(ticket);
                }
                if let Some(phase) = request.phase {
                    body["phase_id"] = json!(phase);
                }
                if let Some(lease_seconds) = request.lease_seconds {
                    body["lease_seconds"] = json!(lease_seconds);
                }
                let path = ["api", "workflows", workflow_id, "claim"];
                let query = [("wait", wait.map(|w| w.as_secs().to_string()))];
                http.send(Method::POST, &path, &query, Some(&body), None).await
            }
            Client::Local(local) => Ok(local
                .use_cases()
                .claim(NewClaim {
                    workflow_id: workflow_id.to_string(),
                    agent_id: local.agent.clone(),
                    ticket_id: request.ticket,
                    lease_seconds: request.lease_seconds,
                    phase_id: request.phase,
                    wait,
                })
                .await?),
        }
    }
}

impl Client {
    pub async fn link_commit(&self, ticket_id: &str, link: NewCommitLink) -> Result<CommitLinked> {
        match self {
            Client::Remote(http) => {
                http.send(
                    Method::POST,
                    &["api", "tickets", ticket_id, "commits"],
                    &[],
                    Some(&link),
                    None,
                )
                .await
            }
            Client::Local(local) => Ok(local.store.link_commit(&local.agent, ticket_id, link).await?),
        }
    }

    pub async fn create_task(&self, new: NewTask) -> Result<TaskCreated> {
        match self {
            Client::Remote(http) => http.send(Method::POST, &["api", "tasks"], &[], Some(&new), None).await,
            Client::Local(local) => Ok(local.store.create_task(&local.agent, new).await?),
        }
    }

    pub async fn list_tasks(&self, filter: TaskFilter, limit: Option<u32>, cursor: Option<String>) -> Result<TaskPage> {
        match self {
            Client::Remote(http) => {
                let query = [
                    ("workflow_id", filter.workflow_id),
                    ("ticket_id", filter.ticket_id),
                    ("status", filter.status.map(|s| s.as_str().to_string())),
                    ("phase_id", filter.phase_id.map(|p| p.to_string())),
                    ("assigned_agent_id", filter.assigned_agent_id),
                    ("limit", limit.map(|n| n.to_string())),
                    ("cursor", cursor),
                ];
                http.get(&["api", "tasks"], &query).await
            }
            Client::Local(local) => Ok(local.store.list_tasks(filter, limit, cursor).await?),
        }
    }

    pub async fn get_task(&self, id: &str) -> Result<Task> {
        match self {
            Client::Remote(http) => http.get(&["api", "tasks", id], &[]).await,
            Client::Local(local) => Ok(local.store.get_task(id).await?),
        }
    }

    pub async fn set_task_status(&self, id: &str, status: TaskStatus, comment: Option<String>) -> Result<Task> {
        match self {
            Client::Remote(http) => {
                let body = json!({ "status": status, "comment": comment });
                http.send(Method::POST, &["api", "tasks", id, "status"], &[], Some(&body), None)
                    .await
            }
            Client::Local(local) => Ok(local.store.set_task_status(&local.agent, id, status, comment).await?),
        }
    }

    pub async fn guardian(&self, workflow_id: &str, filter: ViolationFilter) -> Result<GuardianReport> {
        match self {
            Client::Remote(http) => {
                let query = [
                    ("rule", filter.rule.map(|r| r.as_str().to_string())),
                    ("agent_id", filter.agent_id),
                    ("after", Some(filter.after.to_string())),
                    ("limit", filter.limit.map(|n| n.to_string())),
                ];
                http.get(&["api", "workflows", workflow_id, "guardian"], &query).await
            }
            Client::Local(local) => {
                let workflow = local.store.get_workflow(workflow_id).await?;
                let violations = local.store.guardian_violations(workflow_id, filter).await?;
                Ok(GuardianReport {
                    workflow_id: workflow.id,
                    rules: workflow.guardian.effective(),
                    violations,
                })
            }
        }
    }
}

/// Opens (creating and migrating) the database a `--database` URL names:
/// a SQLite file, or PostgreSQL shared by several servers.
pub async fn open_store(database: &str, options: &OpenOptions) -> Result<AnyStore> {
    let url = DatabaseUrl::parse(database)?;
    Ok(AnyStore::open(&url, options).await?)
}

impl HttpClient {
    pub fn new(server: &str, agent: String, token: Option<String>) -> Result<HttpClient> {
        let base = Url::parse(server.trim())
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some())
            .ok_or_else(|| {
                Failure::new("invalid_server_url", format!("'{server}' is not a server URL"))
                    .with_hint("Pass the address `tix serve` printed, e.g. --server http://127.0.0.1:7420.")
            })?;
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(300))
            .user_agent(concat!("tix/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Failure::new("http_client", format!("cannot build the HTTP client: {e}")))?;
        let token = token.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
        Ok(HttpClient {
            base,
            http,
            agent,
            token,
            claim: None,
        })
    }

    /// The URL of `segments` below the base; each segment is escaped.
    fn url(&self, segments: &[&str], query: &[(&str, Option<String>)]) -> Result<Url> {
        let mut url = self.base.clone();
        {
            let mut path = url
                .path_segments_mut()
                .map_err(|()| Failure::new("invalid_server_url", format!("'{}' cannot be a base URL", self.base)))?;
            path.pop_if_empty().extend(segments);
        }
        let present: Vec<(&str, &String)> = query.iter().filter_map(|(k, v)| v.as_ref().map(|v| (*k, v))).collect();
        if !present.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (key, value) in present {
                pairs.append_pair(key, value);
            }
        }
        Ok(url)
    }

    async fn get<T: DeserializeOwned>(&self, segments: &[&str], query: &[(&str, Option<String>)]) -> Result<T> {
        self.send::<(), T>(Method::GET, segments, query, None, None).await
    }

    async fn send<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        segments: &[&str],
        query: &[(&str, Option<String>)],
        body: Option<&B>,
        if_match: Option<u64>,
    ) -> Result<T> {
        let url = self.url(segments, query)?;
        let mut request = self.identified(method.clone(), url.clone());
        if let Some(version) = if_match {
            request = request.header("If-Match", version.to_string());
        }
        if let Some(claim) = &self.claim {
            request = request.header("X-Tix-Claim", claim);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let text = self.text_answer(&method, &url, request).await?;
        serde_json::from_str(&text).map_err(|e| {
            Failure::new(
                "unexpected_response",
                format!("the server's answer to {method} {} did not parse: {e}", url.path()),
            )
            .with_hint("Is the server a Tix server of the same version as this tix?")
        })
    }

    /// A request to `url` that says who we are: with a token, the token (and
    /// an agent name beside it unless it is the default one, which would only
    /// clash with the token's); without, the agent header.
    fn identified(&self, method: Method, url: Url) -> reqwest::RequestBuilder {
        let request = self.http.request(method, url);
        match &self.token {
            Some(token) if self.agent != tix_server::auth::DEFAULT_AGENT => {
                request.bearer_auth(token).header("X-Agent-ID", &self.agent)
            }
            Some(token) => request.bearer_auth(token),
            None => request.header("X-Agent-ID", &self.agent),
        }
    }

    /// Sends the request: the answer's text on success, else the server's
    /// error (or one that says what went wrong on the way).
    async fn text_answer(&self, method: &Method, url: &Url, request: reqwest::RequestBuilder) -> Result<String> {
        let response = request.send().await.map_err(|e| unreachable_server(&self.base, &e))?;
        let status = response.status();
        let text = response.text().await.map_err(|e| {
            Failure::new(
                "http_error",
                format!("reading the answer to {method} {}: {e}", url.path()),
            )
        })?;
        if status.is_success() {
            return Ok(text);
        }
        let parsed: Option<Value> = serde_json::from_str(&text).ok();
        if let Some(failure) = parsed.as_ref().and_then(Failure::from_api_body) {
            return Err(failure);
        }
        Err(http_failure(status, method, url.path(), &text))
    }
}

fn unreachable_server(base: &Url, err: &reqwest::Error) -> Failure {
    let mut cause = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        cause = format!("{cause}: {inner}");
        source = inner.source();
    }
    Failure::new(
        "server_unreachable",
        format!("cannot reach the Tix server at {base}: {cause}"),
    )
    .with_hint("Start it with `tix serve`, check --server / TIX_SERVER, or drop them to open the database directly.")
}

/// A non-API error answer (no `{"error": …}` body), e.g. a missing route.
fn http_failure(status: StatusCode, method: &Method, path: &str, text: &str) -> Failure {
    let snippet: String = text.trim().chars().take(200).collect();
    let message = if snippet.is_empty() {
        format!("the server answered {status} to {method} {path}")
    } else {
        format!("the server answered {status} to {method} {path}: {snippet}")
    };
    let hint = if status == StatusCode::NOT_FOUND || status == StatusCode::METHOD_NOT_ALLOWED {
        "The server does not know this route; is it a Tix server of the same version as this tix?"
    } else {
        "Check the server's log."
    };
    Failure::new("http_error", message).with_hint(hint)
}
