//! The command line as clap sees it. The help texts teach the concepts in
//! a line or two; `commands::*` turns the parsed values into calls.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use tix_core::ticket::Priority;

mod fleet;
mod interop;

pub use fleet::{duration, ClaimArgs, HeartbeatArgs, ReadyArgs, RunCommand, WebhookCommand, WorkArgs};
pub use interop::{ExportArgs, ImportArgs, ImportSource};

const ABOUT: &str = "Tix: a ticket tracker and Kanban board for teams of AI agents.";

const LONG_ABOUT: &str = "\
Tix: a ticket tracker and Kanban board for teams of AI agents.

A workflow owns a board: columns in order (e.g. backlog -> building -> testing -> done), the ticket
types it accepts, and the column new tickets start in. Tickets are work items with memory: they move
through the columns, collect comments and keep their full history.

Tickets can block other tickets. A ticket is blocked while any of its blockers is unresolved; it can
move back but not forward. Resolving a ticket (moving it into a done column) unblocks its dependents.
A ticket is ready when it is unresolved, unblocked, in the initial column and unassigned. An agent
claims the top ready ticket: it is assigned, moved to the board's start column and leased (30 min by
default, renewed by the holder's writes); an expired lease returns it to ready.

Without --server, tix opens the database (--database, default ./tix.db) directly.";

#[derive(Debug, Parser)]
#[command(name = "tix", version, about = ABOUT, long_about = LONG_ABOUT)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Talk to a running Tix server at this URL instead of opening the database.
    #[arg(long, env = "TIX_SERVER", global = true, value_name = "URL")]
    pub server: Option<String>,

    /// Database to open when no server is named (sqlite:///abs/path.db, sqlite://rel.db).
    #[arg(
        long,
        env = "TIX_DATABASE_URL",
        global = true,
        value_name = "URL",
        default_value = "sqlite://./tix.db"
    )]
    pub database: String,

    /// Who is acting: recorded on every write (sent as X-Agent-ID to a server).
    #[arg(
        long,
        env = "TIX_AGENT_ID",
        global = true,
        value_name = "ID",
        default_value = "human"
    )]
    pub agent: String,

    /// Workflow to work in. Default: the only workflow in the database.
    #[arg(long, env = "TIX_WORKFLOW", global = true, value_name = "ID")]
    pub workflow: Option<String>,

    /// Agent token for a server that requires one (sent as `Authorization: Bearer`).
    #[arg(long, env = "TIX_TOKEN", global = true, value_name = "TOKEN", hide_env_values = true)]
    pub token: Option<String>,

    /// Print the API's JSON for the result (errors too) instead of human output.
    #[arg(long, global = true)]
    pub json: bool,

    /// The claim token of the ticket you work on (a claim prints it; `tix work` sets TIX_CLAIM for
    /// its command). Sent with every write: once the claim is lost they fail with lease_lost.
    #[arg(long, env = "TIX_CLAIM", global = true, value_name = "TOKEN", hide_env_values = true)]
    pub claim: Option<String>,

    /// Settings file (TOML). Default: ./tix.toml when it exists. Flags and variables win over it.
    #[arg(long, env = "TIX_CONFIG", global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP API and MCP at /mcp (and expire stale claim leases) until Ctrl-C.
    Serve(ServeArgs),
    /// Serve MCP over stdio for an agent that launches tix: its tools (create_ticket,
    /// change_ticket_status, ...) act as --agent, on the database or on --server.
    Mcp(McpArgs),
    /// Create and inspect workflows: a board (its columns, ticket types, initial column) plus phases.
    #[command(subcommand)]
    Workflow(WorkflowCommand),
    /// Create a ticket in the workflow's initial column; prints its id.
    Create(CreateArgs),
    /// List tickets, filtered, one page at a time (in creation order).
    List(ListArgs),
    /// Show a ticket: its fields, blockers and dependents, comments and history.
    Show(ShowArgs),
    /// Change a ticket's title, description, priority, tags, type or assignee.
    Edit(EditArgs),
    /// Move a ticket to another column. Blocked tickets may move back, never forward.
    Move(MoveArgs),
    /// Add a comment to a ticket (progress, findings, hand-over notes).
    Comment(CommentArgs),
    /// Resolve a ticket: move it to the first done column; its dependents unblock.
    Resolve(ResolveArgs),
    /// Record that BLOCKER must be resolved before ID can move forward.
    Block(BlockArgs),
    /// Remove a blocking edge added with `tix block`.
    Unblock(BlockArgs),
    /// List ready tickets: unresolved, unblocked, in the initial column, unassigned; best first.
    Ready(ReadyArgs),
    /// Take a ready ticket (the best one, or the one named): assign it, move it to the
    /// start column and lease it. Prints the claim token and what earlier attempts handed over.
    /// With --phase, take that phase's best queued task instead.
    Claim(ClaimArgs),
    /// Renew your claim's lease on a ticket (by the length you claimed with).
    Heartbeat(HeartbeatArgs),
    /// Runs: each claim or task start is one attempt, with how it ended, a hand-off and its cost.
    #[command(subcommand)]
    Run(RunCommand),
    /// Webhooks: a URL that gets a signed POST for each event it subscribes to (retried until
    /// it answers 2xx).
    #[command(subcommand)]
    Webhook(WebhookCommand),
    /// Be a worker: take a phase's queued tasks (or ready tickets) one by one and run a command
    /// for each, with the ticket in its environment and the instructions on its stdin.
    Work(WorkArgs),
    /// Draw the dependency tree around a ticket: what it waits for, and what waits for it.
    Graph(GraphArgs),
    /// Import a Tix export (one transaction: its workflow with every ticket, comment, run…), plain
    /// ticket lines (in batches), or another tracker's issues (--from beads|github FILE).
    Import(ImportArgs),
    /// Export a workflow (--workflow, or the only one) in the Tix format: JSON Lines with the
    /// board, then every ticket with its edges, comments, history, tasks, commits and runs.
    Export(ExportArgs),
    /// Search tickets: hybrid (meaning + keywords, default), semantic or keyword. Search before
    /// you create, to avoid duplicates. A ticket id or prefix finds that ticket first.
    Search(SearchArgs),
    /// Re-embed every ticket with the current model (after changing the model), with a progress bar.
    Reindex(ReindexArgs),
    /// Tasks: an agent's work in one phase on one ticket ("Phase X: ... - TICKET: ticket-xxx").
    #[command(subcommand)]
    Task(TaskCommand),
    /// Show the Guardian's rules (off/warn/enforce) and the violations agents caused.
    Guardian(GuardianArgs),
    /// Link git commits to the tickets their messages reference
    /// (TICKET: ticket-xxx, Refs ticket-xxx, Fixes ticket-xxx; Fixes also resolves).
    #[command(subcommand)]
    Commits(CommitsCommand),
    /// Install or remove the git post-commit hook that links each new commit.
    #[command(subcommand)]
    Hooks(HooksCommand),
    /// Agent tokens, for servers run with --auth required (managed on the database directly).
    #[command(subcommand)]
    Agent(AgentCommand),
    /// Copy a SQLite database (workflows, tickets, edges, comments, history, events, ...)
    /// into PostgreSQL, so several `tix serve` replicas can share it; verifies row counts.
    MigrateStore(MigrateStoreArgs),
}

#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    /// Make (or replace) an agent's token and print it, once. With --auth required the token
    /// decides who the caller is.
    Add(AgentAddArgs),
    /// List the agents that have a token (never the tokens).
    List,
    /// Remove an agent's token.
    Remove(AgentNameArgs),
}

#[derive(Debug, Args)]
pub struct AgentAddArgs {
    /// The agent id the token stands for.
    pub name: String,

    /// An admin token may act as any agent (with X-Agent-ID / agent_id).
    #[arg(long)]
    pub admin: bool,
}

#[derive(Debug, Args)]
pub struct AgentNameArgs {
    pub name: String,
}

#[derive(Debug, Subcommand)]
pub enum CommitsCommand {
    /// Link the references found in the repository's history (again is harmless).
    Scan(CommitsScanArgs),
    /// Link one commit (default HEAD) to the tickets it references, or to --ticket.
    Link(CommitsLinkArgs),
}

#[derive(Debug, Args)]
pub struct CommitsScanArgs {
    /// Only commits after this revision (REV..HEAD). Default: the whole history.
    #[arg(long, value_name = "REV")]
    pub since: Option<String>,

    /// The git repository. Default: the one around the current directory.
    #[arg(long, value_name = "PATH")]
    pub repo: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CommitsLinkArgs {
    /// The commit.
    #[arg(default_value = "HEAD")]
    pub rev: String,

    /// Link to this ticket instead of the ones the message references.
    #[arg(long, value_name = "TICKET")]
    pub ticket: Option<String>,

    /// The git repository. Default: the one around the current directory.
    #[arg(long, value_name = "PATH")]
    pub repo: Option<PathBuf>,

    /// Called from the post-commit hook: terse output on stderr.
    #[arg(long, hide = true)]
    pub hook: bool,
}

#[derive(Debug, Subcommand)]
pub enum HooksCommand {
    /// Add the post-commit hook (an existing hook is kept and run first). The hook reaches
    /// Tix the way this command does: --server, or the database by its absolute path.
    Install(HooksArgs),
    /// Remove the hook and restore the one it chained to.
    Uninstall(HooksArgs),
}

#[derive(Debug, Args)]
pub struct HooksArgs {
    /// The git repository. Default: the one around the current directory.
    #[arg(long, value_name = "PATH")]
    pub repo: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum TaskCommand {
    /// Create a task. Its description must read "Phase X: Description - TICKET: ticket-xxx",
    /// X being --phase and ticket-xxx the ticket. A task of a blocked ticket starts blocked and
    /// becomes queued when the ticket unblocks.
    Create(TaskCreateArgs),
    /// List tasks (in creation order), filtered.
    List(TaskListArgs),
    /// Show a task.
    Show(TaskIdArgs),
    /// Start a queued task: in_progress, assigned to you.
    Start(TaskIdArgs),
    /// Mark a task done.
    Done(TaskIdArgs),
    /// Mark a task failed (say why with -m).
    Fail(TaskIdArgs),
    /// Put a task back in the queue (unassigning it), or retry a failed one.
    Requeue(TaskIdArgs),
}

#[derive(Debug, Args)]
pub struct TaskCreateArgs {
    /// "Phase X: Description - TICKET: ticket-xxx"
    pub description: String,

    /// The phase the task belongs to (X in the description).
    #[arg(long, value_name = "N")]
    pub phase: u32,

    /// The ticket the task works on. Default: the ticket named after TICKET: in the description.
    #[arg(long, value_name = "TICKET")]
    pub ticket: Option<String>,

    /// Assign it to this agent right away.
    #[arg(long = "assign", value_name = "AGENT")]
    pub assign: Option<String>,
}

#[derive(Debug, Args)]
pub struct TaskListArgs {
    /// Only tasks of this ticket.
    #[arg(long, value_name = "TICKET")]
    pub ticket: Option<String>,

    /// Only tasks in this status (queued, in_progress, done, failed, blocked).
    #[arg(long, short = 's')]
    pub status: Option<String>,

    /// Only tasks of this phase.
    #[arg(long, value_name = "N")]
    pub phase: Option<u32>,

    /// Only tasks assigned to this agent.
    #[arg(long)]
    pub assignee: Option<String>,

    /// Page size (1..500, default 50).
    #[arg(long, short = 'n')]
    pub limit: Option<u32>,

    /// Continue from the next_cursor a previous page printed.
    #[arg(long)]
    pub cursor: Option<String>,
}

#[derive(Debug, Args)]
pub struct TaskIdArgs {
    /// Task id or an unambiguous prefix (`task-7hx` or `7hx`).
    pub id: String,

    /// What was done, or why it failed.
    #[arg(long = "message", short = 'm', value_name = "COMMENT")]
    pub comment: Option<String>,
}

#[derive(Debug, Args)]
pub struct GuardianArgs {
    /// Only this rule's violations (task_ticket_reference, move_by_non_holder, column_skipped,
    /// phase_column, duplicate_ticket, lease_idle).
    #[arg(long)]
    pub rule: Option<String>,

    /// Only violations by this agent.
    #[arg(long = "by", value_name = "AGENT")]
    pub by: Option<String>,

    /// At most this many (1..1000, default 100).
    #[arg(long, short = 'n')]
    pub limit: Option<u32>,
}

#[derive(Debug, Args)]
pub struct MigrateStoreArgs {
    /// The SQLite database to copy from, e.g. sqlite://./tix.db.
    #[arg(long, value_name = "URL")]
    pub from: String,
    /// The PostgreSQL database to copy into, e.g. postgres://tix@db/tix (migrated first).
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// Replace a target that already holds data (its Tix rows are deleted first, in the
    /// same transaction as the copy).
    #[arg(long)]
    pub force: bool,
}

/// Where embeddings for semantic search come from.
#[derive(Debug, Clone, Args)]
pub struct EmbedArgs {
    /// Embedding provider: `local` (all-MiniLM-L6-v2 on the CPU), `openai` (an
    /// OpenAI-compatible /v1/embeddings server) or `none` (keyword search only).
    #[arg(long, env = "TIX_EMBEDDER", default_value = "local", value_name = "PROVIDER")]
    pub embedder: EmbedderArg,

    /// Directory with config.json, tokenizer.json and model.safetensors (scripts/setup-model
    /// puts them in the default place). Default: ~/.local/share/tix/models/all-MiniLM-L6-v2.
    #[arg(long, env = "TIX_MODEL_DIR", value_name = "DIR")]
    pub model_dir: Option<PathBuf>,

    /// Base URL of the OpenAI-compatible server (with --embedder openai), e.g. http://127.0.0.1:8080.
    #[arg(long, env = "TIX_EMBEDDING_URL", value_name = "URL")]
    pub embedding_url: Option<String>,

    /// Model name sent to that server (with --embedder openai).
    #[arg(long, env = "TIX_EMBEDDING_MODEL", value_name = "NAME")]
    pub embedding_model: Option<String>,

    /// API key for that server, sent as a bearer token (with --embedder openai).
    #[arg(long, env = "TIX_EMBEDDING_API_KEY", value_name = "KEY", hide_env_values = true)]
    pub embedding_api_key: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EmbedderArg {
    Local,
    Openai,
    None,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SearchTypeArg {
    Hybrid,
    Semantic,
    Keyword,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to look for: words, a paraphrase, or a ticket id.
    pub query: String,

    /// hybrid = 0.7 semantic + 0.3 keyword.
    #[arg(long = "type", value_enum, default_value = "hybrid", value_name = "TYPE")]
    pub search_type: SearchTypeArg,

    /// How many results (1..100).
    #[arg(long, short = 'n', default_value_t = 10)]
    pub limit: u32,

    /// Only tickets in this column.
    #[arg(long, short = 's')]
    pub status: Option<String>,

    /// Only tickets of this type.
    #[arg(long = "ticket-type", value_name = "TYPE")]
    pub ticket_type: Option<String>,

    /// Only tickets of this priority.
    #[arg(long, short = 'p', value_enum)]
    pub priority: Option<PriorityArg>,

    /// Only tickets carrying this tag (repeatable: all must match).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,

    /// Only tickets assigned to this agent.
    #[arg(long)]
    pub assignee: Option<String>,

    /// Only unresolved tickets.
    #[arg(long, conflicts_with = "resolved")]
    pub open: bool,

    /// Only resolved tickets.
    #[arg(long)]
    pub resolved: bool,

    /// Weight of the semantic side in hybrid search (0..1; the keyword side gets the rest).
    #[arg(long, value_name = "W")]
    pub semantic_weight: Option<f32>,

    #[command(flatten)]
    pub embed: EmbedArgs,
}

#[derive(Debug, Args)]
pub struct ReindexArgs {
    #[command(flatten)]
    pub embed: EmbedArgs,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (the bound address is printed).
    #[arg(long, env = "TIX_ADDR", default_value = "127.0.0.1:7420", value_name = "HOST:PORT")]
    pub addr: String,

    /// Seed the demo workflow (a web app: infra, database, auth, API, ...) if there is no workflow yet.
    #[arg(long)]
    pub demo: bool,

    /// Create the workflow in this file (YAML or JSON, as `tix workflow create`) if the database
    /// has none yet; a database that has one is left as it is.
    #[arg(long, env = "TIX_BOARD", value_name = "FILE")]
    pub board: Option<std::path::PathBuf>,

    #[command(flatten)]
    pub embed: EmbedArgs,

    /// PostgreSQL connection pool size (per server; several servers may share one database).
    #[arg(long, env = "TIX_DATABASE_POOL_SIZE", default_value_t = 16, value_name = "N")]
    pub pool_size: u32,
    /// Most dependency-graph nodes (tickets) kept in memory over all workflows (about 150 bytes
    /// each); the least recently used workflows' graphs are dropped and loaded again on use.
    #[arg(long, env = "TIX_GRAPH_CACHE_NODES", default_value_t = tix_store::DEFAULT_GRAPH_CACHE_NODES, value_name = "N")]
    pub graph_cache_nodes: usize,
    /// `required`: every request needs an agent token (`tix agent add NAME`), which decides the
    /// agent. `off`: the X-Agent-ID header is trusted (local use).
    #[arg(long, env = "TIX_AUTH", default_value = "off", value_name = "off|required")]
    pub auth: String,
    /// Also answer to this host name (repeatable, or comma-separated in TIX_ALLOWED_HOSTS), e.g.
    /// behind a proxy: `tix.example.com`, `*.example.com` (subdomains), `*` (any). By default
    /// only `localhost` and IP addresses are answered and browser writes must come from the
    /// server's own origin (against DNS rebinding).
    #[arg(
        long = "allowed-host",
        env = "TIX_ALLOWED_HOSTS",
        value_delimiter = ',',
        value_name = "NAME"
    )]
    pub allowed_hosts: Vec<String>,
    /// The longest a request may wait for work (`ready?wait=`, `claim?wait=`, `wait_seconds`):
    /// at most 60s. Lower it behind a proxy that cuts idle requests sooner.
    #[arg(long, env = "TIX_MAX_WAIT", value_parser = fleet::duration, default_value = "60s", value_name = "DURATION")]
    pub max_wait: std::time::Duration,
    /// Serve GET /metrics (Prometheus) without a token even with --auth required.
    #[arg(long, env = "TIX_METRICS_PUBLIC")]
    pub metrics_public: bool,
}

#[derive(Debug, Args)]
pub struct McpArgs {
    /// Offer only these tools: groups (tickets, queue, tasks, commits, read, all) and/or tool
    /// names, comma-separated. Default: all.
    #[arg(long, value_name = "LIST")]
    pub toolset: Option<String>,

    /// Create the workflow in this file (YAML or JSON) if the database has none yet, so the
    /// tools have a board to work on.
    #[arg(long, env = "TIX_BOARD", value_name = "FILE")]
    pub board: Option<std::path::PathBuf>,

    /// The phase this agent works in: a write that names no ticket (as the spec's phase 3
    /// does) starts this phase's oldest queued task for the agent. Default: the number in an
    /// agent id like `agent-phase3-a`.
    #[arg(long, value_name = "N")]
    pub phase: Option<u32>,

    /// Print the tools/list answer (JSON) and its size in bytes, then exit.
    #[arg(long)]
    pub list_tools: bool,

    /// Embeddings for search_tickets and the duplicate check of create_ticket (on the
    /// database directly; with --server, the server's own search answers).
    #[command(flatten)]
    pub embed: EmbedArgs,
}

#[derive(Debug, Subcommand)]
pub enum WorkflowCommand {
    /// Create a workflow from a YAML or JSON file:
    /// {name, board_config: {columns: [{id, name, wip_limit?}], ticket_types, initial_status,
    /// transitions?, done_statuses?, claim_status?}, phases?}.
    Create(WorkflowCreateArgs),
    /// List workflows, most recently active first.
    List,
    /// Show a workflow's board: columns in order, WIP limits, types, done and start columns, phases.
    Show(WorkflowShowArgs),
}

#[derive(Debug, Args)]
pub struct WorkflowCreateArgs {
    /// The workflow file (.yaml, .yml or .json; `-` reads stdin).
    #[arg(long, short = 'f', value_name = "PATH")]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct WorkflowShowArgs {
    /// Workflow id. Default: --workflow, or the only workflow.
    pub id: Option<String>,
}

/// Priority as typed on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PriorityArg {
    Low,
    Medium,
    High,
    Critical,
}

impl From<PriorityArg> for Priority {
    fn from(value: PriorityArg) -> Self {
        match value {
            PriorityArg::Low => Priority::Low,
            PriorityArg::Medium => Priority::Medium,
            PriorityArg::High => Priority::High,
            PriorityArg::Critical => Priority::Critical,
        }
    }
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Title (1..500 characters), e.g. "Build Authentication System".
    pub title: String,

    /// What the work is and how to know it is done.
    #[arg(long, short = 'd', default_value = "")]
    pub description: String,

    /// Ticket type, one of the board's ticket_types. Default: the board's first type.
    #[arg(long = "type", short = 't', value_name = "TYPE")]
    pub ticket_type: Option<String>,

    /// Priority; ready tickets are ordered by it first. Default: medium.
    #[arg(long, short = 'p', value_enum)]
    pub priority: Option<PriorityArg>,

    /// A tag (repeatable).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,

    /// A ticket that must be resolved before this one can move forward (repeatable).
    #[arg(long = "blocked-by", value_name = "TICKET")]
    pub blocked_by: Vec<String>,

    /// Assign it to this agent right away (it then stays out of everyone else's ready list).
    #[arg(long = "assign", value_name = "AGENT")]
    pub assign: Option<String>,

    /// The ticket this one is part of (an epic, a story): it is not ready, and cannot be resolved,
    /// while this one is open.
    #[arg(long, value_name = "TICKET")]
    pub parent: Option<String>,

    /// Create it even if the board refuses near-duplicates (duplicate_policy: refuse).
    #[arg(long)]
    pub force: bool,

    /// Embeddings for the duplicate check (on the database directly; with --server, the
    /// server checks with its own).
    #[command(flatten)]
    pub embed: EmbedArgs,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only tickets in this column.
    #[arg(long, short = 's')]
    pub status: Option<String>,

    /// Only tickets of this type.
    #[arg(long = "type", short = 't', value_name = "TYPE")]
    pub ticket_type: Option<String>,

    /// Only tickets of this priority.
    #[arg(long, short = 'p', value_enum)]
    pub priority: Option<PriorityArg>,

    /// Only tickets assigned to this agent.
    #[arg(long)]
    pub assignee: Option<String>,

    /// Only tickets carrying this tag.
    #[arg(long)]
    pub tag: Option<String>,

    /// Only the direct children of this ticket.
    #[arg(long, value_name = "TICKET")]
    pub parent: Option<String>,

    /// Only blocked tickets (some blocker still unresolved).
    #[arg(long, conflicts_with = "unblocked")]
    pub blocked: bool,

    /// Only tickets with no unresolved blocker.
    #[arg(long)]
    pub unblocked: bool,

    /// Only resolved tickets (in a done column).
    #[arg(long, conflicts_with = "open")]
    pub resolved: bool,

    /// Only unresolved tickets.
    #[arg(long)]
    pub open: bool,

    /// Page size (1..500, default 50).
    #[arg(long, short = 'n')]
    pub limit: Option<u32>,

    /// Continue from the next_cursor a previous page printed.
    #[arg(long, conflicts_with = "all")]
    pub cursor: Option<String>,

    /// Follow the cursors and list every matching ticket.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Ticket id or an unambiguous prefix (`ticket-7hx` or `7hx`).
    pub id: String,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// Ticket id or an unambiguous prefix.
    pub id: String,

    /// New title.
    #[arg(long)]
    pub title: Option<String>,

    /// New description.
    #[arg(long, short = 'd')]
    pub description: Option<String>,

    /// New priority.
    #[arg(long, short = 'p', value_enum)]
    pub priority: Option<PriorityArg>,

    /// Replace the tags with these (repeatable).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,

    /// Remove every tag.
    #[arg(long, conflicts_with = "tags")]
    pub clear_tags: bool,

    /// New ticket type (one of the board's ticket_types).
    #[arg(long = "type", short = 't', value_name = "TYPE")]
    pub ticket_type: Option<String>,

    /// Assign the ticket to this agent (ends any claim lease of another agent).
    #[arg(long, value_name = "AGENT", conflicts_with = "unassign")]
    pub assign: Option<String>,

    /// Remove the assignee; the ticket can become ready again.
    #[arg(long)]
    pub unassign: bool,

    /// Make it part of this ticket (same workflow; not one below it).
    #[arg(long, value_name = "TICKET", conflicts_with = "no_parent")]
    pub parent: Option<String>,

    /// Detach it from its parent.
    #[arg(long)]
    pub no_parent: bool,

    /// Only apply if the ticket is still at this version (else: stale version error).
    #[arg(long, value_name = "N")]
    pub if_version: Option<u64>,
}

#[derive(Debug, Args)]
pub struct MoveArgs {
    /// Ticket id or an unambiguous prefix.
    pub id: String,

    /// Target column id, e.g. building. Moving into a done column resolves the ticket;
    /// moving out of one reopens it.
    pub status: String,

    /// Why: recorded in the history with the move.
    #[arg(long = "message", short = 'm', value_name = "COMMENT")]
    pub comment: Option<String>,

    /// Only apply if the ticket is still at this version.
    #[arg(long, value_name = "N")]
    pub if_version: Option<u64>,

    /// Move into a done column even while some of its children are unresolved.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct CommentArgs {
    /// Ticket id or an unambiguous prefix.
    pub id: String,
    /// The comment.
    pub text: String,
}

#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// Ticket id or an unambiguous prefix.
    pub id: String,

    /// Resolution comment: what was verified.
    #[arg(long = "message", short = 'm', value_name = "COMMENT")]
    pub comment: Option<String>,

    /// Resolve even while some of its children are unresolved.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct BlockArgs {
    /// The ticket that waits (the blocked one).
    pub id: String,

    /// The ticket it waits for (the blocker). Cycles are refused.
    #[arg(long = "by", value_name = "BLOCKER")]
    pub blocker: String,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Ticket id or an unambiguous prefix.
    pub id: String,

    /// How many steps up and down to follow (default: all).
    #[arg(long)]
    pub depth: Option<u32>,
}
