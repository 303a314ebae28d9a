//! What each tool does: parse its arguments, default the workflow, ticket
//! or task from the agent's context, call the store, and answer with
//! compact JSON an agent can act on.

use serde::de::{DeserializeOwned, Deserializer};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use tix_app::{App, CreateOptions, NewClaim, WorkflowChoice};
use tix_core::run::{FinishRun, Handoff, Run, RunFilter, RunOutcome};
use tix_core::task::{NewTask, Task, TaskFilter, TaskStatus};
use tix_core::ticket::{NewTicket, Priority, TicketFilter};

use super::error::ToolError;
use super::views::{
    brief, claimed_view, comment_view, commit_view, created_view, detail, heartbeat_view, put, put_some, run_view,
    status_change, task_brief, task_created_view, workflow_view,
};
use crate::request::RequestScope;
use crate::served::ServedStore;

pub type Out = Result<Value, ToolError>;

/// One tool call: the store, the acting agent and the session's defaults.
pub struct Call<'a, S> {
    pub store: &'a S,
    /// The use cases (create, claim, workflow defaulting) and search.
    pub use_cases: &'a App<S>,
    pub agent: String,
    pub default_workflow: Option<&'a str>,
    /// The agent's phase: the session's (`--phase`, `/mcp?phase=`), else
    /// the one its id names (`agent-phase3-a`).
    pub phase: Option<u32>,
    pub session: &'a super::Session,
    /// The call's claim token and idempotency key (`claim_token`, `idempotency_key`).
    pub scope: RequestScope,
    /// The longest `wait_seconds` this server grants.
    pub max_wait: std::time::Duration,
}

// ---------------------------------------------------------------- lenient numbers

/// Models sometimes send numbers and booleans as strings; accept both.
fn lenient<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: std::str::FromStr + DeserializeOwned,
{
    match Option::<Value>::deserialize(deserializer)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => text
            .trim()
            .parse::<T>()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("'{text}' is not a valid value here"))),
        Some(other) => T::deserialize(other).map(Some).map_err(serde::de::Error::custom),
    }
}

fn lenient_required<'de, D>(deserializer: D) -> Result<u32, D::Error>
where
    D: Deserializer<'de>,
{
    lenient::<D, u32>(deserializer)?.ok_or_else(|| serde::de::Error::custom("a number is required"))
}

// ---------------------------------------------------------------- arguments

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GetBoard {
    workflow_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GetTicket {
    ticket_id: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GetTickets {
    workflow_id: Option<String>,
    status: Option<String>,
    ticket_type: Option<String>,
    priority: Option<Priority>,
    assigned_agent_id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    blocked: Option<bool>,
    #[serde(default, deserialize_with = "lenient")]
    resolved: Option<bool>,
    tag: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    limit: Option<u32>,
    cursor: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SearchFilters {
    workflow_id: Option<String>,
    status: Option<String>,
    ticket_type: Option<String>,
    priority: Option<Priority>,
    tag: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    blocked: Option<bool>,
    #[serde(default, deserialize_with = "lenient")]
    resolved: Option<bool>,
    assigned_agent_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchTickets {
    query: String,
    search_type: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    limit: Option<u32>,
    filters: Option<SearchFilters>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateTicket {
    title: String,
    description: String,
    ticket_type: String,
    priority: Option<Priority>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    blocked_by_ticket_ids: Vec<String>,
    workflow_id: Option<String>,
    /// The ticket this one is part of.
    parent_id: Option<String>,
    /// Create even if the board refuses near-duplicates.
    #[serde(default, deserialize_with = "lenient")]
    force: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeStatus {
    ticket_id: Option<String>,
    new_status: String,
    comment: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddComment {
    ticket_id: Option<String>,
    comment_text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resolve {
    ticket_id: Option<String>,
    resolution_comment: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GetReady {
    workflow_id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    limit: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    workflow_id: Option<String>,
    ticket_id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    phase_id: Option<u32>,
    #[serde(default, deserialize_with = "lenient")]
    lease_seconds: Option<u64>,
    #[serde(default, deserialize_with = "lenient")]
    wait_seconds: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeartbeatArgs {
    ticket_id: Option<String>,
    /// Taken off by the dispatcher (like every tool's); listed for the schema test.
    #[allow(dead_code)]
    claim_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinishRunArgs {
    run_id: Option<String>,
    outcome: RunOutcome,
    summary: Option<String>,
    handoff: Option<Handoff>,
    #[serde(default, deserialize_with = "lenient")]
    tokens_in: Option<u64>,
    #[serde(default, deserialize_with = "lenient")]
    tokens_out: Option<u64>,
    #[serde(default, deserialize_with = "lenient")]
    cost_usd: Option<f64>,
    #[serde(default, deserialize_with = "lenient")]
    exit_code: Option<i32>,
    #[allow(dead_code)]
    claim_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateTask {
    description: String,
    #[serde(deserialize_with = "lenient_required")]
    phase_id: u32,
    ticket_id: String,
    workflow_id: Option<String>,
    assigned_agent_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateTask {
    task_id: Option<String>,
    status: TaskStatus,
    comment: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GetTasks {
    workflow_id: Option<String>,
    ticket_id: Option<String>,
    status: Option<TaskStatus>,
    #[serde(default, deserialize_with = "lenient")]
    phase_id: Option<u32>,
    assigned_agent_id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    limit: Option<u32>,
    cursor: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkCommit {
    ticket_id: Option<String>,
    commit_sha: String,
    commit_message: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateWorkflow {
    name: String,
    board_config: tix_core::board::BoardConfig,
    #[serde(default)]
    phases: Vec<tix_core::phase::Phase>,
    id: Option<String>,
}

pub fn parse<T: DeserializeOwned>(tool: &str, args: Map<String, Value>, schema: &Value) -> Result<T, ToolError> {
    let misfit = misfit(&args, schema);
    serde_json::from_value(Value::Object(args)).map_err(|e| match misfit {
        // Serde's message names the type, not the argument: name it.
        Some((field, expected, got)) => {
            let mut error = ToolError::arguments(tool, format!("`{field}` must be {expected} (got {got})"), schema);
            error.details = json!({ "field": field });
            error
        }
        None => ToolError::arguments(tool, e, schema),
    })
}

/// The first argument whose JSON type is not the one its schema property
/// declares: (name, what was expected, what came). Numbers and booleans
/// sent as strings fit (the argument structs accept them).
fn misfit(args: &Map<String, Value>, schema: &Value) -> Option<(String, &'static str, String)> {
    args.iter().find_map(|(name, value)| {
        let property = schema["properties"].get(name)?;
        let as_text = value.as_str().map(str::trim);
        let (fits, expected) = match property["type"].as_str() {
            Some("string") => (value.is_string(), "a string"),
            Some("integer") => (
                value.is_u64() || value.is_i64() || as_text.is_some_and(|t| t.parse::<i64>().is_ok()),
                "an integer",
            ),
            Some("boolean") => (
                value.is_boolean() || as_text.is_some_and(|t| t.parse::<bool>().is_ok()),
                "true or false",
            ),
            Some("array") => (value.is_array(), "a list"),
            Some("object") => (value.is_object(), "an object"),
            _ => match property["enum"].as_array() {
                Some(choices) => (choices.contains(value), "one of the listed values"),
                None => (true, ""),
            },
        };
        let mut got = value.to_string();
        if got.len() > 40 {
            got = format!("{}…", got.chars().take(40).collect::<String>());
        }
        (!fits && !value.is_null()).then(|| (name.clone(), expected, got))
    })
}

// ---------------------------------------------------------------- the calls

impl<S: ServedStore> Call<'_, S> {
    /// The store, scoped to this call: its claim token, and its idempotency
    /// key kept with the answer of type `T` (the tool's JSON, as `view` makes it).
    fn store_for<T: 'static>(&self, view: fn(&T) -> Value) -> S {
        self.store
            .scoped(self.scope.scope(move |answer: &T| (200, view(answer))))
    }

    /// The use cases, scoped like [`Call::store_for`].
    fn use_cases_for<T: 'static>(&self, view: fn(&T) -> Value) -> App<S> {
        self.use_cases
            .scoped(self.scope.scope(move |answer: &T| (200, view(answer))))
    }

    /// The agent's latest open run (for heartbeat and finish_run without ids).
    async fn latest_open_run(&self) -> Result<Option<Run>, ToolError> {
        let filter = RunFilter {
            agent_id: Some(self.agent.clone()),
            open: Some(true),
            ..RunFilter::default()
        };
        Ok(self
            .store
            .list_runs(filter, Some(1), None)
            .await?
            .runs
            .into_iter()
            .next())
    }

    /// The agent's task in progress (the latest started), else its latest
    /// queued task.
    pub async fn current_task(&self) -> Result<Option<Task>, ToolError> {
        Ok(self.use_cases.current_task(&self.agent).await?)
    }

    /// The named workflow, else the session's, else the workflow of the
    /// agent's current task, else the only one.
    async fn workflow_id(&self, explicit: Option<String>) -> Result<String, ToolError> {
        let choice = WorkflowChoice {
            named: explicit.as_deref(),
            session_default: self.default_workflow,
            current_task_of: Some(&self.agent),
        };
        Ok(self.use_cases.workflow_id(choice).await?)
    }

    /// The ticket a write goes to: the named one, else the ticket of the
    /// agent's current task, else of the next queued task of its phase.
    /// A write to the ticket of a queued, unassigned task starts that task
    /// for the agent first (see `tix_app::adopt`), as the spec's phases
    /// never start tasks themselves.
    async fn ticket_id(&self, explicit: Option<String>) -> Result<String, ToolError> {
        if let Some(id) = explicit.filter(|s| !s.trim().is_empty()) {
            self.use_cases.adopt_task_on(&self.agent, &id, self.phase).await?;
            return Ok(id);
        }
        if let Some(task) = self.current_task().await? {
            return Ok(task.ticket_id);
        }
        if let Some(phase) = self.phase {
            if let Some(task) = self
                .use_cases
                .adopt_task_of_phase(&self.agent, self.default_workflow, phase)
                .await?
            {
                return Ok(task.ticket_id);
            }
        }
        let phase = match self.phase {
            Some(phase) => format!(" and no task of phase {phase} is queued"),
            None => String::new(),
        };
        Err(ToolError::new(
            "ticket_id_required",
            format!("no ticket_id was given, {} has no task to take it from{phase}", self.agent),
            "Pass ticket_id (the TICKET: in your task's description); find work with get_tasks(status=\"queued\") or get_ready_tickets.",
        ))
    }

    pub async fn get_board(&self, args: GetBoard) -> Out {
        let workflow = self
            .store
            .get_workflow(&self.workflow_id(args.workflow_id).await?)
            .await?;
        let board = &workflow.board_config;
        let columns: Vec<Value> = board
            .columns
            .iter()
            .map(|c| {
                let mut m = Map::new();
                put(&mut m, "id", c.id.as_str());
                put(&mut m, "name", c.name.as_str());
                put_some(&mut m, "wip_limit", c.wip_limit);
                Value::Object(m)
            })
            .collect();
        let phases: Vec<Value> = workflow
            .phases
            .iter()
            .map(|p| {
                let mut m = Map::new();
                put(&mut m, "id", p.id);
                put(&mut m, "name", p.name.as_str());
                put(&mut m, "columns", json!(p.columns));
                if !p.description.is_empty() {
                    put(&mut m, "description", p.description.as_str());
                }
                put_some(&mut m, "instructions", p.instructions.as_deref());
                Value::Object(m)
            })
            .collect();
        Ok(json!({
            "workflow_id": workflow.id,
            "name": workflow.name,
            "columns": columns,
            "ticket_types": board.ticket_types,
            "initial_status": board.initial_status,
            "done_statuses": board.done_statuses(),
            "claim_status": board.claim_status(),
            "transitions": match &board.transitions { Some(t) => json!(t), None => json!("any column to any column") },
            "phases": phases,
            "guardian": workflow.guardian.effective(),
        }))
    }

    pub async fn get_ticket(&self, args: GetTicket) -> Out {
        Ok(detail(&self.store.get_ticket(&args.ticket_id).await?))
    }

    pub async fn get_tickets(&self, args: GetTickets) -> Out {
        let filter = TicketFilter {
            workflow_id: Some(self.workflow_id(args.workflow_id).await?),
            status: args.status,
            ticket_type: args.ticket_type,
            priority: args.priority,
            assigned_agent_id: args.assigned_agent_id,
            blocked: args.blocked,
            resolved: args.resolved,
            tag: args.tag,
            parent_id: None,
        };
        let page = self.store.list_tickets(filter, args.limit, args.cursor).await?;
        Ok(json!({
            "tickets": page.tickets.iter().map(brief).collect::<Vec<_>>(),
            "next_cursor": page.next_cursor,
        }))
    }

    /// Hybrid (default), semantic or keyword search through the search
    /// service; falls back to keywords (and says so) without a model.
    pub async fn search_tickets(&self, args: SearchTickets) -> Out {
        let filters = args.filters.unwrap_or_default();
        let search_type = match args.search_type.as_deref().map(str::trim) {
            None | Some("") | Some("hybrid") => tix_search::SearchType::Hybrid,
            Some("semantic") => tix_search::SearchType::Semantic,
            Some("keyword") => tix_search::SearchType::Keyword,
            Some(other) => {
                return Err(ToolError::new(
                    "validation_failed",
                    format!("search_type '{other}' is not one of hybrid, semantic, keyword"),
                    "Use search_type=\"hybrid\" (70% meaning, 30% keywords) unless you need exact words.",
                ))
            }
        };
        if !args.query.chars().any(char::is_alphanumeric) {
            return Err(ToolError::new(
                "validation_failed",
                "the query has no words to search for",
                "Describe the work in a few words, e.g. query=\"authentication JWT login\".",
            ));
        }
        let request = tix_search::SearchRequest {
            workflow_id: self.workflow_id(filters.workflow_id).await?,
            query: args.query,
            search_type,
            limit: Some(args.limit.unwrap_or(10).clamp(1, 50)),
            filter: tix_store::SearchFilter {
                status: filters.status,
                ticket_type: filters.ticket_type,
                priority: filters.priority,
                tags: filters.tag.into_iter().collect(),
                assigned_agent_id: filters.assigned_agent_id,
                blocked: filters.blocked,
                resolved: filters.resolved,
            },
            weights: None,
        };
        let found = self.use_cases.search().search(request).await?;
        // Any search counts: the Guardian asks only that the agent looked.
        self.session.searched(&self.agent);
        let results: Vec<Value> = found
            .results
            .iter()
            .map(|hit| {
                let mut v = brief(&hit.ticket);
                let rounded = |x: f32| json!((f64::from(x) * 1000.0).round() / 1000.0);
                // `score` ranks within this answer; `similarity` (the cosine)
                // says how close the best match really is.
                v["score"] = rounded(hit.score);
                if let Some(cosine) = hit.cosine {
                    v["similarity"] = rounded(cosine);
                }
                v["likely_duplicate"] = json!(hit.likely_duplicate);
                v["matched_in"] = json!(hit.matched_in);
                v
            })
            .collect();
        let mut out = json!({
            "search_type_used": found.search_type,
            "semantic_available": found.semantic_available,
            "results": results,
        });
        if let Some(warning) = found.warning {
            out["note"] = json!(warning);
        }
        Ok(out)
    }

    pub async fn create_ticket(&self, args: CreateTicket) -> Out {
        let new = NewTicket {
            workflow_id: self.workflow_id(args.workflow_id).await?,
            title: args.title,
            description: args.description,
            ticket_type: args.ticket_type,
            priority: args.priority,
            tags: args.tags,
            blocked_by_ticket_ids: args.blocked_by_ticket_ids,
            assigned_agent_id: None,
            id: None,
            parent_id: args.parent_id,
        };
        let options = CreateOptions {
            force: args.force.unwrap_or(false),
            searched_first: Some(self.session.has_searched(&self.agent)),
        };
        let created = self
            .use_cases_for(created_view)
            .create_ticket(&self.agent, new, options)
            .await?;
        Ok(created_view(&created))
    }

    pub async fn change_ticket_status(&self, args: ChangeStatus) -> Out {
        let id = self.ticket_id(args.ticket_id).await?;
        let change = self
            .store_for(status_change)
            .change_status(&self.agent, &id, &args.new_status, args.comment, None)
            .await?;
        Ok(status_change(&change))
    }

    pub async fn add_ticket_comment(&self, args: AddComment) -> Out {
        let id = self.ticket_id(args.ticket_id).await?;
        let comment = self
            .store_for(comment_view)
            .add_comment(&self.agent, &id, &args.comment_text)
            .await?;
        Ok(comment_view(&comment))
    }

    pub async fn resolve_ticket(&self, args: Resolve) -> Out {
        let id = self.ticket_id(args.ticket_id).await?;
        let change = self
            .store_for(status_change)
            .resolve(&self.agent, &id, args.resolution_comment)
            .await?;
        Ok(status_change(&change))
    }

    pub async fn get_ready_tickets(&self, args: GetReady) -> Out {
        let workflow_id = self.workflow_id(args.workflow_id).await?;
        let limit = tix_core::ticket::page_size(Some(args.limit.unwrap_or(10)))?;
        let ready = self.store.ready(&workflow_id, Some(&self.agent), limit).await?;
        let tickets: Vec<Value> = ready
            .iter()
            .map(|r| {
                let mut v = brief(&r.ticket);
                v["unblocks"] = json!(r.unblocks_count);
                v
            })
            .collect();
        Ok(json!({ "workflow_id": workflow_id, "tickets": tickets }))
    }

    pub async fn claim_next_ticket(&self, args: Claim) -> Out {
        let wait = tix_core::validate::wait(args.wait_seconds)
            .map_err(|e| {
                let mut error = ToolError::from(e);
                error.details = json!({ "field": "wait_seconds" });
                error
            })?
            .map(|w| w.min(self.max_wait));
        let claim = NewClaim {
            workflow_id: self.workflow_id(args.workflow_id).await?,
            agent_id: self.agent.clone(),
            ticket_id: args.ticket_id,
            lease_seconds: args.lease_seconds,
            phase_id: args.phase_id,
            wait,
        };
        let claimed = self.use_cases_for(claimed_view).claim(claim).await?;
        Ok(claimed_view(&claimed))
    }

    pub async fn heartbeat(&self, args: HeartbeatArgs) -> Out {
        let ticket_id = match args.ticket_id.filter(|t| !t.trim().is_empty()) {
            Some(id) => id,
            None => match self.latest_open_run().await? {
                Some(run) => run.ticket_id,
                None => {
                    return Err(ToolError::new(
                        "ticket_id_required",
                        format!("no ticket_id was given and {} has no open run", self.agent),
                        "Pass ticket_id (the ticket you claimed); claim one with claim_next_ticket.",
                    ))
                }
            },
        };
        let beat = self
            .store_for(heartbeat_view)
            .heartbeat(&self.agent, &ticket_id)
            .await?;
        Ok(heartbeat_view(&beat))
    }

    pub async fn finish_run(&self, args: FinishRunArgs) -> Out {
        let run_id = match args.run_id.filter(|r| !r.trim().is_empty()) {
            Some(id) => id,
            None => match self.latest_open_run().await? {
                Some(run) => run.run_id,
                None => {
                    return Err(ToolError::new(
                        "run_id_required",
                        format!("no run_id was given and {} has no open run", self.agent),
                        "Pass run_id (claim_next_ticket answered it).",
                    ))
                }
            },
        };
        let finish = FinishRun {
            outcome: args.outcome,
            summary: args.summary,
            handoff: args.handoff,
            tokens_in: args.tokens_in,
            tokens_out: args.tokens_out,
            cost_usd: args.cost_usd,
            exit_code: args.exit_code,
        };
        let run = self
            .store_for(run_view)
            .finish_run(&self.agent, &run_id, finish)
            .await?;
        Ok(run_view(&run))
    }

    pub async fn create_task(&self, args: CreateTask) -> Out {
        let new = NewTask {
            description: args.description,
            phase_id: args.phase_id,
            ticket_id: args.ticket_id,
            workflow_id: args.workflow_id.or_else(|| self.default_workflow.map(str::to_string)),
            assigned_agent_id: args.assigned_agent_id,
        };
        let created = self.store_for(task_created_view).create_task(&self.agent, new).await?;
        Ok(task_created_view(&created))
    }

    pub async fn update_task(&self, args: UpdateTask) -> Out {
        let id = match args.task_id.filter(|s| !s.trim().is_empty()) {
            Some(id) => id,
            None => match self.current_task().await? {
                Some(task) => task.task_id,
                None => {
                    return Err(ToolError::new(
                        "task_id_required",
                        format!(
                            "no task_id was given and {} has no task in progress or queued for it",
                            self.agent
                        ),
                        "Pass task_id; find tasks with get_tasks.",
                    ))
                }
            },
        };
        let task = self
            .store_for(task_brief)
            .set_task_status(&self.agent, &id, args.status, args.comment)
            .await?;
        Ok(task_brief(&task))
    }

    pub async fn get_tasks(&self, args: GetTasks) -> Out {
        let filter = TaskFilter {
            workflow_id: match (&args.workflow_id, &args.ticket_id) {
                (Some(id), _) => Some(id.clone()),
                (None, Some(_)) => None,
                (None, None) => Some(self.workflow_id(None).await?),
            },
            ticket_id: args.ticket_id,
            status: args.status,
            phase_id: args.phase_id,
            assigned_agent_id: args.assigned_agent_id,
        };
        let page = self.store.list_tasks(filter, args.limit, args.cursor).await?;
        Ok(json!({
            "tasks": page.tasks.iter().map(task_brief).collect::<Vec<_>>(),
            "next_cursor": page.next_cursor,
        }))
    }

    pub async fn create_workflow(&self, args: CreateWorkflow) -> Out {
        let new = tix_core::workflow::NewWorkflow {
            id: args.id,
            name: args.name,
            board_config: args.board_config,
            phases: args.phases,
            guardian: Default::default(),
        };
        let workflow = self.store_for(workflow_view).create_workflow(&self.agent, new).await?;
        Ok(workflow_view(&workflow))
    }

    pub async fn link_commit(&self, args: LinkCommit) -> Out {
        let id = self.ticket_id(args.ticket_id).await?;
        let link = tix_core::commit::NewCommitLink {
            sha: args.commit_sha,
            message: args.commit_message.unwrap_or_default(),
            ..tix_core::commit::NewCommitLink::default()
        };
        let linked = self.store_for(commit_view).link_commit(&self.agent, &id, link).await?;
        Ok(commit_view(&linked))
    }
}
