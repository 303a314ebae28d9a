//! `StatsStore` and `EventFeed` on PostgreSQL: the same figures as
//! `sqlite/stats.rs`, each one SQL query over `tickets` and
//! `ticket_history`, with days from `generate_series` (UTC).

use chrono::{DateTime, Duration, Utc};
use sqlx::{PgConnection, Row};
use tix_core::stats::{
    AgentWorkload, AssigneeCount, BlockedNow, BlockedTicket, Count, CumulativeFlow, DayThroughput, DurationStats,
    WorkflowStats,
};
use tix_core::ticket::Priority;
use tix_core::workflow::Workflow;

use super::rows::load_workflow;
use crate::PgStore;
use crate::{Result, StatsStore};

const BLOCKED_LIST: i64 = 20;
/// Day of a timestamp, in UTC, as `YYYY-MM-DD`.
macro_rules! utc_day {
    ($column:literal) => {
        concat!("to_char(", $column, " AT TIME ZONE 'UTC', 'YYYY-MM-DD')")
    };
}

impl StatsStore for PgStore {
    async fn workflow_stats(&self, workflow_id: &str, days: u32) -> Result<WorkflowStats> {
        let days = tix_core::validate::stats_days(Some(days))?;
        let mut tx = self.pool().begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
        workflow_stats(&mut tx, workflow_id, days, Utc::now()).await
    }
}

async fn workflow_stats(
    conn: &mut PgConnection,
    workflow_id: &str,
    days: u32,
    now: DateTime<Utc>,
) -> Result<WorkflowStats> {
    let workflow = load_workflow(conn, workflow_id).await?;
    let today = now.date_naive();
    let since = (today - Duration::days(i64::from(days) - 1))
        .format("%Y-%m-%d")
        .to_string();
    let today = today.format("%Y-%m-%d").to_string();
    let id = workflow.id.as_str();
    let row = sqlx::query(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE NOT is_resolved), \
                COUNT(*) FILTER (WHERE status = $2 AND NOT is_resolved AND open_blockers = 0 AND open_children = 0 \
                                 AND assigned_agent_id IS NULL) \
         FROM tickets WHERE workflow_id = $1",
    )
    .bind(id)
    .bind(&workflow.board_config.initial_status)
    .fetch_one(&mut *conn)
    .await?;
    let (total, open, ready_now): (i64, i64, i64) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
    Ok(WorkflowStats {
        workflow_id: workflow.id.clone(),
        generated_at: now,
        days,
        since: since.clone(),
        total: total as u64,
        open: open as u64,
        resolved: (total - open) as u64,
        by_status: by_column(conn, &workflow, "status").await?,
        by_type: by_column(conn, &workflow, "ticket_type").await?,
        by_priority: by_priority(conn, id).await?,
        by_assignee: by_assignee(conn, id).await?,
        blocked_now: blocked_now(conn, id).await?,
        ready_now: ready_now as u64,
        throughput: throughput(conn, id, &since, &today).await?,
        lead_time: durations(conn, id, &since, false).await?,
        cycle_time: durations(conn, id, &since, true).await?,
        cumulative_flow: cumulative_flow(conn, &workflow, &since, &today).await?,
        workload: workload(conn, id, &workflow.board_config.initial_status, &since).await?,
        runs: run_stats(conn, id, &since).await?,
    })
}

/// Runs started since the UTC day `since`.
async fn run_stats(conn: &mut PgConnection, id: &str, since: &str) -> Result<tix_core::stats::RunStats> {
    let rows = sqlx::query(
        "SELECT r.ticket_id, t.title, r.agent_id, r.phase_id, r.outcome, r.tokens_in, \
         r.tokens_out, r.cost_usd FROM runs r JOIN tickets t ON t.id = r.ticket_id \
         WHERE r.workflow_id = $1 AND r.started_at >= ($2::date AT TIME ZONE 'UTC')",
    )
    .bind(id)
    .bind(since)
    .fetch_all(&mut *conn)
    .await?;
    let runs = rows
        .iter()
        .map(|r| {
            Ok(tix_core::stats::RunFacts {
                ticket_id: r.try_get(0)?,
                title: r.try_get(1)?,
                agent_id: r.try_get(2)?,
                phase_id: r.try_get::<Option<i32>, _>(3)?.map(|p| p as u32),
                outcome: r.try_get(4)?,
                tokens_in: r.try_get::<Option<i64>, _>(5)?.map(|n| n.max(0) as u64),
                tokens_out: r.try_get::<Option<i64>, _>(6)?.map(|n| n.max(0) as u64),
                cost_usd: r.try_get(7)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let retries: (i64, i64) = sqlx::query_as(
        "WITH resolved AS (SELECT t.id FROM tickets t WHERE t.workflow_id = $1 AND t.is_resolved \
           AND t.resolved_at >= ($2::date AT TIME ZONE 'UTC') AND EXISTS (SELECT 1 FROM runs r WHERE r.ticket_id = t.id)) \
         SELECT (SELECT COUNT(*) FROM resolved), \
                (SELECT COUNT(*) FROM runs r WHERE r.ticket_id IN (SELECT id FROM resolved))",
    )
    .bind(id)
    .bind(since)
    .fetch_one(&mut *conn)
    .await?;
    Ok(tix_core::stats::run_stats(&runs, (retries.0 as u64, retries.1 as u64)))
}

async fn by_column(conn: &mut PgConnection, workflow: &Workflow, column: &str) -> Result<Vec<Count>> {
    let sql = if column == "status" {
        "SELECT status, COUNT(*), COUNT(*) FILTER (WHERE NOT is_resolved) FROM tickets \
         WHERE workflow_id = $1 GROUP BY 1 ORDER BY 1"
    } else {
        "SELECT ticket_type, COUNT(*), COUNT(*) FILTER (WHERE NOT is_resolved) FROM tickets \
         WHERE workflow_id = $1 GROUP BY 1 ORDER BY 1"
    };
    let found = sqlx::query(sql)
        .bind(&workflow.id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok(Count {
                key: r.try_get(0)?,
                total: r.try_get::<i64, _>(1)? as u64,
                open: r.try_get::<i64, _>(2)? as u64,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let order: Vec<&str> = if column == "status" {
        workflow.board_config.columns.iter().map(|c| c.id.as_str()).collect()
    } else {
        workflow.board_config.ticket_types.iter().map(String::as_str).collect()
    };
    Ok(tix_core::stats::in_order(found, &order))
}

async fn by_priority(conn: &mut PgConnection, id: &str) -> Result<Vec<Count>> {
    let ranked = sqlx::query(
        "SELECT priority, COUNT(*), COUNT(*) FILTER (WHERE NOT is_resolved) FROM tickets WHERE workflow_id = $1 GROUP BY 1",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok((i64::from(r.try_get::<i16, _>(0)?), r.try_get::<i64, _>(1)? as u64, r.try_get::<i64, _>(2)? as u64))
    })
    .collect::<Result<Vec<_>>>()?;
    Ok(tix_core::stats::by_priority(&ranked))
}

async fn by_assignee(conn: &mut PgConnection, id: &str) -> Result<Vec<AssigneeCount>> {
    sqlx::query(
        "SELECT assigned_agent_id, COUNT(*) AS total, COUNT(*) FILTER (WHERE NOT is_resolved) AS open \
         FROM tickets WHERE workflow_id = $1 GROUP BY 1 ORDER BY open DESC, total DESC, 1 NULLS FIRST",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(AssigneeCount {
            agent_id: r.try_get(0)?,
            total: r.try_get::<i64, _>(1)? as u64,
            open: r.try_get::<i64, _>(2)? as u64,
        })
    })
    .collect()
}

async fn blocked_now(conn: &mut PgConnection, id: &str) -> Result<BlockedNow> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM tickets WHERE workflow_id = $1 AND NOT is_resolved AND open_blockers > 0",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let tickets = sqlx::query(
        "SELECT id, title, status, priority, assigned_agent_id, open_blockers FROM tickets \
         WHERE workflow_id = $1 AND NOT is_resolved AND open_blockers > 0 ORDER BY priority DESC, seq LIMIT $2",
    )
    .bind(id)
    .bind(BLOCKED_LIST)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(BlockedTicket {
            id: r.try_get(0)?,
            title: r.try_get(1)?,
            status: r.try_get(2)?,
            priority: Priority::from_rank(i64::from(r.try_get::<i16, _>(3)?)).unwrap_or_default(),
            assigned_agent_id: r.try_get(4)?,
            open_blockers: r.try_get::<i32, _>(5)? as u64,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    Ok(BlockedNow {
        count: count as u64,
        tickets,
    })
}

async fn throughput(conn: &mut PgConnection, id: &str, since: &str, today: &str) -> Result<Vec<DayThroughput>> {
    sqlx::query(concat!(
        "WITH days AS (SELECT to_char(d, 'YYYY-MM-DD') AS day FROM generate_series($2::date, $3::date, '1 day') d), \
         per_day AS (SELECT ",
        utc_day!("created_at"),
        " AS day, COUNT(*) FILTER (WHERE action = 'created') AS created, \
                COUNT(*) FILTER (WHERE action = 'resolved') AS resolved \
         FROM ticket_history WHERE workflow_id = $1 AND created_at >= $2::date AND action IN ('created', 'resolved') \
         GROUP BY 1) \
         SELECT days.day, COALESCE(per_day.created, 0), COALESCE(per_day.resolved, 0) \
         FROM days LEFT JOIN per_day ON per_day.day = days.day ORDER BY days.day"
    ))
    .bind(id)
    .bind(since)
    .bind(today)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(DayThroughput {
            day: r.try_get(0)?,
            created: r.try_get::<i64, _>(1)? as u64,
            resolved: r.try_get::<i64, _>(2)? as u64,
        })
    })
    .collect()
}

/// Lead time (from creation) or cycle time (from start) to resolution, over
/// the tickets resolved since `since`; nearest-rank percentiles.
async fn durations(conn: &mut PgConnection, id: &str, since: &str, from_start: bool) -> Result<DurationStats> {
    let sql = if from_start {
        "WITH d AS (SELECT EXTRACT(EPOCH FROM resolved_at - started_at)::float8 AS s FROM tickets \
                    WHERE workflow_id = $1 AND is_resolved AND resolved_at >= $2::date AND started_at IS NOT NULL), \
         r AS (SELECT s, ROW_NUMBER() OVER (ORDER BY s) AS rn, COUNT(*) OVER () AS n FROM d) \
         SELECT COUNT(*), MIN(s) FILTER (WHERE rn >= 0.5 * n), MIN(s) FILTER (WHERE rn >= 0.85 * n), AVG(s) FROM r"
    } else {
        "WITH d AS (SELECT EXTRACT(EPOCH FROM resolved_at - created_at)::float8 AS s FROM tickets \
                    WHERE workflow_id = $1 AND is_resolved AND resolved_at >= $2::date), \
         r AS (SELECT s, ROW_NUMBER() OVER (ORDER BY s) AS rn, COUNT(*) OVER () AS n FROM d) \
         SELECT COUNT(*), MIN(s) FILTER (WHERE rn >= 0.5 * n), MIN(s) FILTER (WHERE rn >= 0.85 * n), AVG(s) FROM r"
    };
    let r = sqlx::query(sql).bind(id).bind(since).fetch_one(&mut *conn).await?;
    let rounded = |v: Option<f64>| v.map(|s| ((s * 1000.0).round() / 1000.0).max(0.0));
    Ok(DurationStats {
        count: r.try_get::<i64, _>(0)? as u64,
        median_seconds: rounded(r.try_get(1)?),
        p85_seconds: rounded(r.try_get(2)?),
        mean_seconds: rounded(r.try_get(3)?),
    })
}

/// Tickets per status at the end of each day: each history move is +1 to
/// where it went and -1 from where it was; moves before the period count on
/// its first day.
async fn cumulative_flow(
    conn: &mut PgConnection,
    workflow: &Workflow,
    since: &str,
    today: &str,
) -> Result<CumulativeFlow> {
    let cells = sqlx::query(concat!(
        "WITH days AS (SELECT to_char(d, 'YYYY-MM-DD') AS day FROM generate_series($2::date, $3::date, '1 day') d), \
         moves AS (SELECT GREATEST(",
        utc_day!("created_at"),
        ", $2) AS day, to_status AS status, 1 AS delta \
                   FROM ticket_history WHERE workflow_id = $1 AND to_status IS NOT NULL \
                   UNION ALL \
                   SELECT GREATEST(",
        utc_day!("created_at"),
        ", $2), from_status, -1 \
                   FROM ticket_history WHERE workflow_id = $1 AND to_status IS NOT NULL AND from_status IS NOT NULL), \
         per_day AS (SELECT day, status, SUM(delta) AS delta FROM moves WHERE day <= $3 GROUP BY day, status), \
         statuses AS (SELECT DISTINCT status FROM per_day), \
         grid AS (SELECT days.day, statuses.status, COALESCE(per_day.delta, 0) AS delta \
                  FROM days CROSS JOIN statuses \
                  LEFT JOIN per_day ON per_day.day = days.day AND per_day.status = statuses.status) \
         SELECT day, status, (SUM(delta) OVER (PARTITION BY status ORDER BY day))::bigint FROM grid ORDER BY day, status"
    ))
    .bind(&workflow.id)
    .bind(since)
    .bind(today)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| Ok((r.try_get::<String, _>(0)?, r.try_get::<String, _>(1)?, r.try_get::<i64, _>(2)?)))
    .collect::<Result<Vec<_>>>()?;
    let all_days: Vec<String> =
        sqlx::query_scalar("SELECT to_char(d, 'YYYY-MM-DD') FROM generate_series($1::date, $2::date, '1 day') d")
            .bind(since)
            .bind(today)
            .fetch_all(&mut *conn)
            .await?;
    Ok(tix_core::stats::cumulative_flow(
        workflow.board_config.column_ids(),
        cells,
        all_days,
    ))
}

async fn workload(conn: &mut PgConnection, id: &str, initial_status: &str, since: &str) -> Result<Vec<AgentWorkload>> {
    sqlx::query(
        "WITH held AS (SELECT assigned_agent_id AS agent, COUNT(*) AS open, \
                COUNT(*) FILTER (WHERE status != $3) AS in_progress, \
                COUNT(*) FILTER (WHERE open_blockers > 0) AS blocked \
             FROM tickets WHERE workflow_id = $1 AND NOT is_resolved AND assigned_agent_id IS NOT NULL GROUP BY 1), \
         activity AS (SELECT agent_id AS agent, COUNT(*) AS actions, \
                COUNT(*) FILTER (WHERE action = 'resolved') AS resolved, MAX(created_at) AS last_active \
             FROM ticket_history WHERE workflow_id = $1 AND created_at >= $2::date GROUP BY 1), \
         agents AS (SELECT agent FROM held UNION SELECT agent FROM activity) \
         SELECT agents.agent, COALESCE(held.open, 0), COALESCE(held.in_progress, 0), COALESCE(held.blocked, 0), \
                COALESCE(activity.resolved, 0), COALESCE(activity.actions, 0), activity.last_active \
         FROM agents LEFT JOIN held ON held.agent = agents.agent LEFT JOIN activity ON activity.agent = agents.agent \
         ORDER BY 2 DESC, 6 DESC, 1",
    )
    .bind(id)
    .bind(since)
    .bind(initial_status)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(AgentWorkload {
            agent_id: r.try_get(0)?,
            open: r.try_get::<i64, _>(1)? as u64,
            in_progress: r.try_get::<i64, _>(2)? as u64,
            blocked: r.try_get::<i64, _>(3)? as u64,
            resolved: r.try_get::<i64, _>(4)? as u64,
            actions: r.try_get::<i64, _>(5)? as u64,
            last_active_at: r.try_get(6)?,
        })
    })
    .collect()
}
