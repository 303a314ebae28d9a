//! [`ServedStore`]: what a store must offer to be served. Its own module so
//! the router, authentication and MCP can all name it without depending on
//! one another.

use tix_store::{
    AgentStore, CommitStore, EventFeed, GuardianStore, HierarchyStore, IdempotencyStore, InteropStore, MetricsStore,
    RunStore, Scoped, SearchStore, StatsStore, Store, TaskStore, WebhookStore,
};

/// What a store must offer to be served: the domain operations, live event
/// notification, statistics, the agent interface (tasks, Guardian, commit
/// links, agent tokens), search, and coordination (runs, webhooks,
/// idempotency keys, request scopes), hierarchy, export/import and the
/// counts of `/metrics`.
pub trait ServedStore:
    Store
    + EventFeed
    + StatsStore
    + TaskStore
    + GuardianStore
    + CommitStore
    + AgentStore
    + SearchStore
    + RunStore
    + WebhookStore
    + IdempotencyStore
    + Scoped
    + HierarchyStore
    + InteropStore
    + MetricsStore
{
}
impl<S> ServedStore for S where
    S: Store
        + EventFeed
        + StatsStore
        + TaskStore
        + GuardianStore
        + CommitStore
        + AgentStore
        + SearchStore
        + RunStore
        + WebhookStore
        + IdempotencyStore
        + Scoped
        + HierarchyStore
        + InteropStore
        + MetricsStore
{
}
