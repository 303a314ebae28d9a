//! `StatsStore` on SQLite: every figure is one SQL query over `tickets` and
//! `ticket_history` (no extra tables). Per-day series come from a recursive
//! CTE of the period's days; the cumulative flow replays the history's status
//! changes as +1/-1 deltas and sums them with a window function.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection};
use tix_core::stats::{
    AgentWorkload, AssigneeCount, BlockedNow, BlockedTicket, Count, CumulativeFlow, DayThroughput, DurationStats,
    WorkflowStats,
};
use tix_core::ticket::Priority;
use tix_core::workflow::Workflow;

use super::rows::load_workflow;
use crate::SqliteStore;
use crate::{Result, StatsStore};

const BLOCKED_LIST: u32 = 20;

impl StatsStore for SqliteStore {
    async fn workflow_stats(&self, workflow_id: &str, days: u32) -> Result<WorkflowStats> {
        let days = tix_core::validate::stats_days(Some(days))?;
        let workflow_id = workflow_id.to_string();
        self.read_sql(move |conn| workflow_stats(conn, &workflow_id, days, Utc::now()))
            .await
    }
}

/// The statistics of a workflow as of `now`.
pub(crate) fn workflow_stats(
    conn: &Connection,
    workflow_id: &str,
    days: u32,
    now: DateTime<Utc>,
) -> Result<WorkflowStats> {
    let workflow = load_workflow(conn, workflow_id)?;
    let today = now.date_naive();
    let since = (today - Duration::days(i64::from(days) - 1))
        .format("%Y-%m-%d")
        .to_string();
    let today = today.format("%Y-%m-%d").to_string();
    let id = workflow.id.as_str();

    let (total, open): (i64, i64) = conn.query_row(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE is_resolved = 0) FROM tickets WHERE workflow_id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let ready_now: i64 = conn.query_row(
        "SELECT COUNT(*) FROM tickets WHERE workflow_id = ?1 AND status = ?2 AND is_resolved = 0 \
         AND open_blockers = 0 AND open_children = 0 AND assigned_agent_id IS NULL",
        params![id, workflow.board_config.initial_status],
        |r| r.get(0),
    )?;

    Ok(WorkflowStats {
        workflow_id: workflow.id.clone(),
        generated_at: now,
        days,
        since: since.clone(),
        total: total as u64,
        open: open as u64,
        resolved: (total - open) as u64,
        by_status: by_status(conn, &workflow)?,
        by_type: by_type(conn, &workflow)?,
        by_priority: by_priority(conn, id)?,
        by_assignee: by_assignee(conn, id)?,
        blocked_now: blocked_now(conn, id)?,
        ready_now: ready_now as u64,
        throughput: throughput(conn, id, &since, &today)?,
        lead_time: durations(conn, id, &since, "created_at")?,
        cycle_time: durations(conn, id, &since, "started_at")?,
        cumulative_flow: cumulative_flow(conn, &workflow, &since, &today)?,
        workload: workload(conn, id, &workflow.board_config.initial_status, &since)?,
        runs: run_stats(conn, id, &since)?,
    })
}

/// Runs started since `since` (a `YYYY-MM-DD` day: RFC 3339 text sorts after it).
fn run_stats(conn: &Connection, id: &str, since: &str) -> Result<tix_core::stats::RunStats> {
    let runs = conn
        .prepare_cached(
            "SELECT r.ticket_id, t.title, r.agent_id, r.phase_id, r.outcome, r.tokens_in, \
             r.tokens_out, r.cost_usd FROM runs r JOIN tickets t ON t.id = r.ticket_id \
             WHERE r.workflow_id = ?1 AND r.started_at >= ?2",
        )?
        .query_map(params![id, since], |r| {
            Ok(tix_core::stats::RunFacts {
                ticket_id: r.get(0)?,
                title: r.get(1)?,
                agent_id: r.get(2)?,
                phase_id: r.get(3)?,
                outcome: r.get(4)?,
                tokens_in: r.get::<_, Option<i64>>(5)?.map(|n| n.max(0) as u64),
                tokens_out: r.get::<_, Option<i64>>(6)?.map(|n| n.max(0) as u64),
                cost_usd: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let retries: (i64, i64) = conn
        .prepare_cached(
            "WITH resolved AS (SELECT t.id FROM tickets t WHERE t.workflow_id = ?1 AND t.is_resolved = 1 \
           AND t.resolved_at >= ?2 AND EXISTS (SELECT 1 FROM runs r WHERE r.ticket_id = t.id)) \
         SELECT (SELECT COUNT(*) FROM resolved), \
                (SELECT COUNT(*) FROM runs r WHERE r.ticket_id IN (SELECT id FROM resolved))",
        )?
        .query_row(params![id, since], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(tix_core::stats::run_stats(&runs, (retries.0 as u64, retries.1 as u64)))
}

fn counts(conn: &Connection, sql: &str, id: &str) -> Result<Vec<Count>> {
    let rows = conn
        .prepare_cached(sql)?
        .query_map([id], |r| {
            Ok(Count {
                key: r.get(0)?,
                total: r.get::<_, i64>(1)? as u64,
                open: r.get::<_, i64>(2)? as u64,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn by_status(conn: &Connection, workflow: &Workflow) -> Result<Vec<Count>> {
    let found = counts(
        conn,
        "SELECT status, COUNT(*), COUNT(*) FILTER (WHERE is_resolved = 0) FROM tickets \
         WHERE workflow_id = ?1 GROUP BY status ORDER BY status",
        &workflow.id,
    )?;
    let columns: Vec<&str> = workflow.board_config.columns.iter().map(|c| c.id.as_str()).collect();
    Ok(tix_core::stats::in_order(found, &columns))
}

fn by_type(conn: &Connection, workflow: &Workflow) -> Result<Vec<Count>> {
    let found = counts(
        conn,
        "SELECT ticket_type, COUNT(*), COUNT(*) FILTER (WHERE is_resolved = 0) FROM tickets \
         WHERE workflow_id = ?1 GROUP BY ticket_type ORDER BY ticket_type",
        &workflow.id,
    )?;
    let types: Vec<&str> = workflow.board_config.ticket_types.iter().map(String::as_str).collect();
    Ok(tix_core::stats::in_order(found, &types))
}

fn by_priority(conn: &Connection, id: &str) -> Result<Vec<Count>> {
    let ranked = conn
        .prepare_cached(
            "SELECT priority, COUNT(*), COUNT(*) FILTER (WHERE is_resolved = 0) FROM tickets \
             WHERE workflow_id = ?1 GROUP BY priority",
        )?
        .query_map([id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)? as u64,
                r.get::<_, i64>(2)? as u64,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(tix_core::stats::by_priority(&ranked))
}

fn by_assignee(conn: &Connection, id: &str) -> Result<Vec<AssigneeCount>> {
    let rows = conn
        .prepare_cached(
            "SELECT assigned_agent_id, COUNT(*) AS total, COUNT(*) FILTER (WHERE is_resolved = 0) AS open \
             FROM tickets WHERE workflow_id = ?1 GROUP BY assigned_agent_id \
             ORDER BY open DESC, total DESC, assigned_agent_id",
        )?
        .query_map([id], |r| {
            Ok(AssigneeCount {
                agent_id: r.get(0)?,
                total: r.get::<_, i64>(1)? as u64,
                open: r.get::<_, i64>(2)? as u64,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn blocked_now(conn: &Connection, id: &str) -> Result<BlockedNow> {
    let count: i64 = conn.query_row(
        "SELECT COUNT(*) FROM tickets WHERE workflow_id = ?1 AND is_resolved = 0 AND open_blockers > 0",
        [id],
        |r| r.get(0),
    )?;
    let tickets = conn
        .prepare_cached(
            "SELECT id, title, status, priority, assigned_agent_id, open_blockers FROM tickets \
             WHERE workflow_id = ?1 AND is_resolved = 0 AND open_blockers > 0 \
             ORDER BY priority DESC, seq LIMIT ?2",
        )?
        .query_map(params![id, BLOCKED_LIST], |r| {
            Ok(BlockedTicket {
                id: r.get(0)?,
                title: r.get(1)?,
                status: r.get(2)?,
                priority: Priority::from_rank(r.get(3)?).unwrap_or_default(),
                assigned_agent_id: r.get(4)?,
                open_blockers: r.get::<_, i64>(5)? as u64,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(BlockedNow {
        count: count as u64,
        tickets,
    })
}

/// The period's days, `?2` (since) to `?3` (today), as a CTE named `days(day)`.
const DAYS_CTE: &str = "days(day) AS (SELECT ?2 UNION ALL SELECT date(day, '+1 day') FROM days WHERE day < ?3)";

fn throughput(conn: &Connection, id: &str, since: &str, today: &str) -> Result<Vec<DayThroughput>> {
    let sql = format!(
        "WITH RECURSIVE {DAYS_CTE}, \
         per_day AS (SELECT substr(created_at, 1, 10) AS day, \
                            COUNT(*) FILTER (WHERE action = 'created') AS created, \
                            COUNT(*) FILTER (WHERE action = 'resolved') AS resolved \
                     FROM ticket_history WHERE workflow_id = ?1 AND created_at >= ?2 \
                       AND action IN ('created', 'resolved') GROUP BY 1) \
         SELECT days.day, COALESCE(per_day.created, 0), COALESCE(per_day.resolved, 0) \
         FROM days LEFT JOIN per_day ON per_day.day = days.day ORDER BY days.day"
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(params![id, since, today], |r| {
            Ok(DayThroughput {
                day: r.get(0)?,
                created: r.get::<_, i64>(1)? as u64,
                resolved: r.get::<_, i64>(2)? as u64,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// From `start_column` (`created_at` or `started_at`) to `resolved_at`, over
/// the tickets resolved since `since`. Percentiles are nearest-rank.
fn durations(conn: &Connection, id: &str, since: &str, start_column: &str) -> Result<DurationStats> {
    let sql = format!(
        "WITH d AS (SELECT round(unixepoch(resolved_at, 'subsec') - unixepoch({start_column}, 'subsec'), 3) AS s FROM tickets \
                    WHERE workflow_id = ?1 AND is_resolved = 1 AND resolved_at >= ?2 AND {start_column} IS NOT NULL), \
         r AS (SELECT s, ROW_NUMBER() OVER (ORDER BY s) AS rn, COUNT(*) OVER () AS n FROM d) \
         SELECT COUNT(*), MIN(s) FILTER (WHERE rn >= 0.5 * n), MIN(s) FILTER (WHERE rn >= 0.85 * n), AVG(s) FROM r"
    );
    let stats = conn.prepare_cached(&sql)?.query_row(params![id, since], |r| {
        Ok(DurationStats {
            count: r.get::<_, i64>(0)? as u64,
            median_seconds: r.get::<_, Option<f64>>(1)?.map(|s| s.max(0.0)),
            p85_seconds: r.get::<_, Option<f64>>(2)?.map(|s| s.max(0.0)),
            mean_seconds: r.get::<_, Option<f64>>(3)?.map(|s| s.max(0.0)),
        })
    })?;
    Ok(stats)
}

/// Tickets per status at the end of each day. Every history row with a
/// `to_status` is a move (`created` has no `from_status`): +1 to where it
/// went, -1 from where it was. Moves before the period count on its first
/// day, so the first day starts from the real state.
fn cumulative_flow(conn: &Connection, workflow: &Workflow, since: &str, today: &str) -> Result<CumulativeFlow> {
    let sql = format!(
        "WITH RECURSIVE {DAYS_CTE}, \
         moves AS (SELECT max(substr(created_at, 1, 10), ?2) AS day, to_status AS status, 1 AS delta \
                   FROM ticket_history WHERE workflow_id = ?1 AND to_status IS NOT NULL \
                   UNION ALL \
                   SELECT max(substr(created_at, 1, 10), ?2), from_status, -1 \
                   FROM ticket_history WHERE workflow_id = ?1 AND to_status IS NOT NULL AND from_status IS NOT NULL), \
         per_day AS (SELECT day, status, SUM(delta) AS delta FROM moves WHERE day <= ?3 GROUP BY day, status), \
         statuses AS (SELECT DISTINCT status FROM per_day), \
         grid AS (SELECT days.day, statuses.status, COALESCE(per_day.delta, 0) AS delta \
                  FROM days CROSS JOIN statuses \
                  LEFT JOIN per_day ON per_day.day = days.day AND per_day.status = statuses.status) \
         SELECT day, status, SUM(delta) OVER (PARTITION BY status ORDER BY day) FROM grid ORDER BY day, status"
    );
    let cells = conn
        .prepare_cached(&sql)?
        .query_map(params![workflow.id, since, today], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;

    let all_days = throughput_days(conn, since, today)?;
    Ok(tix_core::stats::cumulative_flow(
        workflow.board_config.column_ids(),
        cells,
        all_days,
    ))
}

fn throughput_days(conn: &Connection, since: &str, today: &str) -> Result<Vec<String>> {
    // ?1 is unused here; the CTE numbers its parameters ?2 and ?3.
    let sql = format!("WITH RECURSIVE {DAYS_CTE} SELECT day FROM days ORDER BY day");
    let days = conn
        .prepare_cached(&sql)?
        .query_map(params![Option::<String>::None, since, today], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(days)
}

fn workload(conn: &Connection, id: &str, initial_status: &str, since: &str) -> Result<Vec<AgentWorkload>> {
    let sql = "WITH held AS (SELECT assigned_agent_id AS agent, COUNT(*) AS open, \
                       COUNT(*) FILTER (WHERE status != ?3) AS in_progress, \
                       COUNT(*) FILTER (WHERE open_blockers > 0) AS blocked \
                    FROM tickets WHERE workflow_id = ?1 AND is_resolved = 0 AND assigned_agent_id IS NOT NULL \
                    GROUP BY 1), \
               activity AS (SELECT agent_id AS agent, COUNT(*) AS actions, \
                       COUNT(*) FILTER (WHERE action = 'resolved') AS resolved, MAX(created_at) AS last_active \
                    FROM ticket_history WHERE workflow_id = ?1 AND created_at >= ?2 GROUP BY 1), \
               agents AS (SELECT agent FROM held UNION SELECT agent FROM activity) \
               SELECT agents.agent, COALESCE(held.open, 0), COALESCE(held.in_progress, 0), \
                      COALESCE(held.blocked, 0), COALESCE(activity.resolved, 0), COALESCE(activity.actions, 0), \
                      activity.last_active \
               FROM agents LEFT JOIN held ON held.agent = agents.agent \
               LEFT JOIN activity ON activity.agent = agents.agent \
               ORDER BY 2 DESC, 6 DESC, 1";
    let rows = conn
        .prepare_cached(sql)?
        .query_map(params![id, since, initial_status], |r| {
            let last: Option<String> = r.get(6)?;
            Ok(AgentWorkload {
                agent_id: r.get(0)?,
                open: r.get::<_, i64>(1)? as u64,
                in_progress: r.get::<_, i64>(2)? as u64,
                blocked: r.get::<_, i64>(3)? as u64,
                resolved: r.get::<_, i64>(4)? as u64,
                actions: r.get::<_, i64>(5)? as u64,
                last_active_at: last
                    .as_deref()
                    .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                    .map(|t| t.with_timezone(&Utc)),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use rusqlite::params;
    use tix_core::ticket::NewTicket;
    use tix_core::workflow::NewWorkflow;

    use super::*;
    use crate::sqlite::rows::time_text;
    use crate::Store;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0)
            .single()
            .expect("valid time")
    }

    /// Rewrites a ticket's timestamps and its history's, as if its story had
    /// happened on the given days (history rows in order).
    async fn backdate(store: &SqliteStore, id: &str, history: Vec<DateTime<Utc>>) {
        let id = id.to_string();
        store
            .write_sql(move |tx| {
                let rows: Vec<i64> = tx
                    .prepare("SELECT id FROM ticket_history WHERE ticket_seq = (SELECT seq FROM tickets WHERE id = ?1) ORDER BY id")?
                    .query_map([&id], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                assert_eq!(rows.len(), history.len(), "history rows of {id}");
                for (row, when) in rows.iter().zip(&history) {
                    tx.execute(
                        "UPDATE ticket_history SET created_at = ?2 WHERE id = ?1",
                        params![row, time_text(*when)],
                    )?;
                }
                let first = history.first().map(|t| time_text(*t));
                let started = history.get(1).map(|t| time_text(*t));
                let last = history.last().map(|t| time_text(*t));
                tx.execute(
                    "UPDATE tickets SET created_at = ?2, started_at = CASE WHEN started_at IS NULL THEN NULL ELSE ?3 END, \
                     resolved_at = CASE WHEN is_resolved = 1 THEN ?4 END WHERE id = ?1",
                    params![id, first, started, last],
                )?;
                Ok(())
            })
            .await
            .expect("backdate");
    }

    #[tokio::test]
    async fn flow_throughput_and_timings_follow_the_history_day_by_day() {
        let store = SqliteStore::open_in_memory().expect("store");
        let board = serde_json::from_value(serde_json::json!({
            "columns": [{"id": "backlog", "name": "Backlog"}, {"id": "doing", "name": "Doing"}, {"id": "done", "name": "Done"}],
            "ticket_types": ["task"], "initial_status": "backlog"
        }))
        .expect("board");
        let wf = store
            .create_workflow(
                "a",
                NewWorkflow {
                    id: None,
                    name: "Flow".into(),
                    board_config: board,
                    phases: vec![],
                    guardian: Default::default(),
                },
            )
            .await
            .expect("workflow");
        let new = |title: &str| NewTicket {
            workflow_id: wf.id.clone(),
            title: title.into(),
            ticket_type: "task".into(),
            ..NewTicket::default()
        };
        let first = store.create_ticket("a", new("First")).await.expect("first").id;
        let second = store.create_ticket("b", new("Second")).await.expect("second").id;
        store
            .change_status("a", &first, "doing", None, None)
            .await
            .expect("move");
        store.resolve("a", &first, None).await.expect("resolve");
        // First: created on the 2nd, started on the 3rd, resolved on the 4th.
        backdate(&store, &first, vec![at(2, 10), at(3, 10), at(4, 10)]).await;
        backdate(&store, &second, vec![at(3, 12)]).await;

        let id = wf.id.clone();
        let stats = store
            .read_sql(move |conn| workflow_stats(conn, &id, 5, at(5, 18)))
            .await
            .expect("stats");
        assert_eq!(stats.since, "2026-03-01");
        let flow: Vec<(String, Vec<u64>)> = stats
            .cumulative_flow
            .days
            .iter()
            .map(|d| (d.day.clone(), d.counts.clone()))
            .collect();
        assert_eq!(stats.cumulative_flow.statuses, vec!["backlog", "doing", "done"]);
        assert_eq!(
            flow,
            vec![
                ("2026-03-01".to_string(), vec![0, 0, 0]),
                ("2026-03-02".to_string(), vec![1, 0, 0]),
                ("2026-03-03".to_string(), vec![1, 1, 0]),
                ("2026-03-04".to_string(), vec![1, 0, 1]),
                ("2026-03-05".to_string(), vec![1, 0, 1]),
            ]
        );
        let throughput: Vec<(u64, u64)> = stats.throughput.iter().map(|d| (d.created, d.resolved)).collect();
        assert_eq!(throughput, vec![(0, 0), (1, 0), (1, 0), (0, 1), (0, 0)]);
        assert_eq!(stats.lead_time.count, 1);
        assert_eq!(stats.lead_time.median_seconds.map(f64::round), Some(172_800.0));
        assert_eq!(stats.cycle_time.p85_seconds.map(f64::round), Some(86_400.0));

        // A shorter period starts from the state its first day ended in.
        let id = wf.id.clone();
        let stats = store
            .read_sql(move |conn| workflow_stats(conn, &id, 2, at(5, 18)))
            .await
            .expect("stats");
        assert_eq!(stats.cumulative_flow.days[0].counts, vec![1, 0, 1]);
        assert_eq!(stats.cumulative_flow.days.len(), 2);
    }

    #[tokio::test]
    async fn percentiles_are_nearest_rank() {
        let store = SqliteStore::open_in_memory().expect("store");
        let stats = store
            .write_sql(|tx| {
                tx.execute_batch(
                    "INSERT INTO workflows (id, name, board_config, created_at, updated_at) VALUES ('w', 'w', '{}', 'x', 'x');",
                )?;
                for (i, hours) in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].iter().enumerate() {
                    tx.execute(
                        "INSERT INTO tickets (id, workflow_id, title, description, ticket_type, status, priority, tags, \
                         created_by, created_at, updated_at, resolved_at, is_resolved) \
                         VALUES (?1, 'w', 't', '', 'task', 'done', 1, '[]', 'a', ?2, ?2, ?3, 1)",
                        params![
                            format!("ticket-{i}"),
                            time_text(at(1, 0)),
                            time_text(at(1, 0) + Duration::hours(*hours))
                        ],
                    )?;
                }
                durations(tx, "w", "2026-03-01", "created_at")
            })
            .await
            .expect("durations");
        assert_eq!(stats.count, 10);
        assert_eq!(stats.median_seconds, Some(5.0 * 3600.0));
        assert_eq!(stats.p85_seconds, Some(9.0 * 3600.0));
        assert_eq!(stats.mean_seconds.map(f64::round), Some(5.5 * 3600.0));
    }
}
