//! The MCP server: Tix's tools for agents, over stdio (`tix mcp`) or
//! streamable HTTP (`/mcp` in `tix serve`), built on the official SDK
//! (`rmcp`).
//!
//! The tools are a table ([`tools::TOOLS`]) with hand-written compact
//! schemas; [`calls`] does the work; [`error`] turns every failure into a
//! tool error whose text says what to do next. The acting agent comes from
//! the session (`--agent` for stdio; the token or `X-Agent-ID` header over
//! HTTP); a call may also name it with an `agent_id` argument.

pub mod calls;
pub mod error;
pub mod tools;
mod views;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use axum::http::request::Parts;
use rmcp::handler::server::ServerHandler;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool, ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ErrorData, RoleServer};
use serde_json::{Map, Value};
use tix_app::App;
use tix_core::ticket::check_agent_id;

use self::calls::{parse, Call};
use self::error::ToolError;
use self::tools::{Access, ToolDef};
use crate::identity::{Identity, DEFAULT_AGENT};
use crate::request::{RequestKey, RequestScope};
use crate::served::ServedStore;

/// What every agent is told when it connects.
pub const INSTRUCTIONS: &str = "\
Tix tracks tickets on a Kanban board; tickets block tickets. Call get_board first: use its column ids \
as new_status. workflow_id defaults to your task's workflow, else the only one. ticket_id on \
change_ticket_status, add_ticket_comment, resolve_ticket and link_commit defaults to your current \
task's ticket. Search (search_tickets) before create_ticket. Task descriptions read \
'Phase X: Description - TICKET: ticket-xxx'. Every tool takes an optional agent_id. \
Write tools also take idempotency_key (a retry with the same key repeats the first answer and \
changes nothing) and claim_token (from claim_next_ticket: once your claim is lost, writes carrying \
it fail with lease_lost; then stop and claim again). Errors end with 'next:', what to do about them.";

/// Settings of an MCP session.
#[derive(Debug, Clone, Default)]
pub struct McpOptions {
    /// Tool groups and/or tool names, comma-separated (see [`tools::GROUPS`]); all when absent.
    pub toolset: Option<String>,
    /// The agent for calls that name none (stdio: `--agent`). Over HTTP
    /// the token or the `X-Agent-ID` header decides.
    pub agent: Option<String>,
    /// The workflow tools default to (stdio: `--workflow`).
    pub workflow: Option<String>,
    /// The phase the agent works in (stdio: `--phase`; HTTP: `/mcp?phase=N`);
    /// else the one its id names, e.g. `agent-phase3-a`.
    pub phase: Option<u32>,
}

/// What one MCP session remembers between calls.
#[derive(Debug, Default)]
pub struct Session {
    /// Agents that called `search_tickets` in this session (the Guardian's
    /// `duplicate_ticket` rule asks for a search before a create).
    searched: Mutex<HashSet<String>>,
}

impl Session {
    fn searched(&self, agent: &str) {
        self.searched
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(agent.to_string());
    }

    fn has_searched(&self, agent: &str) -> bool {
        self.searched.lock().unwrap_or_else(|e| e.into_inner()).contains(agent)
    }
}

/// The declared answer shape of a tool, if it has one.
fn offered_shape(name: &str) -> Option<Value> {
    tools::TOOLS
        .iter()
        .find(|t| t.name == name)
        .and_then(|t| t.output)
        .map(|shape| shape())
}

/// A parameter of the `/mcp` URL's query (HTTP sessions only).
fn query_parameter(parts: Option<&Parts>, name: &str) -> Option<String> {
    parts.and_then(|p| p.uri.query()).and_then(|q| {
        q.split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.to_string())
    })
}

/// The MCP handler. A clone shares its session; [`TixMcp::new_session`]
/// starts a fresh one (one per streamable HTTP session, one per stdio process).
#[derive(Clone)]
pub struct TixMcp<S> {
    store: S,
    /// The use cases, over a keyword-only search service unless
    /// [`TixMcp::with_search`] gives a started one.
    use_cases: App<S>,
    options: Arc<McpOptions>,
    tools: Arc<Vec<&'static ToolDef>>,
    session: Arc<Session>,
    /// The longest `wait_seconds` granted.
    max_wait: std::time::Duration,
}

fn tool(def: &ToolDef) -> Tool {
    let schema = match (def.schema)() {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let mut tool = Tool::new(def.name, def.description, Arc::new(schema));
    tool.title = Some(def.title.to_string());
    // Only the hints that differ from MCP's defaults, plus openWorldHint
    // (false: Tix reaches nothing beyond itself).
    let mut annotations = ToolAnnotations::new().open_world(false);
    annotations = match def.access {
        Access::Read => annotations.read_only(true),
        Access::Write { idempotent } => {
            let annotations = annotations.destructive(false);
            if idempotent {
                annotations.idempotent(true)
            } else {
                annotations
            }
        }
    };
    tool.annotations = Some(annotations);
    if let Some(Value::Object(output)) = def.output.map(|shape| shape()) {
        tool.output_schema = Some(Arc::new(output));
    }
    tool
}

impl<S: ServedStore> TixMcp<S> {
    /// Uses this search service (semantic search, duplicate detection).
    pub fn with_search(self, search: tix_search::Search<S>) -> Self {
        self.with_use_cases(App::new(search))
    }

    /// Uses these use cases (and their search service), e.g. the ones the
    /// REST handlers of the same server use.
    pub fn with_use_cases(mut self, use_cases: App<S>) -> Self {
        self.use_cases = use_cases;
        self
    }

    /// Fails when the toolset names something unknown (the message lists the choices).
    pub fn new(store: S, options: McpOptions) -> Result<Self, String> {
        let tools = tools::select(options.toolset.as_deref())?;
        Ok(TixMcp {
            use_cases: App::keyword_only(store.clone(), "no embedding model was loaded for MCP"),
            store,
            options: Arc::new(options),
            tools: Arc::new(tools),
            session: Arc::default(),
            max_wait: std::time::Duration::from_secs(tix_core::validate::MAX_WAIT_SECONDS),
        })
    }

    /// Caps `wait_seconds` (a server's `--max-wait`).
    pub fn with_max_wait(mut self, max_wait: std::time::Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// The same server for a new session: nothing remembered yet.
    pub fn new_session(&self) -> Self {
        TixMcp {
            session: Arc::default(),
            ..self.clone()
        }
    }

    /// The tools this session offers: `?toolset=` on the `/mcp` URL narrows
    /// them per connection, else the session's toolset.
    fn offered(&self, parts: Option<&Parts>) -> Result<Vec<&'static ToolDef>, String> {
        let query_toolset =
            query_parameter(parts, "toolset").map(|value| value.replace("%2C", ",").replace("%2c", ","));
        match query_toolset {
            Some(toolset) => tools::select(Some(&toolset)),
            None => Ok(self.tools.to_vec()),
        }
    }

    /// The `tools/list` answer for a toolset, e.g. to measure its size.
    pub fn list(&self) -> ListToolsResult {
        ListToolsResult::with_all_items(self.tools.iter().map(|d| tool(d)).collect())
    }

    /// Who acts: with a token, its agent (an `agent_id` naming someone
    /// else is refused unless the token is an admin's); else `agent_id`,
    /// the `X-Agent-ID` header, the session's agent, or `human`.
    fn agent(&self, parts: Option<&Parts>, explicit: Option<String>) -> Result<String, ToolError> {
        let explicit = explicit.map(|a| check_agent_id("agent_id", &a)).transpose()?;
        // Over HTTP, `auth::authenticate` left the identity in the request.
        let identity = parts
            .and_then(|p| p.extensions.get::<Identity>())
            .cloned()
            .unwrap_or(Identity::Trusted(None));
        let named = identity.act_as(explicit).map_err(|mismatch| {
            ToolError::new(
                "agent_mismatch",
                mismatch.message(),
                "Drop agent_id (the token decides who you are), or use that agent's own token.",
            )
        })?;
        Ok(match identity {
            Identity::Token { agent, .. } => named.unwrap_or(agent),
            Identity::Trusted(header) => named
                .or(header)
                .or_else(|| self.options.agent.clone())
                .unwrap_or_else(|| DEFAULT_AGENT.to_string()),
        })
    }

    /// Runs one tool call; failures are tool errors, never protocol errors.
    pub async fn call(&self, parts: Option<&Parts>, name: &str, mut args: Map<String, Value>) -> CallToolResult {
        let explicit = match args.remove("agent_id") {
            None | Some(Value::Null) => None,
            Some(Value::String(agent)) => Some(agent),
            Some(other) => Some(other.to_string()),
        };
        let claim_token = args.remove("claim_token");
        let idempotency_key = args.remove("idempotency_key");
        let result = async {
            let offered = self
                .offered(parts)
                .map_err(|e| ToolError::new("unknown_toolset", e, "Fix the toolset parameter of the /mcp URL."))?;
            let Some(def) = offered.iter().find(|t| t.name == name) else {
                let names: Vec<&str> = offered.iter().map(|t| t.name).collect();
                return Err(ToolError::new(
                    "unknown_tool",
                    format!("this Tix session has no tool '{name}'"),
                    format!("Call one of: {}.", names.join(", ")),
                ));
            };
            let agent = self.agent(parts, explicit)?;
            tracing::debug!(tool = name, %agent, "MCP tool call");
            let scope = call_scope(def, &agent, &args, claim_token, idempotency_key)?;
            if let Some(key) = &scope.key {
                if let Some(answer) = self.store.recorded_answer(&key.agent, &key.key).await? {
                    return replayed(&answer, key);
                }
            }
            let phase = query_parameter(parts, "phase")
                .and_then(|p| p.trim().parse().ok())
                .or(self.options.phase)
                .or_else(|| tix_app::phase_named_by(&agent));
            let call = Call {
                store: &self.store,
                use_cases: &self.use_cases,
                agent,
                default_workflow: self.options.workflow.as_deref(),
                phase,
                session: &self.session,
                scope: scope.clone(),
                max_wait: self.max_wait,
            };
            let schema = (def.schema)();
            macro_rules! dispatch {
                ($($tool:literal => $method:ident),* $(,)?) => {
                    match def.name {
                        $($tool => call.$method(parse($tool, args, &schema)?).await,)*
                        other => Err(ToolError::new("unknown_tool", format!("no tool '{other}'"), "Call tools/list.")),
                    }
                };
            }
            let answer = dispatch!(
                "get_board" => get_board,
                "get_ticket" => get_ticket,
                "get_tickets" => get_tickets,
                "search_tickets" => search_tickets,
                "create_ticket" => create_ticket,
                "change_ticket_status" => change_ticket_status,
                "add_ticket_comment" => add_ticket_comment,
                "resolve_ticket" => resolve_ticket,
                "get_ready_tickets" => get_ready_tickets,
                "claim_next_ticket" => claim_next_ticket,
                "create_task" => create_task,
                "update_task" => update_task,
                "get_tasks" => get_tasks,
                "link_commit" => link_commit,
                "create_workflow" => create_workflow,
                "heartbeat" => heartbeat,
                "finish_run" => finish_run,
            );
            match (answer, &scope.key) {
                // A concurrent call with the same key answered first.
                (Err(error), Some(key)) if error.code == crate::error::IDEMPOTENCY_CONFLICT => {
                    match self.store.recorded_answer(&key.agent, &key.key).await? {
                        Some(answer) => replayed(&answer, key),
                        None => Err(error),
                    }
                }
                (answer, _) => answer,
            }
        }
        .await;
        let shaped = offered_shape(name).is_some();
        match result {
            Ok(value) if shaped => CallToolResult::structured(value),
            Ok(value) => CallToolResult::success(vec![ContentBlock::text(value.to_string())]),
            Err(error) => error.into_result(),
        }
    }
}

impl<S: ServedStore> ServerHandler for TixMcp<S> {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("tix", env!("CARGO_PKG_VERSION")).with_title("Tix"))
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let parts = context.extensions.get::<Parts>();
        let offered = self.offered(parts).map_err(|e| ErrorData::invalid_params(e, None))?;
        Ok(ListToolsResult::with_all_items(
            offered.iter().map(|d| tool(d)).collect(),
        ))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let parts = context.extensions.get::<Parts>();
        let args = request.arguments.unwrap_or_default();
        Ok(self.call(parts, &request.name, args).await.into())
    }
}

/// A tool call's claim token and idempotency key, checked; the key only
/// for write tools, fingerprinted with the tool and its arguments.
fn call_scope(
    def: &ToolDef,
    agent: &str,
    args: &Map<String, Value>,
    claim_token: Option<Value>,
    idempotency_key: Option<Value>,
) -> Result<RequestScope, ToolError> {
    let text = |field: &str, value: Option<Value>| -> Result<Option<String>, ToolError> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(other) => {
                let mut error = ToolError::new(
                    "invalid_arguments",
                    format!("`{field}` must be a string (got {other})"),
                    format!("Send {field} as a string."),
                );
                error.details = serde_json::json!({ "field": field });
                Err(error)
            }
        }
    };
    let claim_token = text("claim_token", claim_token)?
        .map(|t| tix_core::run::check_claim_token(&t))
        .transpose()?;
    let key = match text("idempotency_key", idempotency_key)? {
        Some(key) if matches!(def.access, Access::Write { .. }) => {
            let key = tix_store::scope::check_idempotency_key(&key).map_err(|e| {
                let mut error = ToolError::from(e);
                error.details = serde_json::json!({ "field": "idempotency_key" });
                error
            })?;
            let arguments = Value::Object(args.clone()).to_string();
            Some(RequestKey {
                agent: agent.to_string(),
                fingerprint: tix_store::scope::fingerprint(&[b"mcp", def.name.as_bytes(), arguments.as_bytes()]),
                key,
            })
        }
        _ => None,
    };
    Ok(RequestScope { claim_token, key })
}

/// The answer kept under the call's key, or `idempotency_key_reused`.
fn replayed(answer: &tix_store::RecordedAnswer, key: &RequestKey) -> Result<Value, ToolError> {
    if answer.fingerprint == key.fingerprint {
        Ok(answer.body.clone())
    } else {
        Err(tix_core::DomainError::IdempotencyKeyReused { key: key.key.clone() }.into())
    }
}

/// The streamable HTTP service mounted at `/mcp` (one handler, with its
/// own [`Session`], per MCP session).
pub fn http_service<S: ServedStore>(
    mcp: TixMcp<S>,
    config: StreamableHttpServerConfig,
) -> StreamableHttpService<TixMcp<S>, LocalSessionManager> {
    StreamableHttpService::new(move || Ok(mcp.new_session()), Default::default(), config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_matches_its_argument_struct() {
        // Each schema property must be accepted by the struct that parses
        // the arguments (they deny unknown fields), and the required ones
        // must be enough.
        fn sample(name: &str, schema: &Value) -> Value {
            // Structured arguments get a real value of their kind.
            match name {
                "board_config" => {
                    return serde_json::json!({"columns": [{"id": "todo", "name": "To do"}], "ticket_types": ["task"], "initial_status": "todo"})
                }
                "phases" => return serde_json::json!([{"id": 1, "name": "Build", "columns": ["todo"]}]),
                _ => {}
            }
            match schema.get("type").and_then(Value::as_str) {
                Some("integer") => Value::from(2),
                Some("number") => Value::from(0.5),
                Some("boolean") => Value::from(true),
                Some("array") => serde_json::json!(["ticket-a"]),
                Some("object") => serde_json::json!({}),
                _ => match schema.get("enum").and_then(|e| e.get(0)) {
                    Some(first) => first.clone(),
                    None => Value::from("abcdef1"),
                },
            }
        }
        macro_rules! check {
            ($($tool:literal => $args:ty),* $(,)?) => {
                let mut checked = Vec::new();
                $(
                    let def = tools::TOOLS.iter().find(|t| t.name == $tool).expect($tool);
                    let schema = (def.schema)();
                    let props = schema["properties"].as_object().expect("properties");
                    let all: Map<String, Value> = props.iter().map(|(k, v)| (k.clone(), sample(k, v))).collect();
                    parse::<$args>($tool, all, &schema).map_err(|e| e.text()).expect("every property parses");
                    let required: Map<String, Value> = schema["required"]
                        .as_array()
                        .map(|r| r.iter().filter_map(Value::as_str).map(|k| (k.to_string(), sample(k, &props[k]))).collect())
                        .unwrap_or_default();
                    parse::<$args>($tool, required, &schema).map_err(|e| e.text()).expect("the required properties suffice");
                    checked.push($tool);
                )*
                assert_eq!(checked.len(), tools::TOOLS.len(), "every tool is checked");
            };
        }
        use calls::*;
        check!(
            "get_board" => GetBoard,
            "get_ticket" => GetTicket,
            "get_tickets" => GetTickets,
            "search_tickets" => SearchTickets,
            "create_ticket" => CreateTicket,
            "change_ticket_status" => ChangeStatus,
            "add_ticket_comment" => AddComment,
            "resolve_ticket" => Resolve,
            "get_ready_tickets" => GetReady,
            "claim_next_ticket" => Claim,
            "create_task" => CreateTask,
            "update_task" => UpdateTask,
            "get_tasks" => GetTasks,
            "link_commit" => LinkCommit,
            "create_workflow" => CreateWorkflow,
            "heartbeat" => HeartbeatArgs,
            "finish_run" => FinishRunArgs,
        );
    }

    #[test]
    fn toolsets_select_groups_and_names() {
        let names = |spec: &str| -> Vec<&str> {
            tools::select(Some(spec))
                .expect("valid toolset")
                .iter()
                .map(|t| t.name)
                .collect()
        };
        assert_eq!(
            names("queue"),
            vec!["get_ready_tickets", "claim_next_ticket", "heartbeat", "finish_run"]
        );
        assert_eq!(names("runs"), vec!["heartbeat", "finish_run"]);
        assert_eq!(names("link_commit, get_ticket"), vec!["get_ticket", "link_commit"]);
        assert_eq!(names("all").len(), tools::TOOLS.len());
        let err = tools::select(Some("tickets,bogus")).err().expect("unknown name");
        assert!(
            err.contains("unknown toolset 'bogus'") && err.contains("queue"),
            "{err}"
        );
    }
}
