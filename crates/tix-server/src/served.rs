//! [`ServedStore`]: what a store must offer to be served. Its own module so
//! the router, authentication and MCP can all name it without depending on
//! one another.

use tix_store::{AgentStore, CommitStore, EventFeed, GuardianStore, SearchStore, StatsStore, Store, TaskStore};

/// What a store must offer to be served: the domain operations, live event
/// notification, statistics, and the agent interface (tasks, Guardian,
/// commit links, agent tokens) and search.
pub trait ServedStore:
    Store + EventFeed + StatsStore + TaskStore + GuardianStore + CommitStore + AgentStore + SearchStore
{
}
impl<S: Store + EventFeed + StatsStore + TaskStore + GuardianStore + CommitStore + AgentStore + SearchStore> ServedStore
    for S
{
}
