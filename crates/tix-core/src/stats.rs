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
    /// Runs started in the period: outcomes, tokens and cost, retries.
    #[serde(default)]
    pub runs: RunStats,
}

/// Tokens and cost of the runs with one value of a key (an agent, a phase).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RunCost {
    /// The agent id, the phase id (as text; `none` for runs of no phase) or the ticket id.
    pub key: String,
    /// The ticket's title (per-ticket rows only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub runs: u64,
    /// Runs that reported tokens or a cost: with 0, the sums below say
    /// "not reported", not "free".
    #[serde(default)]
    #[schema(required = true)]
    pub reported_runs: u64,
    pub tokens_in: u64,
    pub tokens_out: u64,
    pub cost_usd: f64,
}

/// Runs per outcome (`open` for runs not ended).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OutcomeCount {
    pub outcome: String,
    pub count: u64,
}

/// How many attempts resolved tickets took.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Retries {
    /// Tickets resolved in the period that had at least one run.
    pub resolved_tickets: u64,
    /// Runs on those tickets (any time).
    pub runs: u64,
    /// `runs / resolved_tickets`; `null` when nothing was resolved.
    pub runs_per_resolved: Option<f64>,
}

/// Runs started in the period.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RunStats {
    pub runs: u64,
    pub by_outcome: Vec<OutcomeCount>,
    /// Runs that reported tokens or a cost (see [`RunCost::reported_runs`]).
    #[serde(default)]
    #[schema(required = true)]
    pub reported_runs: u64,
    pub tokens_in: u64,
    pub tokens_out: u64,
    pub cost_usd: f64,
    /// Most expensive first.
    pub by_agent: Vec<RunCost>,
    /// In phase order (`none` last).
    pub by_phase: Vec<RunCost>,
    /// The 20 most expensive tickets (then most runs).
    pub by_ticket: Vec<RunCost>,
    pub retries: Retries,
}

/// One run as the statistics see it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunFacts {
    pub ticket_id: String,
    pub title: String,
    pub agent_id: String,
    pub phase_id: Option<u32>,
    /// `None` while open.
    pub outcome: Option<String>,
    /// `None` when the run did not report it.
    pub tokens_in: Option<u64>,
    pub tokens_out: Option<u64>,
    pub cost_usd: Option<f64>,
}

impl RunFacts {
    fn reported(&self) -> bool {
        self.tokens_in.is_some() || self.tokens_out.is_some() || self.cost_usd.is_some()
    }
}

/// Tickets per run statistics list.
pub const RUN_STATS_TICKETS: usize = 20;

/// Aggregates the runs started in the period; `retries` is the backend's
/// (resolved tickets with runs, their runs).
pub fn run_stats(runs: &[RunFacts], retries: (u64, u64)) -> RunStats {
    use std::collections::BTreeMap;
    fn add(map: &mut BTreeMap<String, RunCost>, key: &str, title: Option<&str>, run: &RunFacts) {
        let entry = map.entry(key.to_string()).or_insert_with(|| RunCost {
            key: key.to_string(),
            title: title.map(str::to_string),
            ..RunCost::default()
        });
        entry.runs += 1;
        entry.reported_runs += u64::from(run.reported());
        entry.tokens_in += run.tokens_in.unwrap_or(0);
        entry.tokens_out += run.tokens_out.unwrap_or(0);
        entry.cost_usd += run.cost_usd.unwrap_or(0.0);
    }
    let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
    let (mut agents, mut phases, mut tickets) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    let mut stats = RunStats::default();
    for run in runs {
        stats.runs += 1;
        stats.reported_runs += u64::from(run.reported());
        stats.tokens_in += run.tokens_in.unwrap_or(0);
        stats.tokens_out += run.tokens_out.unwrap_or(0);
        stats.cost_usd += run.cost_usd.unwrap_or(0.0);
        *outcomes
            .entry(run.outcome.clone().unwrap_or_else(|| "open".into()))
            .or_default() += 1;
        add(&mut agents, &run.agent_id, None, run);
        let phase = run.phase_id.map_or_else(|| "none".to_string(), |p| p.to_string());
        add(&mut phases, &phase, None, run);
        add(&mut tickets, &run.ticket_id, Some(&run.title), run);
    }
    let by_cost = |a: &RunCost, b: &RunCost| {
        b.cost_usd
            .total_cmp(&a.cost_usd)
            .then(b.runs.cmp(&a.runs))
            .then(a.key.cmp(&b.key))
    };
    stats.by_outcome = outcomes
        .into_iter()
        .map(|(outcome, count)| OutcomeCount { outcome, count })
        .collect();
    stats.by_agent = agents.into_values().collect();
    stats.by_agent.sort_by(by_cost);
    stats.by_phase = phases.into_values().collect();
    stats
        .by_phase
        .sort_by_key(|p| p.key.parse::<u32>().map_or((1, 0), |n| (0, n)));
    stats.by_ticket = tickets.into_values().collect();
    stats.by_ticket.sort_by(by_cost);
    stats.by_ticket.truncate(RUN_STATS_TICKETS);
    let (resolved_tickets, retried_runs) = retries;
    stats.retries = Retries {
        resolved_tickets,
        runs: retried_runs,
        runs_per_resolved: (resolved_tickets > 0).then(|| retried_runs as f64 / resolved_tickets as f64),
    };
    stats
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

#[cfg(test)]
mod tests {
    use super::*;

    fn run(ticket: &str, agent: &str, phase: Option<u32>, outcome: Option<&str>, cost: f64) -> RunFacts {
        RunFacts {
            ticket_id: ticket.into(),
            title: format!("Title of {ticket}"),
            agent_id: agent.into(),
            phase_id: phase,
            outcome: outcome.map(str::to_string),
            tokens_in: Some(100),
            tokens_out: Some(10),
            cost_usd: Some(cost),
        }
    }

    #[test]
    fn runs_add_up_per_agent_phase_and_ticket() {
        let runs = vec![
            run("t1", "a", Some(2), Some("failed"), 0.5),
            run("t1", "b", Some(2), Some("succeeded"), 1.0),
            run("t2", "a", Some(3), None, 0.25),
            run("t3", "a", None, Some("abandoned"), 0.0),
        ];
        let stats = run_stats(&runs, (1, 2));
        assert_eq!((stats.runs, stats.tokens_in, stats.tokens_out), (4, 400, 40));
        assert!((stats.cost_usd - 1.75).abs() < 1e-9);
        assert_eq!(stats.by_agent[0].key, "b", "most expensive first");
        assert_eq!(stats.by_agent[1].runs, 3);
        let phases: Vec<&str> = stats.by_phase.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(phases, ["2", "3", "none"]);
        assert_eq!(stats.by_ticket[0].key, "t1");
        assert_eq!(stats.by_ticket[0].title.as_deref(), Some("Title of t1"));
        let open = stats.by_outcome.iter().find(|o| o.outcome == "open").map(|o| o.count);
        assert_eq!(open, Some(1));
        assert_eq!(stats.retries.runs_per_resolved, Some(2.0));
        assert_eq!(run_stats(&[], (0, 0)).retries.runs_per_resolved, None);
        assert_eq!(stats.reported_runs, 4);
    }

    #[test]
    fn runs_that_reported_nothing_are_counted_apart_from_free_ones() {
        let silent = RunFacts {
            tokens_in: None,
            tokens_out: None,
            cost_usd: None,
            ..run("t1", "quiet", None, Some("abandoned"), 0.0)
        };
        let free = run("t2", "cheap", None, Some("succeeded"), 0.0);
        let stats = run_stats(&[silent, free], (0, 0));
        assert_eq!((stats.runs, stats.reported_runs), (2, 1));
        let agent = |key: &str| {
            stats
                .by_agent
                .iter()
                .find(|a| a.key == key)
                .cloned()
                .unwrap_or_default()
        };
        assert_eq!(
            (agent("quiet").runs, agent("quiet").reported_runs),
            (1, 0),
            "nothing reported"
        );
        assert_eq!(
            (agent("cheap").reported_runs, agent("cheap").cost_usd),
            (1, 0.0),
            "reported as free"
        );
    }
}
