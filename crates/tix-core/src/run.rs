//! Runs: one attempt by one agent at one ticket (a claim, or a task
//! started), with how it ended, what it handed over and what it cost.
//!
//! A claim answers a `claim_token`, new on every claim. The token fences
//! the claimant's writes: once the lease ran out or someone else holds the
//! ticket, a write carrying the old token (and any status write by the
//! agent that lost the lease) is refused with `lease_lost` and changes
//! nothing ([`fence`]). Comments are never fenced: they are history.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::DomainError;

pub const RUN_PREFIX: &str = "run-";
/// Longest `summary` a run keeps (a worker's output tail fits easily).
pub const MAX_SUMMARY_CHARS: usize = 16_000;
/// Longest text of one hand-off field.
pub const MAX_HANDOFF_FIELD_CHARS: usize = 8_000;
/// About how much hand-off text a claim answers (most recent runs first).
pub const HANDOFF_BUDGET_CHARS: usize = 2_048;
/// Longest claim token accepted (tokens Tix makes are 36 characters).
pub const MAX_CLAIM_TOKEN_CHARS: usize = 128;

pub fn run_id(entropy: &[u8]) -> String {
    format!("{RUN_PREFIX}{}", crate::ids::random_suffix(entropy))
}

/// How a run ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RunOutcome {
    /// The work is done (also: the ticket was resolved while the run was open).
    #[default]
    Succeeded,
    /// The agent tried and could not do it.
    Failed,
    /// Nobody finished it: the lease ran out, or the worker gave up.
    Abandoned,
    /// The ticket was taken away from the agent while it worked.
    LeaseLost,
}

impl RunOutcome {
    pub const ALL: [RunOutcome; 4] = [
        RunOutcome::Succeeded,
        RunOutcome::Failed,
        RunOutcome::Abandoned,
        RunOutcome::LeaseLost,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RunOutcome::Succeeded => "succeeded",
            RunOutcome::Failed => "failed",
            RunOutcome::Abandoned => "abandoned",
            RunOutcome::LeaseLost => "lease_lost",
        }
    }

    pub fn parse(text: &str) -> Option<RunOutcome> {
        RunOutcome::ALL.into_iter().find(|o| o.as_str() == text.trim())
    }
}

impl std::fmt::Display for RunOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for RunOutcome {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RunOutcome::parse(s).ok_or_else(|| {
            DomainError::validation(
                "outcome",
                format!("'{s}' is not an outcome; use succeeded, failed, abandoned or lease_lost"),
            )
        })
    }
}

/// What an agent leaves for the next one: free text in four parts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Handoff {
    /// What is finished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 8000)]
    pub done: Option<String>,
    /// What is left to do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 8000)]
    pub remaining: Option<String>,
    /// Choices made, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 8000)]
    pub decisions: Option<String>,
    /// What could go wrong, what to check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 8000)]
    pub risks: Option<String>,
}

impl Handoff {
    fn fields(&self) -> [(&'static str, &Option<String>); 4] {
        [
            ("done", &self.done),
            ("remaining", &self.remaining),
            ("decisions", &self.decisions),
            ("risks", &self.risks),
        ]
    }

    /// Trims each field (blank ones become absent) and checks lengths;
    /// `None` when nothing is left.
    pub fn normalised(&self) -> Result<Option<Handoff>, DomainError> {
        let mut out = Handoff::default();
        for (name, value) in self.fields() {
            let text = value.as_deref().map(str::trim).filter(|t| !t.is_empty());
            if let Some(text) = text {
                if text.chars().count() > MAX_HANDOFF_FIELD_CHARS {
                    return Err(DomainError::validation(
                        format!("handoff.{name}"),
                        format!("at most {MAX_HANDOFF_FIELD_CHARS} characters"),
                    ));
                }
            }
            let text = text.map(str::to_string);
            match name {
                "done" => out.done = text,
                "remaining" => out.remaining = text,
                "decisions" => out.decisions = text,
                _ => out.risks = text,
            }
        }
        Ok((out != Handoff::default()).then_some(out))
    }

    /// Characters of text it holds.
    pub fn text_len(&self) -> usize {
        self.fields()
            .iter()
            .filter_map(|(_, v)| v.as_deref())
            .map(|t| t.chars().count())
            .sum()
    }
}

/// One attempt at a ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Run {
    pub run_id: String,
    pub ticket_id: String,
    pub workflow_id: String,
    /// The task it works on, when a task start opened it.
    pub task_id: Option<String>,
    pub phase_id: Option<u32>,
    pub agent_id: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    /// `null` while the run is open.
    pub outcome: Option<RunOutcome>,
    /// Who closed it: the agent itself, another agent, or `tix` (a lease that ran out).
    pub ended_by: Option<String>,
    pub summary: Option<String>,
    pub handoff: Option<Handoff>,
    pub tokens_in: Option<u64>,
    pub tokens_out: Option<u64>,
    pub cost_usd: Option<f64>,
    pub exit_code: Option<i32>,
}

impl Run {
    pub fn is_open(&self) -> bool {
        self.ended_at.is_none()
    }
}

/// Body of `POST /api/runs/{run_id}/finish` (and the `finish_run` tool).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FinishRun {
    /// `succeeded`, `failed` or `abandoned` (`lease_lost` is Tix's to set).
    pub outcome: RunOutcome,
    #[serde(default)]
    #[schema(max_length = 16000)]
    pub summary: Option<String>,
    #[serde(default)]
    pub handoff: Option<Handoff>,
    #[serde(default)]
    pub tokens_in: Option<u64>,
    #[serde(default)]
    pub tokens_out: Option<u64>,
    #[serde(default)]
    #[schema(minimum = 0)]
    pub cost_usd: Option<f64>,
    #[serde(default)]
    pub exit_code: Option<i32>,
}

impl FinishRun {
    /// Checks the fields and answers the normalised finish.
    pub fn validate(&self) -> Result<FinishRun, DomainError> {
        if self.outcome == RunOutcome::LeaseLost {
            return Err(DomainError::validation(
                "outcome",
                "lease_lost is set by Tix when a ticket is taken away; finish with succeeded, failed or abandoned",
            ));
        }
        let summary = self.summary.as_deref().map(str::trim).filter(|s| !s.is_empty());
        if let Some(summary) = summary {
            if summary.chars().count() > MAX_SUMMARY_CHARS {
                return Err(DomainError::validation(
                    "summary",
                    format!("at most {MAX_SUMMARY_CHARS} characters; keep the end of a long output"),
                ));
            }
        }
        if let Some(cost) = self.cost_usd {
            if !cost.is_finite() || cost < 0.0 {
                return Err(DomainError::validation(
                    "cost_usd",
                    "a cost is a finite number of dollars, 0 or more",
                ));
            }
        }
        for (field, value) in [("tokens_in", self.tokens_in), ("tokens_out", self.tokens_out)] {
            if value.is_some_and(|v| v > i64::MAX as u64) {
                return Err(DomainError::validation(field, "too large"));
            }
        }
        Ok(FinishRun {
            outcome: self.outcome,
            summary: summary.map(str::to_string),
            handoff: self.handoff.as_ref().map(Handoff::normalised).transpose()?.flatten(),
            tokens_in: self.tokens_in,
            tokens_out: self.tokens_out,
            cost_usd: self.cost_usd,
            exit_code: self.exit_code,
        })
    }
}

/// What an earlier run left for the next agent, as a claim answers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PriorRun {
    pub run_id: String,
    pub agent_id: String,
    pub outcome: Option<RunOutcome>,
    pub ended_at: Option<DateTime<Utc>>,
    pub summary: Option<String>,
    pub handoff: Option<Handoff>,
    /// True when the text was cut to fit the claim's answer.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

/// Earlier runs' hand-offs, most recent first, cut to about
/// [`HANDOFF_BUDGET_CHARS`] of text in all. Runs that left nothing are skipped.
pub fn handoffs(runs_newest_first: &[Run]) -> Vec<PriorRun> {
    let mut budget = HANDOFF_BUDGET_CHARS;
    let mut out = Vec::new();
    for run in runs_newest_first {
        if budget == 0 {
            break;
        }
        if run.summary.is_none() && run.handoff.is_none() {
            continue;
        }
        let mut truncated = false;
        let mut cut = |text: &Option<String>| -> Option<String> {
            let text = text.as_deref()?;
            let chars = text.chars().count();
            if chars <= budget {
                budget -= chars;
                Some(text.to_string())
            } else if budget == 0 {
                truncated = true;
                None
            } else {
                truncated = true;
                // The start of each text: a summary is already an output's tail.
                let kept: String = text.chars().take(budget.saturating_sub(1)).collect();
                budget = 0;
                Some(format!("{kept}…"))
            }
        };
        let handoff = run.handoff.as_ref().map(|h| Handoff {
            done: cut(&h.done),
            remaining: cut(&h.remaining),
            decisions: cut(&h.decisions),
            risks: cut(&h.risks),
        });
        let summary = cut(&run.summary);
        out.push(PriorRun {
            run_id: run.run_id.clone(),
            agent_id: run.agent_id.clone(),
            outcome: run.outcome,
            ended_at: run.ended_at,
            summary,
            handoff: handoff.filter(|h| *h != Handoff::default()),
            truncated,
        });
    }
    out
}

/// The answer to a heartbeat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Heartbeat {
    pub ticket_id: String,
    pub agent_id: String,
    pub lease_expires_at: DateTime<Utc>,
    /// The holder's open run, if any.
    pub run_id: Option<String>,
}

/// Filters of `GET /api/runs`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RunFilter {
    pub workflow_id: Option<String>,
    pub ticket_id: Option<String>,
    pub agent_id: Option<String>,
    pub outcome: Option<RunOutcome>,
    /// Only open (true) or only ended (false) runs.
    pub open: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RunPage {
    /// Newest first.
    pub runs: Vec<Run>,
    /// Pass as `cursor` to get the next (older) page; null on the last page.
    pub next_cursor: Option<String>,
}

/// Checks a claim token as sent (`X-Tix-Claim`, `claim_token`, `TIX_CLAIM`).
pub fn check_claim_token(token: &str) -> Result<String, DomainError> {
    let token = token.trim();
    let valid = !token.is_empty()
        && token.len() <= MAX_CLAIM_TOKEN_CHARS
        && token.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !valid {
        return Err(DomainError::validation(
            "claim_token",
            "not a claim token; send the claim_token a claim answered",
        ));
    }
    Ok(token.to_string())
}

/// The facts a fenced write is judged on.
#[derive(Debug, Clone, Copy)]
pub struct FenceFacts<'a> {
    pub ticket_id: &'a str,
    pub actor: &'a str,
    /// The holder now, with its lease (a lease in the past has run out).
    pub holder: Option<&'a str>,
    pub lease_expires_at: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
    /// The write carries a token of this ticket's claims: is it the current one?
    pub token: Option<TokenState>,
    /// How the actor's latest run on this ticket ended, and who ended it.
    pub actors_last_run: Option<(Option<RunOutcome>, Option<&'a str>)>,
    /// Whether the write changes the ticket's status (move, resolve, heartbeat).
    pub status_write: bool,
}

/// A presented token, as far as this ticket knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    /// The token of the ticket's current claim.
    Current,
    /// A token of an earlier claim of this ticket.
    Stale,
}

/// Whether a fenced write may go ahead (see the module docs): a stale token
/// is refused; so is a status write by an agent whose lease ran out or
/// whose claim was taken away (`abandoned`/`lease_lost`, ended by someone else).
pub fn fence(facts: &FenceFacts<'_>) -> Result<(), DomainError> {
    let lease_live = facts.lease_expires_at.is_some_and(|l| l > facts.now);
    let live_holder = facts.holder.filter(|_| lease_live);
    let lost = |reason: &str| DomainError::LeaseLost {
        ticket_id: facts.ticket_id.to_string(),
        holder: live_holder.map(str::to_string),
        reason: reason.to_string(),
    };
    match facts.token {
        Some(TokenState::Stale) => {
            return Err(lost("the claim token is from an earlier claim of this ticket"));
        }
        Some(TokenState::Current) if !lease_live => {
            return Err(lost("the claim's lease ran out"));
        }
        _ => {}
    }
    if !facts.status_write {
        return Ok(());
    }
    let holds = facts.holder == Some(facts.actor);
    if holds && facts.lease_expires_at.is_some() && !lease_live {
        return Err(lost("your lease ran out"));
    }
    if !holds {
        if let Some((Some(outcome), ended_by)) = facts.actors_last_run {
            let taken = matches!(outcome, RunOutcome::Abandoned | RunOutcome::LeaseLost)
                && ended_by.is_some_and(|by| by != facts.actor);
            if taken {
                return Err(lost(match outcome {
                    RunOutcome::LeaseLost => "the ticket was taken away from you",
                    _ => "your lease ran out and the ticket went back to the queue",
                }));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    fn facts<'a>(now: DateTime<Utc>) -> FenceFacts<'a> {
        FenceFacts {
            ticket_id: "ticket-a",
            actor: "alice",
            holder: Some("alice"),
            lease_expires_at: Some(now + TimeDelta::seconds(60)),
            now,
            token: None,
            actors_last_run: None,
            status_write: true,
        }
    }

    #[test]
    fn the_live_holder_passes_with_or_without_its_token() {
        let now = Utc::now();
        assert!(fence(&facts(now)).is_ok());
        let with_token = FenceFacts {
            token: Some(TokenState::Current),
            ..facts(now)
        };
        assert!(fence(&with_token).is_ok());
    }

    #[test]
    fn a_stale_token_is_refused_even_for_a_comment_like_write() {
        let now = Utc::now();
        let stale = FenceFacts {
            token: Some(TokenState::Stale),
            status_write: false,
            holder: Some("bob"),
            ..facts(now)
        };
        let err = fence(&stale).unwrap_err();
        assert_eq!(err.code(), "lease_lost");
        assert_eq!(err.details()["holder"], "bob");
    }

    #[test]
    fn an_expired_lease_fences_its_holder_until_it_claims_again() {
        let now = Utc::now();
        let expired = FenceFacts {
            lease_expires_at: Some(now - TimeDelta::seconds(1)),
            ..facts(now)
        };
        assert_eq!(fence(&expired).unwrap_err().code(), "lease_lost");
        // Swept: no longer the holder, its run ended abandoned by tix.
        let swept = FenceFacts {
            holder: Some("bob"),
            actors_last_run: Some((Some(RunOutcome::Abandoned), Some("tix"))),
            ..facts(now)
        };
        let err = fence(&swept).unwrap_err();
        assert_eq!(err.details()["holder"], "bob");
        // A run it ended itself does not fence it.
        let own = FenceFacts {
            holder: None,
            actors_last_run: Some((Some(RunOutcome::Abandoned), Some("alice"))),
            ..facts(now)
        };
        assert!(fence(&own).is_ok());
        // Nor does a run that succeeded, nor a comment.
        let done = FenceFacts {
            holder: None,
            actors_last_run: Some((Some(RunOutcome::Succeeded), Some("alice"))),
            ..facts(now)
        };
        assert!(fence(&done).is_ok());
        let comment = FenceFacts {
            status_write: false,
            ..swept
        };
        assert!(fence(&comment).is_ok());
    }

    #[test]
    fn an_assignment_without_a_lease_is_not_a_claim() {
        let now = Utc::now();
        let assigned = FenceFacts {
            lease_expires_at: None,
            ..facts(now)
        };
        assert!(fence(&assigned).is_ok());
    }

    fn run(summary: &str, done: Option<&str>) -> Run {
        Run {
            run_id: format!("run-{summary}"),
            ticket_id: "ticket-a".into(),
            workflow_id: "wf".into(),
            task_id: None,
            phase_id: None,
            agent_id: "alice".into(),
            started_at: Utc::now(),
            ended_at: Some(Utc::now()),
            outcome: Some(RunOutcome::Failed),
            ended_by: Some("alice".into()),
            summary: (!summary.is_empty()).then(|| summary.to_string()),
            handoff: done.map(|d| Handoff {
                done: Some(d.into()),
                ..Handoff::default()
            }),
            tokens_in: None,
            tokens_out: None,
            cost_usd: None,
            exit_code: None,
        }
    }

    #[test]
    fn handoffs_keep_the_newest_within_the_budget() {
        let long = "x".repeat(HANDOFF_BUDGET_CHARS);
        let runs = vec![run("newest", Some("schema done")), run("", None), run(&long, None)];
        let out = handoffs(&runs);
        assert_eq!(out.len(), 2, "the run that left nothing is skipped");
        assert_eq!(out[0].summary.as_deref(), Some("newest"));
        assert!(!out[0].truncated);
        assert!(out[1].truncated);
        let total: usize = out
            .iter()
            .map(|p| {
                p.summary.as_deref().map_or(0, |s| s.chars().count()) + p.handoff.as_ref().map_or(0, |h| h.text_len())
            })
            .sum();
        assert!(total <= HANDOFF_BUDGET_CHARS, "{total}");
    }

    #[test]
    fn finish_refuses_lease_lost_and_bad_costs() {
        let bad = FinishRun {
            outcome: RunOutcome::LeaseLost,
            ..FinishRun::default()
        };
        assert!(bad.validate().is_err());
        let nan = FinishRun {
            cost_usd: Some(f64::NAN),
            ..FinishRun::default()
        };
        assert_eq!(nan.validate().unwrap_err().details()["field"], "cost_usd");
        let blank = FinishRun {
            summary: Some("  ".into()),
            handoff: Some(Handoff {
                done: Some(" ".into()),
                ..Handoff::default()
            }),
            ..FinishRun::default()
        };
        let ok = blank.validate().unwrap();
        assert_eq!((ok.summary, ok.handoff), (None, None));
    }
}
