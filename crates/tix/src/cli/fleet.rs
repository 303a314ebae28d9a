//! Arguments of the commands that coordinate a fleet of agents: the ready
//! queue, claims and heartbeats, runs, webhooks, and `tix work`.

use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};

/// Parses `30s`, `2m`, `1h` or plain seconds (`45`).
pub fn duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("'{text}' is not a duration; write 30s, 2m, 1h or a number of seconds"))?;
    let seconds = match unit.trim() {
        "s" | "sec" | "secs" => n,
        "m" | "min" | "mins" => n * 60,
        "h" | "hour" | "hours" => n * 3600,
        other => return Err(format!("unknown unit '{other}' in '{text}'; use s, m or h")),
    };
    Ok(Duration::from_secs(seconds))
}

#[derive(Debug, Args)]
pub struct ReadyArgs {
    /// How many to show (1..500).
    #[arg(long, short = 'n', default_value_t = 20)]
    pub limit: u32,

    /// When nothing is ready, wait up to this long (at most 60s) for a ticket to become ready,
    /// e.g. `--wait 30s`. The server wakes the wait as soon as a blocker resolves.
    #[arg(long, value_parser = duration, value_name = "DURATION")]
    pub wait: Option<Duration>,
}

#[derive(Debug, Args)]
pub struct ClaimArgs {
    /// Claim this ticket instead of the top ready one (it must be ready).
    pub ticket: Option<String>,

    /// Take this phase's best queued task instead: the task starts for you, and its ticket is
    /// held (assigned and leased) where it stands.
    #[arg(long, value_name = "N", conflicts_with = "ticket")]
    pub phase: Option<u32>,

    /// Lease length (default 1800, at most 86400); the claim lapses unless the holder writes to
    /// the ticket or sends `tix heartbeat` in time.
    #[arg(long, value_name = "N")]
    pub lease_seconds: Option<u64>,

    /// When nothing is ready (or queued), wait up to this long (at most 60s), e.g. `--wait 30s`.
    #[arg(long, value_parser = duration, value_name = "DURATION")]
    pub wait: Option<Duration>,
}

#[derive(Debug, Args)]
pub struct HeartbeatArgs {
    /// The ticket you hold.
    pub ticket: String,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OutcomeArg {
    Succeeded,
    Failed,
    Abandoned,
    /// Only to filter `tix run list`: Tix sets it when a ticket is taken away.
    LeaseLost,
}

impl OutcomeArg {
    pub fn outcome(self) -> tix_core::run::RunOutcome {
        use tix_core::run::RunOutcome;
        match self {
            OutcomeArg::Succeeded => RunOutcome::Succeeded,
            OutcomeArg::Failed => RunOutcome::Failed,
            OutcomeArg::Abandoned => RunOutcome::Abandoned,
            OutcomeArg::LeaseLost => RunOutcome::LeaseLost,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum RunCommand {
    /// End a run: its outcome, a summary and a hand-off for whoever comes next, what it cost.
    /// A run that holds the ticket's claim gives it back (a ticket whose run did not succeed
    /// returns to ready if it is still in the claim column).
    Finish(RunFinishArgs),
    /// List runs, newest first, filtered.
    List(RunListArgs),
    /// Show a run.
    Show(RunShowArgs),
}

#[derive(Debug, Args)]
pub struct RunFinishArgs {
    /// The run (`TIX_RUN_ID` inside `tix work`).
    #[arg(env = "TIX_RUN_ID")]
    pub run: String,

    #[arg(long, value_enum, default_value = "succeeded")]
    pub outcome: OutcomeArg,

    /// What happened, in a few lines.
    #[arg(long, short = 'm')]
    pub summary: Option<String>,

    /// Hand-off: what is finished.
    #[arg(long)]
    pub done: Option<String>,

    /// Hand-off: what is left to do.
    #[arg(long)]
    pub remaining: Option<String>,

    /// Hand-off: choices made, and why.
    #[arg(long)]
    pub decisions: Option<String>,

    /// Hand-off: what could go wrong, what to check.
    #[arg(long)]
    pub risks: Option<String>,

    #[arg(long, value_name = "N")]
    pub tokens_in: Option<u64>,

    #[arg(long, value_name = "N")]
    pub tokens_out: Option<u64>,

    /// What the run cost, in US dollars.
    #[arg(long, value_name = "USD")]
    pub cost: Option<f64>,

    #[arg(long, value_name = "CODE", allow_negative_numbers = true)]
    pub exit_code: Option<i32>,
}

#[derive(Debug, Args)]
pub struct RunListArgs {
    /// Only runs on this ticket.
    #[arg(long)]
    pub ticket: Option<String>,

    /// Only runs of this agent.
    #[arg(long = "by", value_name = "AGENT")]
    pub by: Option<String>,

    #[arg(long, value_enum)]
    pub outcome: Option<OutcomeArg>,

    /// Only runs still open.
    #[arg(long)]
    pub open: bool,

    /// Page size (1..500, default 50).
    #[arg(long, short = 'n')]
    pub limit: Option<u32>,

    /// Continue from the next_cursor a previous page printed.
    #[arg(long)]
    pub cursor: Option<String>,
}

#[derive(Debug, Args)]
pub struct RunShowArgs {
    pub run: String,
}

#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Add a webhook; prints its secret once (deliveries are signed with it).
    Add(WebhookAddArgs),
    /// List webhooks.
    List,
    /// Remove a webhook and its pending deliveries.
    Remove(WebhookIdArgs),
    /// A webhook's recent deliveries, newest first, with their state and last answer.
    Deliveries(WebhookDeliveriesArgs),
}

#[derive(Debug, Args)]
pub struct WebhookAddArgs {
    /// Where deliveries go (http or https).
    pub url: String,

    /// An event to send (repeatable): ticket.created, ticket.moved, ticket.resolved,
    /// ticket.unblocked, ticket.claimed, lease.expired, run.finished, comment.added, … or `*`.
    #[arg(long = "event", short = 'e', required = true, value_name = "EVENT")]
    pub events: Vec<String>,

    /// The signing secret (16..256 characters). Default: a generated one, printed once.
    #[arg(long, env = "TIX_WEBHOOK_SECRET", hide_env_values = true)]
    pub secret: Option<String>,

    /// Only events of this workflow (default: every workflow's).
    #[arg(long = "only-workflow", value_name = "ID")]
    pub only_workflow: Option<String>,
}

#[derive(Debug, Args)]
pub struct WebhookIdArgs {
    pub id: String,
}

#[derive(Debug, Args)]
pub struct WebhookDeliveriesArgs {
    pub id: String,

    /// Page size (1..500, default 50).
    #[arg(long, short = 'n')]
    pub limit: Option<u32>,

    /// Continue from the next_cursor a previous page printed.
    #[arg(long)]
    pub cursor: Option<String>,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Each task's command gets in its environment TIX_TICKET_ID, TIX_TASK_ID, TIX_RUN_ID, TIX_CLAIM,
TIX_AGENT_ID and TIX_SERVER (or TIX_DATABASE_URL), so `tix` commands inside it act as the worker
and carry its claim; on its standard input it gets the phase's instructions, the task's
description and what earlier runs on the ticket handed over.

Exit codes: 0 after the work (with --once: after one task, whatever its outcome; see --json),
3 with --once when nothing was queued, 1 on an error, 130/143 when interrupted.

Examples:
  tix work --phase 2 --agent builder-1 -- claude -p
  tix work --phase 3 --agent tester-1 --once -- ./run-tests.sh
  tix work --agent w1 --concurrency 4 -- codex exec")]
pub struct WorkArgs {
    /// The phase whose queued tasks to take. Without it (or in a workflow without phases),
    /// claim the best ready ticket instead.
    #[arg(long, value_name = "N")]
    pub phase: Option<u32>,

    /// Handle one task, then exit (3 when nothing was queued).
    #[arg(long)]
    pub once: bool,

    /// Run up to this many tasks at once.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub concurrency: u32,

    /// The lease of each claim; `tix work` renews it (every third of it) while the command runs.
    #[arg(long, value_parser = duration, default_value = "10m", value_name = "DURATION")]
    pub lease: Duration,

    /// The command to run for each task, after `--`.
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_people_write_them() {
        assert_eq!(duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(duration("45"), Ok(Duration::from_secs(45)));
        assert!(duration("soon").is_err());
        assert!(duration("5d").is_err());
    }
}
