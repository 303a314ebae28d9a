//! The shape of `GET /api/workflows/{id}/stats`: counts, flow and timing of a
//! workflow. Backends compute it from their tickets and history tables.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ticket::Priority;

/// Tickets with one value of a field (a status, a type, a priority).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Count {
    pub key: String,
    /// Every ticket with this value.
    pub total: u64,
    /// Of those, the unresolved ones.
    pub open: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AssigneeCount {
    /// `null` counts the unassigned tickets.
    pub agent_id: Option<String>,
    pub total: u64,
    pub open: u64,
}

/// An unresolved ticket waiting on unresolved blockers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BlockedTicket {
    pub id: String,
    pub title: String,
    pub status: String,
    pub priority: Priority,
    pub assigned_agent_id: Option<String>,
    /// How many of its blockers are unresolved.
    pub open_blockers: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BlockedNow {
    pub count: u64,
    /// The most urgent ones (priority, then age), at most 20.
    pub tickets: Vec<BlockedTicket>,
}

/// What happened on one UTC day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DayThroughput {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    /// Tickets created that day.
    pub created: u64,
    /// Resolutions that day (a ticket resolved twice counts twice).
    pub resolved: u64,
}

/// Distribution of a duration over the tickets resolved in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DurationStats {
    /// Tickets measured.
    pub count: u64,
    /// Nearest-rank percentiles, in seconds; `null` when nothing was measured.
    pub median_seconds: Option<f64>,
    pub p85_seconds: Option<f64>,
    pub mean_seconds: Option<f64>,
}

/// Tickets per status at the end of each day, rebuilt from the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CumulativeFlow {
    /// Statuses in board order (then any no longer on the board).
    pub statuses: Vec<String>,
    pub days: Vec<FlowDay>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FlowDay {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    /// Tickets in each of `statuses` (same order) at the end of the day.
    pub counts: Vec<u64>,
}

/// What one agent holds and did in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AgentWorkload {
    pub agent_id: String,
    /// Unresolved tickets assigned to the agent.
    pub open: u64,
    /// Of those, the ones out of the initial column.
    pub in_progress: u64,
    /// Of those, the blocked ones.
    pub blocked: u64,
    /// Resolutions by the agent in the period.
    pub resolved: u64,
    /// History rows written by the agent in the period (moves, comments, …).
    pub actions: u64,
    pub last_active_at: Option<DateTime<Utc>>,
}

/// `GET /api/workflows/{id}/stats`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WorkflowStats {
    pub workflow_id: String,
    pub generated_at: DateTime<Utc>,
    /// Length of the period of the per-day series and timings, in days.
    pub days: u32,
    /// First day of the period (`YYYY-MM-DD`, UTC).
    pub since: String,
    pub total: u64,
    pub open: u64,
    pub resolved: u64,
    /// Every board column in order (zeros included), then any other status.
    pub by_status: Vec<Count>,
    pub by_type: Vec<Count>,
    /// Critical first.
    pub by_priority: Vec<Count>,
    /// Busiest first; unassigned as `agent_id: null`.
    pub by_assignee: Vec<AssigneeCount>,
    pub blocked_now: BlockedNow,
    /// Unresolved, unblocked tickets in the initial column, unassigned.
    pub ready_now: u64,
    /// One entry per day of the period, oldest first.
    pub throughput: Vec<DayThroughput>,
    /// Creation to resolution, over tickets resolved in the period.
    pub lead_time: DurationStats,
    /// First move out of the initial column to resolution, same tickets.
    pub cycle_time: DurationStats,
    pub cumulative_flow: CumulativeFlow,
    /// Agents holding tickets or active in the period, busiest first.
    pub workload: Vec<AgentWorkload>,
}

/// Puts `order`'s keys first, in that order (zeros for missing ones), then
/// the rest as found. Backends count with SQL; this fixes the shape.
pub fn in_order(mut found: Vec<Count>, order: &[&str]) -> Vec<Count> {
    let mut out = Vec::with_capacity(order.len() + found.len());
    for key in order {
        match found.iter().position(|c| c.key == *key) {
            Some(i) => out.push(found.remove(i)),
            None => out.push(Count {
                key: (*key).to_string(),
                total: 0,
                open: 0,
            }),
        }
    }
    out.extend(found);
    out
}

/// Counts per priority, most urgent first, from (rank, total, open) rows.
pub fn by_priority(ranked: &[(i64, u64, u64)]) -> Vec<Count> {
    Priority::ALL
        .iter()
        .rev()
        .map(|p| {
            let (total, open) = ranked
                .iter()
                .find(|(rank, _, _)| *rank == p.rank())
                .map(|(_, t, o)| (*t, *o))
                .unwrap_or((0, 0));
            Count {
                key: p.as_str().to_string(),
                total,
                open,
            }
        })
        .collect()
}

/// Builds the cumulative flow from (day, status, count) cells ordered by
/// day: the board's columns first, then any other status seen; `all_days`
/// gives the rows when there is no history at all.
pub fn cumulative_flow(
    columns: Vec<String>,
    cells: Vec<(String, String, i64)>,
    all_days: Vec<String>,
) -> CumulativeFlow {
    let mut statuses = columns;
    for (_, status, _) in &cells {
        if !statuses.contains(status) {
            statuses.push(status.clone());
        }
    }
    let mut days: Vec<FlowDay> = Vec::new();
    for (day, status, count) in cells {
        if days.last().is_none_or(|d| d.day != day) {
            days.push(FlowDay {
                day: day.clone(),
                counts: vec![0; statuses.len()],
            });
        }
        if let (Some(last), Some(i)) = (days.last_mut(), statuses.iter().position(|s| *s == status)) {
            last.counts[i] = count.max(0) as u64;
        }
    }
    if days.is_empty() {
        days = all_days
            .into_iter()
            .map(|day| FlowDay {
                day,
                counts: vec![0; statuses.len()],
            })
            .collect();
    }
    CumulativeFlow { statuses, days }
}
