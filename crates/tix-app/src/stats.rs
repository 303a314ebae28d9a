//! A workflow's statistics over a period.

use tix_core::stats::WorkflowStats;
use tix_core::validate;
use tix_store::{Result, SearchStore, StatsStore, Store};

use crate::App;

impl<S: Store + SearchStore> App<S> {
    /// Counts, throughput, lead and cycle time, cumulative flow and
    /// workload over the last `days` days (30 when absent, 1..=365).
    pub async fn workflow_stats(&self, workflow_id: &str, days: Option<u32>) -> Result<WorkflowStats>
    where
        S: StatsStore,
    {
        // The range (1..=365) is checked once, by the store (`validate::stats_days`).
        let days = days.unwrap_or(validate::DEFAULT_STATS_DAYS);
        self.store.workflow_stats(workflow_id, days).await
    }
}
