//! [`StoreOn`]: the public store traits, implemented once for every
//! backend. Each method hands its operation (from [`crate::ops`]) to the
//! backend, which runs it in one transaction or one read snapshot.

use std::sync::Arc;

use tix_core::commit::{CommitLinked, NewCommitLink};
use tix_core::error::TicketRef;
use tix_core::guardian::{Finding, Violation, ViolationFilter};
use tix_core::task::{NewTask, Task, TaskCreated, TaskFilter, TaskPage, TaskStatus};
use tix_core::ticket::{
    Comment, CriticalPath, Event, NewTicket, ReadyTicket, StatusChange, Ticket, TicketCreated, TicketDetail,
    TicketFilter, TicketGraph, TicketPage, TicketPatch,
};
use tix_core::workflow::{NewWorkflow, Workflow};

use std::time::Duration;

use tix_core::claim::Claimed;
use tix_core::run::{FinishRun, Heartbeat, Run, RunFilter, RunPage};
use tix_core::webhook::{DeliveryPage, DeliveryState, NewWebhook, Webhook, WebhookCreated};

use crate::backend::{Backend, BoxFuture, Consistency};
use crate::graph_cache::GraphCache;
use crate::ops::moves::Target;
use crate::ops::{self, WriteCtx};
use crate::scope::{Scope, Scoped};
use crate::statements::{DueDelivery, RecordedAnswer, WebhookLease};
use crate::{
    AgentStore, AgentToken, ClaimRequest, CommitStore, EventFeed, GuardianStore, HierarchyStore, IdempotencyStore,
    ImportOptions, InteropStore, Result, RunStore, Store, TaskStore, TicketMove, WebhookStore,
};
use tix_core::interop::{ExportFile, ImportReport, WorkflowExport};

/// The store over one backend: [`crate::SqliteStore`] or
/// [`crate::PgStore`]. Cheap to clone.
#[derive(Clone)]
pub struct StoreOn<B> {
    pub(crate) backend: B,
    /// What this handle's writes carry (see [`Scoped`]).
    scope: Arc<Scope>,
}

impl<B> Scoped for StoreOn<B>
where
    B: Clone,
{
    fn scoped(&self, scope: Scope) -> Self {
        StoreOn {
            backend: self.backend.clone(),
            scope: Arc::new(scope),
        }
    }

    fn scope(&self) -> Scope {
        (*self.scope).clone()
    }
}

impl<B: Backend> StoreOn<B> {
    /// Bounds the in-memory dependency graphs to `nodes` in all: the least
    /// recently used workflows' graphs go first and are loaded again when
    /// next needed.
    pub fn limit_graph_cache(&self, nodes: usize) {
        self.backend.shared().graphs.set_limit(nodes);
    }

    /// What the graph cache holds and has done.
    pub fn graph_cache_stats(&self) -> crate::GraphCacheStats {
        self.backend.shared().graphs.stats()
    }

    pub(crate) fn new(backend: B) -> StoreOn<B> {
        StoreOn {
            backend,
            scope: Arc::new(Scope::default()),
        }
    }

    /// Runs a write operation; a Guardian refusal is recorded after the
    /// refused write rolled back, in a transaction of its own. The write
    /// sees this handle's scope; when the scope has an idempotency key and
    /// this is the write it guards, the rendered answer is kept under the
    /// key in the same transaction ([`Error::AlreadyAnswered`] when another
    /// request kept one first).
    pub(crate) async fn write<T, F>(&self, op: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'t> Fn(&'t mut B::Conn, &'t mut WriteCtx) -> BoxFuture<'t, Result<T>> + Send + Sync + 'static,
    {
        let op = Arc::new(op);
        let scope = self.scope.clone();
        let outcome = self
            .backend
            .write(Box::new(move |tx: &mut B::Conn, ctx: &mut WriteCtx| {
                let op = op.clone();
                let scope = scope.clone();
                Box::pin(async move {
                    ctx.set_scope(scope.clone());
                    let answer = op(&mut *tx, &mut *ctx).await?;
                    if let Some(keyed) = &scope.idempotency {
                        if let Some((status, body)) = keyed.render(&answer) {
                            ops::idempotency::keep(tx, keyed, status, body).await?;
                        }
                    }
                    // The write's events go last, in order (see `WriteCtx::flush`).
                    ctx.flush(tx).await?;
                    Ok(answer)
                }) as BoxFuture<'_, Result<T>>
            }))
            .await;
        if let Some(refused) = outcome.refused {
            let recorded = self
                .backend
                .write(Box::new(move |tx: &mut B::Conn, _: &mut WriteCtx| {
                    let refused = refused.clone();
                    Box::pin(async move { ops::guardian::record_refusal(tx, &refused).await })
                }))
                .await;
            if let Err(err) = recorded.result {
                tracing::warn!(%err, "could not record a Guardian refusal");
            }
        }
        outcome.result
    }

    pub(crate) async fn read<T, F>(&self, consistency: Consistency, op: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'t> FnOnce(&'t mut B::Conn, &'t GraphCache) -> BoxFuture<'t, Result<T>> + Send + 'static,
    {
        self.backend.read(consistency, Box::new(op)).await
    }
}

/// Arguments an operation keeps across retried attempts.
fn keep<T>(value: T) -> Arc<T> {
    Arc::new(value)
}

impl<B: Backend> Store for StoreOn<B> {
    async fn create_workflow(&self, actor: &str, new: NewWorkflow) -> Result<Workflow> {
        let args = keep((actor.to_owned(), new));
        self.write(move |tx, ctx| {
            let args = args.clone();
            Box::pin(async move { ops::workflows::create_workflow(tx, ctx, &args.0, &args.1).await })
        })
        .await
    }

    async fn list_workflows(&self) -> Result<Vec<Workflow>> {
        self.read(Consistency::Single, |conn, _| {
            Box::pin(async move { ops::workflows::list_workflows(conn).await })
        })
        .await
    }

    async fn get_workflow(&self, id: &str) -> Result<Workflow> {
        let id = id.to_owned();
        self.read(Consistency::Single, move |conn, _| {
            Box::pin(async move { ops::require_workflow(conn, &id).await })
        })
        .await
    }

    async fn create_ticket(&self, actor: &str, new: NewTicket) -> Result<Ticket> {
        self.create_ticket_judged(actor, new, Vec::new())
            .await
            .map(|created| created.ticket)
    }

    async fn import_tickets(&self, actor: &str, workflow_id: &str, tickets: Vec<NewTicket>) -> Result<Vec<String>> {
        let args = keep((actor.to_owned(), workflow_id.to_owned(), tickets));
        self.write(move |tx, ctx| {
            let args = args.clone();
            Box::pin(async move { ops::tickets::import_tickets(tx, ctx, &args.0, &args.1, &args.2).await })
        })
        .await
    }

    async fn resolve_ticket_id(&self, input: &str) -> Result<String> {
        let input = input.to_owned();
        self.read(Consistency::Single, move |conn, _| {
            Box::pin(async move { ops::resolve_ticket_id(conn, &input).await })
        })
        .await
    }

    async fn get_ticket(&self, id: &str) -> Result<TicketDetail> {
        let id = id.to_owned();
        self.read(Consistency::Snapshot, move |conn, _| {
            Box::pin(async move { ops::reads::ticket_detail(conn, &id).await })
        })
        .await
    }

    async fn list_tickets(
        &self,
        filter: TicketFilter,
        limit: Option<u32>,
        cursor: Option<String>,
    ) -> Result<TicketPage> {
        self.read(Consistency::Single, move |conn, _| {
            Box::pin(async move { ops::reads::list_tickets(conn, &filter, limit, cursor.as_deref()).await })
        })
        .await
    }

    async fn update_ticket(
        &self,
        actor: &str,
        id: &str,
        patch: TicketPatch,
        expected_version: Option<u64>,
    ) -> Result<Ticket> {
        let args = keep((actor.to_owned(), id.to_owned(), patch));
        self.write(move |tx, ctx| {
            let args = args.clone();
            Box::pin(
                async move { ops::tickets::update_ticket(tx, ctx, &args.0, &args.1, &args.2, expected_version).await },
            )
        })
        .await
    }

    async fn change_status(
        &self,
        actor: &str,
        id: &str,
        new_status: &str,
        comment: Option<String>,
        expected_version: Option<u64>,
    ) -> Result<StatusChange> {
        let args = keep((actor.to_owned(), id.to_owned(), new_status.to_owned(), comment));
        self.write(move |tx, ctx| {
            let args = args.clone();
            Box::pin(async move {
                let (actor, id, to, comment) = &*args;
                let target = Target::Status(to);
                ops::moves::change_status(tx, ctx, actor, id, target, comment.clone(), expected_version, false).await
            })
        })
        .await
    }

    async fn resolve(&self, actor: &str, id: &str, comment: Option<String>) -> Result<StatusChange> {
        let args = keep((actor.to_owned(), id.to_owned(), comment));
        self.write(move |tx, ctx| {
            let args = args.clone();
            Box::pin(async move {
                let (actor, id, comment) = &*args;
                ops::moves::change_status(tx, ctx, actor, id, Target::Resolve, comment.clone(), None, false).await
            })
        })
        .await
    }

    async fn add_comment(&self, actor: &str, id: &str, text: &str) -> Result<Comment> {
        let args = keep((actor.to_owned(), id.to_owned(), text.to_owned()));
        self.write(move |tx, ctx| {
            let args = args.clone();
            Box::pin(async move { ops::comments::add_comment(tx, ctx, &args.0, &args.1, &args.2).await })
        })
        .await
    }

    async fn add_blocker(&self, actor: &str, blocked: &str, blocker: &str) -> Result<Vec<TicketRef>> {
        let args = keep((actor.to_owned(), blocked.to_owned(), blocker.to_owned()));
        self.write(move |tx, ctx| {
            let args = args.clone();
            Box::pin(async move { ops::edges::add_blocker(tx, ctx, &args.0, &args.1, &args.2).await })
        })
        .await
    }

    async fn remove_blocker(&self, actor: &str, blocked: &str, blocker: &str) -> Result<Vec<TicketRef>> {
        let args = keep((actor.to_owned(), blocked.to_owned(), blocker.to_owned()));
        self.write(move |tx, ctx| {
            let args = args.clone();
            Box::pin(async move { ops::edges::remove_blocker(tx, ctx, &args.0, &args.1, &args.2).await })
        })
        .await
    }

    async fn ticket_graph(&self, id: &str, depth: Option<u32>) -> Result<TicketGraph> {
        let id = id.to_owned();
        self.read(Consistency::Snapshot, move |conn, graphs| {
            Box::pin(async move { ops::graphs::ticket_graph(conn, graphs, &id, depth).await })
        })
        .await
    }

    async fn workflow_graph(&self, workflow_id: &str, include_resolved: bool) -> Result<TicketGraph> {
        let workflow_id = workflow_id.to_owned();
        self.read(Consistency::Snapshot, move |conn, graphs| {
            Box::pin(async move { ops::graphs::workflow_graph(conn, graphs, &workflow_id, include_resolved).await })
        })
        .await
    }

    async fn critical_path(&self, workflow_id: &str) -> Result<CriticalPath> {
        let workflow_id = workflow_id.to_owned();
        self.read(Consistency::Snapshot, move |conn, graphs| {
            Box::pin(async move { ops::graphs::critical_path(conn, graphs, &workflow_id).await })
        })
        .await
    }

    async fn ready(&self, workflow_id: &str, agent: Option<&str>, limit: u32) -> Result<Vec<ReadyTicket>> {
        if self.has_expired_leases().await? {
            self.expire_leases().await?;
        }
        for _ in 0..2 {
            let (id, agent) = (workflow_id.to_owned(), agent.map(str::to_owned));
            let ready = self
                .read(Consistency::Snapshot, move |conn, _| {
                    Box::pin(async move { ops::claims::ready(conn, &id, agent.as_deref(), limit).await })
                })
                .await?;
            if let Some(ready) = ready {
                return Ok(ready);
            }
            // A workflow older than the ranking column: its counts, once.
            let workflow_id = keep(workflow_id.to_owned());
            self.write(move |tx, ctx| {
                let workflow_id = workflow_id.clone();
                Box::pin(async move { ops::ranks::backfill(tx, ctx.graphs(), &workflow_id).await })
            })
            .await?;
        }
        Err(crate::Error::Storage(
            "the ready queue's ranks were computed but are still missing".into(),
        ))
    }

    async fn claim(&self, request: ClaimRequest) -> Result<Claimed> {
        let request = keep(request);
        self.write(move |tx, ctx| {
            let request = request.clone();
            Box::pin(async move { ops::claims::claim(tx, ctx, &request).await })
        })
        .await
    }

    async fn expire_leases(&self) -> Result<Vec<String>> {
        self.write(|tx, ctx| Box::pin(async move { ops::claims::expire_leases(tx, ctx).await }))
            .await
    }

    async fn has_expired_leases(&self) -> Result<bool> {
        self.read(Consistency::Single, |conn, _| {
            Box::pin(async move { ops::claims::has_expired_leases(conn).await })
        })
        .await
    }

    async fn log_head(&self) -> Result<i64> {
        use crate::statements::LogStatements;
        self.read(Consistency::Single, |conn, _| {
            Box::pin(async move { conn.log_head().await })
        })
        .await
    }

    async fn events_after(&self, workflow_id: Option<&str>, after: i64, limit: u32) -> Result<Vec<Event>> {
        let workflow_id = workflow_id.map(str::to_owned);
        self.read(Consistency::Single, move |conn, _| {
            Box::pin(async move { ops::reads::events_after(conn, workflow_id.as_deref(), after, limit).await })
        })
        .await
    }

    async fn events_before(&self, workflow_id: Option<&str>, before: Option<i64>, limit: u32) -> Result<Vec<Event>> {
        let workflow_id = workflow_id.map(str::to_owned);
        self.read(Consistency::Single, move |conn, _| {
            Box::pin(async move { ops::reads::events_before(conn, workflow_id.as_deref(), before, limit).await })
        })
        .await
    }
}

impl<B: Backend> TaskStore for StoreOn<B> {
    async fn create_task(&self, actor: &str, new: NewTask) -> Result<TaskCreated> {
        let args = keep((actor.to_owned(), new));
        self.write(move |tx, ctx| {
            let args = args.clone();
            Box::pin(async move { ops::tasks::create_task(tx, ctx, &args.0, &args.1).await })
        })
        .await
    }

    async fn get_task(&self, id: &str) -> Result<Task> {
        let id = id.to_owned();
        self.read(Consistency::Single, move |conn, _| {
            Box::pin(async move { ops::tasks::get_task(conn, &id).await })
        })
        .await
    }

    async fn list_tasks(&self, filter: TaskFilter, limit: Option<u32>, cursor: Option<String>) -> Result<TaskPage> {
        self.read(Consistency::Single, move |conn, _| {
            Box::pin(async move { ops::tasks::list_tasks(conn, &filter, limit, cursor.as_deref()).await })
        })
        .await
    }

    async fn set_task_status(
        &self,
        actor: &str,
        id: &str,
        status: TaskStatus,
        comment: Option<String>,
    ) -> Result<Task> {
        let args = keep((actor.to_owned(), id.to_owned(), comment));
        self.write(move |tx, ctx| {
            let args = args.clone();
            Box::pin(async move {
                let (actor, id, comment) = &*args;
                ops::tasks::set_task_status(tx, ctx, actor, id, status, comment.clone()).await
            })
        })
        .await
    }
}

impl<B: Backend> GuardianStore for StoreOn<B> {
    async fn create_ticket_judged(&self, actor: &str, new: NewTicket, findings: Vec<Finding>) -> Result<TicketCreated> {
        let args = keep((actor.to_owned(), new, findings));
        self.write(move |tx, ctx| {
            let args = args.clone();
            Box::pin(async move {
                let (actor, new, findings) = &*args;
                ops::tickets::create_ticket(tx, ctx, actor, new, findings.clone()).await
            })
        })
        .await
    }

    async fn guardian_violations(&self, workflow_id: &str, filter: ViolationFilter) -> Result<Vec<Violation>> {
        let workflow_id = workflow_id.to_owned();
        self.read(Consistency::Single, move |conn, _| {
            Box::pin(async move { ops::guardian::violations(conn, &workflow_id, &filter).await })
        })
        .await
    }
}

impl<B: Backend> CommitStore for StoreOn<B> {
    async fn link_commit(&self, actor: &str, ticket_id: &str, link: NewCommitLink) -> Result<CommitLinked> {
        let args = keep((actor.to_owned(), ticket_id.to_owned(), link));
        self.write(move |tx, ctx| {
            let args = args.clone();
            Box::pin(async move { ops::commits::link_commit(tx, ctx, &args.0, &args.1, &args.2).await })
        })
        .await
    }
}

impl<B: Backend> AgentStore for StoreOn<B> {
    async fn create_agent_token(&self, agent_id: &str, admin: bool) -> Result<String> {
        let agent_id = keep(agent_id.to_owned());
        self.write(move |tx, _| {
            let agent_id = agent_id.clone();
            Box::pin(async move { ops::tokens::create(tx, &agent_id, admin).await })
        })
        .await
    }

    async fn agent_for_token(&self, token: &str) -> Result<Option<AgentToken>> {
        let token = token.to_owned();
        self.read(Consistency::Single, move |conn, _| {
            Box::pin(async move { ops::tokens::lookup(conn, &token).await })
        })
        .await
    }

    async fn list_agent_tokens(&self) -> Result<Vec<AgentToken>> {
        self.read(Consistency::Single, |conn, _| {
            Box::pin(async move { ops::tokens::list(conn).await })
        })
        .await
    }

    async fn revoke_agent_token(&self, agent_id: &str) -> Result<bool> {
        let agent_id = keep(agent_id.to_owned());
        self.write(move |tx, _| {
            let agent_id = agent_id.clone();
            Box::pin(async move { ops::tokens::revoke(tx, &agent_id).await })
        })
        .await
    }
}

impl<B: Backend> RunStore for StoreOn<B> {
    async fn heartbeat(&self, actor: &str, ticket_id: &str) -> Result<Heartbeat> {
        let args = keep((actor.to_owned(), ticket_id.to_owned()));
        self.write(move |tx, ctx| {
            let args = args.clone();
            Box::pin(async move { ops::runs::heartbeat(tx, ctx, &args.0, &args.1).await })
        })
        .await
    }

    async fn finish_run(&self, actor: &str, run_id: &str, finish: FinishRun) -> Result<Run> {
        let args = keep((actor.to_owned(), run_id.to_owned(), finish));
        self.write(move |tx, ctx| {
            let args = args.clone();
            Box::pin(async move { ops::runs::finish_run(tx, ctx, &args.0, &args.1, &args.2).await })
        })
        .await
    }

    async fn get_run(&self, run_id: &str) -> Result<Run> {
        let run_id = run_id.to_owned();
        self.read(Consistency::Single, move |conn, _| {
            Box::pin(async move { ops::runs::get_run(conn, &run_id).await })
        })
        .await
    }

    async fn list_runs(&self, filter: RunFilter, limit: Option<u32>, cursor: Option<String>) -> Result<RunPage> {
        self.read(Consistency::Single, move |conn, _| {
            Box::pin(async move { ops::runs::list_runs(conn, &filter, limit, cursor.as_deref()).await })
        })
        .await
    }
}

impl<B: Backend> IdempotencyStore for StoreOn<B> {
    async fn recorded_answer(&self, agent: &str, key: &str) -> Result<Option<RecordedAnswer>> {
        let (agent, key) = (agent.to_owned(), key.to_owned());
        self.read(Consistency::Single, move |conn, _| {
            Box::pin(async move { ops::idempotency::recorded(conn, &agent, &key).await })
        })
        .await
    }
}

impl<B: Backend> WebhookStore for StoreOn<B> {
    async fn create_webhook(&self, actor: &str, new: NewWebhook) -> Result<WebhookCreated> {
        let args = keep((actor.to_owned(), new));
        self.write(move |tx, _| {
            let args = args.clone();
            Box::pin(async move { ops::webhooks::create_webhook(tx, &args.0, &args.1).await })
        })
        .await
    }

    async fn list_webhooks(&self) -> Result<Vec<Webhook>> {
        use crate::statements::WebhookStatements;
        self.read(Consistency::Single, |conn, _| {
            Box::pin(async move { conn.webhooks().await })
        })
        .await
    }

    async fn get_webhook(&self, id: &str) -> Result<Webhook> {
        let id = id.to_owned();
        self.read(Consistency::Single, move |conn, _| {
            Box::pin(async move { ops::webhooks::require_webhook(conn, &id).await })
        })
        .await
    }

    async fn delete_webhook(&self, id: &str) -> Result<Webhook> {
        let id = keep(id.to_owned());
        self.write(move |tx, _| {
            let id = id.clone();
            Box::pin(async move { ops::webhooks::delete_webhook(tx, &id).await })
        })
        .await
    }

    async fn webhook_deliveries(&self, id: &str, limit: Option<u32>, cursor: Option<String>) -> Result<DeliveryPage> {
        let id = id.to_owned();
        self.read(Consistency::Single, move |conn, _| {
            Box::pin(async move { ops::webhooks::deliveries(conn, &id, limit, cursor.as_deref()).await })
        })
        .await
    }

    async fn has_due_deliveries(&self) -> Result<bool> {
        use crate::statements::WebhookStatements;
        self.read(Consistency::Single, |conn, _| {
            Box::pin(async move { conn.has_due_deliveries(ops::now()).await })
        })
        .await
    }

    async fn lease_due_webhooks(&self, sender: &str, lease: Duration, limit: u32) -> Result<Vec<WebhookLease>> {
        let sender = keep(sender.to_owned());
        self.write(move |tx, _| {
            let sender = sender.clone();
            Box::pin(async move { ops::webhooks::lease_due(tx, &sender, lease, limit).await })
        })
        .await
    }

    async fn next_due_delivery(&self, webhook_id: &str, sender: &str, lease: Duration) -> Result<Option<DueDelivery>> {
        let args = keep((webhook_id.to_owned(), sender.to_owned()));
        self.write(move |tx, _| {
            let args = args.clone();
            Box::pin(async move { ops::webhooks::next_due(tx, &args.0, &args.1, lease).await })
        })
        .await
    }

    async fn record_attempt(&self, delivery: &DueDelivery, attempt: ops::webhooks::Attempt) -> Result<DeliveryState> {
        let args = keep((delivery.clone(), attempt));
        self.write(move |tx, _| {
            let args = args.clone();
            Box::pin(async move { ops::webhooks::record(tx, &args.0, &args.1).await })
        })
        .await
    }

    async fn release_webhook(&self, webhook_id: &str, sender: &str) -> Result<()> {
        use crate::statements::WebhookStatements;
        let args = keep((webhook_id.to_owned(), sender.to_owned()));
        self.write(move |tx, _| {
            let args = args.clone();
            Box::pin(async move { tx.release_webhook(&args.0, &args.1).await })
        })
        .await
    }

    async fn housekeeping(&self, keep_deliveries: Duration) -> Result<(u64, u64)> {
        self.write(move |tx, _| Box::pin(async move { ops::webhooks::housekeeping(tx, keep_deliveries).await }))
            .await
    }
}

impl<B: Backend> HierarchyStore for StoreOn<B> {
    async fn move_ticket(&self, actor: &str, id: &str, request: TicketMove) -> Result<StatusChange> {
        let args = keep((actor.to_owned(), id.to_owned(), request));
        self.write(move |tx, ctx| {
            let args = args.clone();
            Box::pin(async move {
                let (actor, id, request) = &*args;
                let target = match &request.to {
                    Some(status) => Target::Status(status),
                    None => Target::Resolve,
                };
                let comment = request.comment.clone();
                ops::moves::change_status(
                    tx,
                    ctx,
                    actor,
                    id,
                    target,
                    comment,
                    request.expected_version,
                    request.force,
                )
                .await
            })
        })
        .await
    }
}

impl<B: Backend> crate::MetricsStore for StoreOn<B> {
    async fn store_metrics(&self) -> Result<crate::StoreMetrics> {
        let pool = self.backend.pool_stats();
        let mut metrics = self
            .read(Consistency::Snapshot, |conn, _| {
                Box::pin(async move { ops::metrics::store_metrics(conn).await })
            })
            .await?;
        metrics.pool = pool;
        metrics.backend = B::NAME;
        Ok(metrics)
    }
}

impl<B: Backend> InteropStore for StoreOn<B> {
    async fn export_workflow(&self, workflow_id: &str) -> Result<WorkflowExport> {
        let workflow_id = workflow_id.to_owned();
        self.read(Consistency::Snapshot, move |conn, _| {
            Box::pin(async move { ops::interop::export_workflow(conn, &workflow_id).await })
        })
        .await
    }

    async fn import_file(&self, actor: &str, file: ExportFile, options: ImportOptions) -> Result<ImportReport> {
        let args = keep((actor.to_owned(), file, options));
        self.write(move |tx, ctx| {
            let args = args.clone();
            Box::pin(async move { ops::interop::import_file(tx, ctx, &args.0, &args.1, &args.2).await })
        })
        .await
    }
}

impl<B: Backend> StoreOn<B> {
    /// Changes after every commit that wrote events through this store (on
    /// PostgreSQL, through any replica on the database: see
    /// `postgres::listen_for_events`). Read the events with
    /// [`Store::events_after`].
    pub fn subscribe_events(&self) -> tokio::sync::watch::Receiver<i64> {
        self.backend.shared().last_event.subscribe()
    }
}

impl<B: Backend> EventFeed for StoreOn<B> {
    fn subscribe_events(&self) -> tokio::sync::watch::Receiver<i64> {
        StoreOn::subscribe_events(self)
    }
}
