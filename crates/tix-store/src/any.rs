//! [`AnyStore`]: the backend a database URL names, behind one type, so the
//! binary stays generic-free while the server and CLI keep static dispatch
//! over [`Store`].

use tix_core::error::TicketRef;
use tix_core::ticket::{
    Comment, CriticalPath, Event, NewTicket, ReadyTicket, StatusChange, Ticket, TicketDetail, TicketFilter,
    TicketGraph, TicketPage, TicketPatch,
};
use tix_core::workflow::{NewWorkflow, Workflow};

use crate::{ClaimRequest, DatabaseUrl, Result, SqliteStore, Store};
#[cfg(feature = "postgres")]
use crate::{PgOptions, PgStore};

#[derive(Clone)]
pub enum AnyStore {
    Sqlite(SqliteStore),
    #[cfg(feature = "postgres")]
    Postgres(PgStore),
}

/// Options for opening a store from a URL.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// PostgreSQL connection pool size.
    pub pool_size: u32,
    /// Most dependency-graph nodes kept in memory, over all workflows.
    pub graph_cache_nodes: usize,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            pool_size: 16,
            graph_cache_nodes: crate::DEFAULT_GRAPH_CACHE_NODES,
        }
    }
}

impl AnyStore {
    /// Opens (creating and migrating) the database a URL names.
    pub async fn open(url: &DatabaseUrl, options: &OpenOptions) -> Result<Self> {
        let store = Self::open_backend(url, options).await?;
        match &store {
            AnyStore::Sqlite(s) => s.limit_graph_cache(options.graph_cache_nodes),
            #[cfg(feature = "postgres")]
            AnyStore::Postgres(s) => s.limit_graph_cache(options.graph_cache_nodes),
        }
        Ok(store)
    }

    async fn open_backend(url: &DatabaseUrl, options: &OpenOptions) -> Result<Self> {
        match url {
            DatabaseUrl::SqliteFile(_) | DatabaseUrl::SqliteMemory => Ok(AnyStore::Sqlite(SqliteStore::open_url(url)?)),
            #[cfg(feature = "postgres")]
            DatabaseUrl::Postgres(raw) => Ok(AnyStore::Postgres(
                PgStore::connect(
                    raw,
                    PgOptions {
                        max_connections: options.pool_size,
                        schema: None,
                    },
                )
                .await?,
            )),
            #[cfg(not(feature = "postgres"))]
            DatabaseUrl::Postgres(_) => {
                let _ = options;
                Err(crate::Error::Storage(
                    "this tix was built without PostgreSQL support (feature `postgres`)".into(),
                ))
            }
        }
    }

    /// Which backend this is, for logs.
    pub fn backend(&self) -> &'static str {
        match self {
            AnyStore::Sqlite(_) => "sqlite",
            #[cfg(feature = "postgres")]
            AnyStore::Postgres(_) => "postgres",
        }
    }
}

/// Forwards a call to whichever backend this is.
macro_rules! each {
    ($self:ident, $s:ident => $call:expr) => {
        match $self {
            AnyStore::Sqlite($s) => $call.await,
            #[cfg(feature = "postgres")]
            AnyStore::Postgres($s) => $call.await,
        }
    };
}

impl Store for AnyStore {
    async fn create_workflow(&self, actor: &str, new: NewWorkflow) -> Result<Workflow> {
        each!(self, s => s.create_workflow(actor, new))
    }
    async fn list_workflows(&self) -> Result<Vec<Workflow>> {
        each!(self, s => s.list_workflows())
    }
    async fn get_workflow(&self, id: &str) -> Result<Workflow> {
        each!(self, s => s.get_workflow(id))
    }
    async fn create_ticket(&self, actor: &str, new: NewTicket) -> Result<Ticket> {
        each!(self, s => s.create_ticket(actor, new))
    }
    async fn import_tickets(&self, actor: &str, workflow_id: &str, tickets: Vec<NewTicket>) -> Result<Vec<String>> {
        each!(self, s => s.import_tickets(actor, workflow_id, tickets))
    }
    async fn resolve_ticket_id(&self, input: &str) -> Result<String> {
        each!(self, s => s.resolve_ticket_id(input))
    }
    async fn get_ticket(&self, id: &str) -> Result<TicketDetail> {
        each!(self, s => s.get_ticket(id))
    }
    async fn list_tickets(
        &self,
        filter: TicketFilter,
        limit: Option<u32>,
        cursor: Option<String>,
    ) -> Result<TicketPage> {
        each!(self, s => s.list_tickets(filter, limit, cursor))
    }
    async fn update_ticket(&self, actor: &str, id: &str, patch: TicketPatch, expected: Option<u64>) -> Result<Ticket> {
        each!(self, s => s.update_ticket(actor, id, patch, expected))
    }
    async fn change_status(
        &self,
        actor: &str,
        id: &str,
        new_status: &str,
        comment: Option<String>,
        expected: Option<u64>,
    ) -> Result<StatusChange> {
        each!(self, s => s.change_status(actor, id, new_status, comment, expected))
    }
    async fn resolve(&self, actor: &str, id: &str, comment: Option<String>) -> Result<StatusChange> {
        each!(self, s => s.resolve(actor, id, comment))
    }
    async fn add_comment(&self, actor: &str, id: &str, text: &str) -> Result<Comment> {
        each!(self, s => s.add_comment(actor, id, text))
    }
    async fn add_blocker(&self, actor: &str, blocked: &str, blocker: &str) -> Result<Vec<TicketRef>> {
        each!(self, s => s.add_blocker(actor, blocked, blocker))
    }
    async fn remove_blocker(&self, actor: &str, blocked: &str, blocker: &str) -> Result<Vec<TicketRef>> {
        each!(self, s => s.remove_blocker(actor, blocked, blocker))
    }
    async fn ticket_graph(&self, id: &str, depth: Option<u32>) -> Result<TicketGraph> {
        each!(self, s => s.ticket_graph(id, depth))
    }
    async fn workflow_graph(&self, workflow_id: &str, include_resolved: bool) -> Result<TicketGraph> {
        each!(self, s => s.workflow_graph(workflow_id, include_resolved))
    }
    async fn critical_path(&self, workflow_id: &str) -> Result<CriticalPath> {
        each!(self, s => s.critical_path(workflow_id))
    }
    async fn ready(&self, workflow_id: &str, agent: Option<&str>, limit: u32) -> Result<Vec<ReadyTicket>> {
        each!(self, s => s.ready(workflow_id, agent, limit))
    }
    async fn claim(&self, request: ClaimRequest) -> Result<tix_core::claim::Claimed> {
        each!(self, s => s.claim(request))
    }
    async fn expire_leases(&self) -> Result<Vec<String>> {
        each!(self, s => s.expire_leases())
    }
    async fn has_expired_leases(&self) -> Result<bool> {
        each!(self, s => s.has_expired_leases())
    }
    async fn log_head(&self) -> Result<i64> {
        each!(self, s => s.log_head())
    }
    async fn events_after(&self, workflow_id: Option<&str>, after: i64, limit: u32) -> Result<Vec<Event>> {
        each!(self, s => s.events_after(workflow_id, after, limit))
    }
    async fn events_before(&self, workflow_id: Option<&str>, before: Option<i64>, limit: u32) -> Result<Vec<Event>> {
        each!(self, s => s.events_before(workflow_id, before, limit))
    }
}

impl crate::HierarchyStore for AnyStore {
    async fn move_ticket(&self, actor: &str, id: &str, request: crate::TicketMove) -> Result<StatusChange> {
        each!(self, s => crate::HierarchyStore::move_ticket(s, actor, id, request))
    }
}

impl crate::InteropStore for AnyStore {
    async fn export_workflow(&self, workflow_id: &str) -> Result<tix_core::interop::WorkflowExport> {
        each!(self, s => crate::InteropStore::export_workflow(s, workflow_id))
    }
    async fn import_file(
        &self,
        actor: &str,
        file: tix_core::interop::ExportFile,
        options: crate::ImportOptions,
    ) -> Result<tix_core::interop::ImportReport> {
        each!(self, s => crate::InteropStore::import_file(s, actor, file, options))
    }
}

impl crate::MetricsStore for AnyStore {
    async fn store_metrics(&self) -> Result<crate::StoreMetrics> {
        each!(self, s => crate::MetricsStore::store_metrics(s))
    }
}

impl crate::Scoped for AnyStore {
    fn scoped(&self, scope: crate::Scope) -> Self {
        match self {
            AnyStore::Sqlite(s) => AnyStore::Sqlite(s.scoped(scope)),
            #[cfg(feature = "postgres")]
            AnyStore::Postgres(s) => AnyStore::Postgres(s.scoped(scope)),
        }
    }

    fn scope(&self) -> crate::Scope {
        match self {
            AnyStore::Sqlite(s) => s.scope(),
            #[cfg(feature = "postgres")]
            AnyStore::Postgres(s) => s.scope(),
        }
    }
}

impl crate::RunStore for AnyStore {
    async fn heartbeat(&self, actor: &str, ticket_id: &str) -> Result<tix_core::run::Heartbeat> {
        each!(self, s => crate::RunStore::heartbeat(s, actor, ticket_id))
    }
    async fn finish_run(
        &self,
        actor: &str,
        run_id: &str,
        finish: tix_core::run::FinishRun,
    ) -> Result<tix_core::run::Run> {
        each!(self, s => crate::RunStore::finish_run(s, actor, run_id, finish))
    }
    async fn get_run(&self, run_id: &str) -> Result<tix_core::run::Run> {
        each!(self, s => crate::RunStore::get_run(s, run_id))
    }
    async fn list_runs(
        &self,
        filter: tix_core::run::RunFilter,
        limit: Option<u32>,
        cursor: Option<String>,
    ) -> Result<tix_core::run::RunPage> {
        each!(self, s => crate::RunStore::list_runs(s, filter, limit, cursor))
    }
}

impl crate::IdempotencyStore for AnyStore {
    async fn recorded_answer(&self, agent: &str, key: &str) -> Result<Option<crate::RecordedAnswer>> {
        each!(self, s => crate::IdempotencyStore::recorded_answer(s, agent, key))
    }
}

impl crate::WebhookStore for AnyStore {
    async fn create_webhook(
        &self,
        actor: &str,
        new: tix_core::webhook::NewWebhook,
    ) -> Result<tix_core::webhook::WebhookCreated> {
        each!(self, s => crate::WebhookStore::create_webhook(s, actor, new))
    }
    async fn list_webhooks(&self) -> Result<Vec<tix_core::webhook::Webhook>> {
        each!(self, s => crate::WebhookStore::list_webhooks(s))
    }
    async fn get_webhook(&self, id: &str) -> Result<tix_core::webhook::Webhook> {
        each!(self, s => crate::WebhookStore::get_webhook(s, id))
    }
    async fn delete_webhook(&self, id: &str) -> Result<tix_core::webhook::Webhook> {
        each!(self, s => crate::WebhookStore::delete_webhook(s, id))
    }
    async fn webhook_deliveries(
        &self,
        id: &str,
        limit: Option<u32>,
        cursor: Option<String>,
    ) -> Result<tix_core::webhook::DeliveryPage> {
        each!(self, s => crate::WebhookStore::webhook_deliveries(s, id, limit, cursor))
    }
    async fn has_due_deliveries(&self) -> Result<bool> {
        each!(self, s => crate::WebhookStore::has_due_deliveries(s))
    }
    async fn lease_due_webhooks(
        &self,
        sender: &str,
        lease: std::time::Duration,
        limit: u32,
    ) -> Result<Vec<crate::WebhookLease>> {
        each!(self, s => crate::WebhookStore::lease_due_webhooks(s, sender, lease, limit))
    }
    async fn next_due_delivery(
        &self,
        webhook_id: &str,
        sender: &str,
        lease: std::time::Duration,
    ) -> Result<Option<crate::DueDelivery>> {
        each!(self, s => crate::WebhookStore::next_due_delivery(s, webhook_id, sender, lease))
    }
    async fn record_attempt(
        &self,
        delivery: &crate::DueDelivery,
        attempt: crate::Attempt,
    ) -> Result<tix_core::webhook::DeliveryState> {
        each!(self, s => crate::WebhookStore::record_attempt(s, delivery, attempt))
    }
    async fn release_webhook(&self, webhook_id: &str, sender: &str) -> Result<()> {
        each!(self, s => crate::WebhookStore::release_webhook(s, webhook_id, sender))
    }
    async fn housekeeping(&self, keep_deliveries: std::time::Duration) -> Result<(u64, u64)> {
        each!(self, s => crate::WebhookStore::housekeeping(s, keep_deliveries))
    }
}

impl crate::EventFeed for AnyStore {
    fn subscribe_events(&self) -> tokio::sync::watch::Receiver<i64> {
        match self {
            AnyStore::Sqlite(s) => crate::EventFeed::subscribe_events(s),
            #[cfg(feature = "postgres")]
            AnyStore::Postgres(s) => crate::EventFeed::subscribe_events(s),
        }
    }
}

impl crate::StatsStore for AnyStore {
    async fn workflow_stats(&self, workflow_id: &str, days: u32) -> Result<tix_core::stats::WorkflowStats> {
        each!(self, s => crate::StatsStore::workflow_stats(s, workflow_id, days))
    }
}

impl crate::TaskStore for AnyStore {
    async fn create_task(&self, actor: &str, new: tix_core::task::NewTask) -> Result<tix_core::task::TaskCreated> {
        each!(self, s => crate::TaskStore::create_task(s, actor, new))
    }
    async fn get_task(&self, id: &str) -> Result<tix_core::task::Task> {
        each!(self, s => crate::TaskStore::get_task(s, id))
    }
    async fn list_tasks(
        &self,
        filter: tix_core::task::TaskFilter,
        limit: Option<u32>,
        cursor: Option<String>,
    ) -> Result<tix_core::task::TaskPage> {
        each!(self, s => crate::TaskStore::list_tasks(s, filter, limit, cursor))
    }
    async fn set_task_status(
        &self,
        actor: &str,
        id: &str,
        status: tix_core::task::TaskStatus,
        comment: Option<String>,
    ) -> Result<tix_core::task::Task> {
        each!(self, s => crate::TaskStore::set_task_status(s, actor, id, status, comment))
    }
}

impl crate::GuardianStore for AnyStore {
    async fn create_ticket_judged(
        &self,
        actor: &str,
        new: NewTicket,
        findings: Vec<tix_core::guardian::Finding>,
    ) -> Result<tix_core::ticket::TicketCreated> {
        each!(self, s => crate::GuardianStore::create_ticket_judged(s, actor, new, findings))
    }

    async fn guardian_violations(
        &self,
        workflow_id: &str,
        filter: tix_core::guardian::ViolationFilter,
    ) -> Result<Vec<tix_core::guardian::Violation>> {
        each!(self, s => crate::GuardianStore::guardian_violations(s, workflow_id, filter))
    }
}

impl crate::CommitStore for AnyStore {
    async fn link_commit(
        &self,
        actor: &str,
        ticket_id: &str,
        link: tix_core::commit::NewCommitLink,
    ) -> Result<tix_core::commit::CommitLinked> {
        each!(self, s => crate::CommitStore::link_commit(s, actor, ticket_id, link))
    }
}

impl crate::AgentStore for AnyStore {
    async fn create_agent_token(&self, agent_id: &str, admin: bool) -> Result<String> {
        each!(self, s => crate::AgentStore::create_agent_token(s, agent_id, admin))
    }
    async fn agent_for_token(&self, token: &str) -> Result<Option<crate::AgentToken>> {
        each!(self, s => crate::AgentStore::agent_for_token(s, token))
    }
    async fn list_agent_tokens(&self) -> Result<Vec<crate::AgentToken>> {
        each!(self, s => crate::AgentStore::list_agent_tokens(s))
    }
    async fn revoke_agent_token(&self, agent_id: &str) -> Result<bool> {
        each!(self, s => crate::AgentStore::revoke_agent_token(s, agent_id))
    }
}

/// Each backend's own [`crate::SearchStore`]: SQLite's FTS5/BM25 and
/// PostgreSQL's weighted `tsvector`, both keeping embeddings.
impl crate::SearchStore for AnyStore {
    fn stores_embeddings(&self) -> bool {
        match self {
            AnyStore::Sqlite(s) => crate::SearchStore::stores_embeddings(s),
            #[cfg(feature = "postgres")]
            AnyStore::Postgres(s) => crate::SearchStore::stores_embeddings(s),
        }
    }

    async fn keyword_search(
        &self,
        workflow_id: &str,
        query: &str,
        filter: &crate::SearchFilter,
        limit: u32,
    ) -> Result<Vec<crate::search::KeywordHit>> {
        each!(self, s => crate::SearchStore::keyword_search(s, workflow_id, query, filter, limit))
    }

    async fn filtered_seqs(&self, workflow_id: &str, filter: &crate::SearchFilter) -> Result<Vec<i64>> {
        each!(self, s => crate::SearchStore::filtered_seqs(s, workflow_id, filter))
    }

    async fn tickets_by_ids(&self, ids: &[String]) -> Result<Vec<Ticket>> {
        each!(self, s => crate::SearchStore::tickets_by_ids(s, ids))
    }

    async fn embedding_queue_head(&self) -> Result<Option<i64>> {
        each!(self, s => crate::SearchStore::embedding_queue_head(s))
    }

    async fn embedding_queue_len(&self) -> Result<u64> {
        each!(self, s => crate::SearchStore::embedding_queue_len(s))
    }

    async fn embedding_batch(&self, model_id: &str, limit: u32) -> Result<Vec<crate::search::EmbeddingSource>> {
        each!(self, s => crate::SearchStore::embedding_batch(s, model_id, limit))
    }

    async fn save_embeddings(
        &self,
        model_id: &str,
        embeddings: Vec<crate::search::NewEmbedding>,
        processed: Vec<(String, i64)>,
    ) -> Result<Vec<crate::search::SavedEmbedding>> {
        each!(self, s => crate::SearchStore::save_embeddings(s, model_id, embeddings, processed))
    }

    async fn queue_for_embedding(&self, model_id: &str, all: bool) -> Result<u64> {
        each!(self, s => crate::SearchStore::queue_for_embedding(s, model_id, all))
    }

    async fn drop_other_embeddings(&self, model_id: &str) -> Result<u64> {
        each!(self, s => crate::SearchStore::drop_other_embeddings(s, model_id))
    }

    async fn load_embeddings(&self, model_id: &str) -> Result<Vec<crate::search::StoredEmbedding>> {
        each!(self, s => crate::SearchStore::load_embeddings(s, model_id))
    }

    async fn embedding_changes_since(
        &self,
        model_id: &str,
        after: i64,
    ) -> Result<(Vec<crate::search::StoredEmbedding>, i64)> {
        each!(self, s => crate::SearchStore::embedding_changes_since(s, model_id, after))
    }

    async fn embedding_changes_head(&self) -> Result<i64> {
        each!(self, s => crate::SearchStore::embedding_changes_head(s))
    }
}
