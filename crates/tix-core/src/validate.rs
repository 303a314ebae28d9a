//! Checks of input ranges, in one place so no surface (REST, MCP, the CLI's
//! local mode) can skip one: each answers the normalised value or a
//! [`DomainError::Validation`] naming the field.

use std::time::Duration;

use crate::DomainError;

pub const MAX_TITLE_CHARS: usize = 500;
pub const MAX_DESCRIPTION_CHARS: usize = 100_000;
pub const MAX_COMMENT_CHARS: usize = 100_000;
pub const MAX_TAGS: usize = 32;
pub const MAX_TAG_CHARS: usize = 64;
pub const MAX_AGENT_ID_CHARS: usize = 128;
pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 500;
/// Lease of a claim when none is asked for: renewed by the holder's writes.
pub const DEFAULT_LEASE_SECONDS: u64 = 30 * 60;
/// Longest lease a claim may ask for.
pub const MAX_LEASE_SECONDS: u64 = 24 * 60 * 60;
/// Days the statistics cover when none are asked for.
pub const DEFAULT_STATS_DAYS: u32 = 30;
/// Longest period the statistics report on.
pub const MAX_STATS_DAYS: u32 = 365;

pub fn check_title(title: &str) -> Result<String, DomainError> {
    let title = title.trim();
    let chars = title.chars().count();
    if chars == 0 || chars > MAX_TITLE_CHARS {
        return Err(DomainError::validation(
            "title",
            format!("a title must be 1..{MAX_TITLE_CHARS} characters (got {chars})"),
        ));
    }
    Ok(title.to_string())
}

pub fn check_description(description: &str) -> Result<(), DomainError> {
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(DomainError::validation(
            "description",
            format!("a description is at most {MAX_DESCRIPTION_CHARS} characters"),
        ));
    }
    Ok(())
}

pub fn check_comment(field: &str, text: &str) -> Result<String, DomainError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DomainError::validation(
            field,
            "the comment is empty; say what happened",
        ));
    }
    if text.chars().count() > MAX_COMMENT_CHARS {
        return Err(DomainError::validation(
            field,
            format!("a comment is at most {MAX_COMMENT_CHARS} characters"),
        ));
    }
    Ok(text.to_string())
}

/// Trims, de-duplicates and checks tags, keeping their order.
pub fn normalise_tags(tags: &[String]) -> Result<Vec<String>, DomainError> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.trim();
        if tag.is_empty() || tag.chars().count() > MAX_TAG_CHARS || tag.contains(',') {
            return Err(DomainError::validation(
                "tags",
                format!("tag '{tag}' must be 1..{MAX_TAG_CHARS} characters without commas"),
            ));
        }
        if !out.iter().any(|t| t == tag) {
            out.push(tag.to_string());
        }
    }
    if out.len() > MAX_TAGS {
        return Err(DomainError::validation("tags", format!("at most {MAX_TAGS} tags")));
    }
    Ok(out)
}

pub fn check_agent_id(field: &str, agent: &str) -> Result<String, DomainError> {
    let agent = agent.trim();
    if agent.is_empty() || agent.chars().count() > MAX_AGENT_ID_CHARS || agent.chars().any(char::is_control) {
        return Err(DomainError::validation(
            field,
            format!("an agent id must be 1..{MAX_AGENT_ID_CHARS} printable characters"),
        ));
    }
    Ok(agent.to_string())
}

/// Clamps a requested page size, refusing nonsense.
pub fn page_size(limit: Option<u32>) -> Result<u32, DomainError> {
    match limit {
        None => Ok(DEFAULT_PAGE_SIZE),
        Some(0) => Err(DomainError::validation("limit", "limit must be at least 1")),
        Some(n) if n > MAX_PAGE_SIZE => Err(DomainError::validation(
            "limit",
            format!("limit is at most {MAX_PAGE_SIZE} (got {n})"),
        )),
        Some(n) => Ok(n),
    }
}

/// The lease a claim asks for: the default when absent, at most
/// [`MAX_LEASE_SECONDS`] (0 is a lease that has already run out).
pub fn lease(seconds: Option<u64>) -> Result<Duration, DomainError> {
    match seconds.unwrap_or(DEFAULT_LEASE_SECONDS) {
        n if n > MAX_LEASE_SECONDS => Err(DomainError::validation(
            "lease_seconds",
            format!("lease_seconds is at most {MAX_LEASE_SECONDS} (24 hours; got {n}); claim with a shorter lease, any write by the holder renews it"),
        )),
        n => Ok(Duration::from_secs(n)),
    }
}

/// Most tickets one `POST …/tickets/import` takes (one transaction).
pub const MAX_IMPORT_BATCH: usize = 10_000;

/// Tickets per import transaction when `total` tickets are imported in
/// batches (`tix import`): about ten steps for the progress bar, but at
/// least 1,000 and at most [`MAX_IMPORT_BATCH`]. Fewer, larger transactions
/// write each index page they touch once per batch instead of once per
/// 1,000 tickets, lock fewer blockers of earlier batches, and build fewer
/// search index segments (the scale bench measures the difference).
pub fn import_batch(total: usize) -> usize {
    (total / 10).clamp(1_000, MAX_IMPORT_BATCH)
}

/// Longest a request may wait for work (`wait=`, `wait_seconds`).
pub const MAX_WAIT_SECONDS: u64 = 60;

/// How long a request waits for work: nothing when absent or 0, at most
/// [`MAX_WAIT_SECONDS`].
pub fn wait(seconds: Option<u64>) -> Result<Option<Duration>, DomainError> {
    match seconds {
        None | Some(0) => Ok(None),
        Some(n) if n > MAX_WAIT_SECONDS => Err(DomainError::validation(
            "wait",
            format!("wait is at most {MAX_WAIT_SECONDS} seconds (got {n}); wait again after it answers"),
        )),
        Some(n) => Ok(Some(Duration::from_secs(n))),
    }
}

/// The period statistics cover: [`DEFAULT_STATS_DAYS`] when absent,
/// 1..=[`MAX_STATS_DAYS`].
pub fn stats_days(days: Option<u32>) -> Result<u32, DomainError> {
    match days.unwrap_or(DEFAULT_STATS_DAYS) {
        days @ 1..=MAX_STATS_DAYS => Ok(days),
        days => Err(DomainError::validation(
            "days",
            format!("days must be 1..={MAX_STATS_DAYS} (got {days}); ask for a shorter period, e.g. days=30"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lease_defaults_and_caps() {
        assert_eq!(lease(None).ok(), Some(Duration::from_secs(DEFAULT_LEASE_SECONDS)));
        assert_eq!(
            lease(Some(MAX_LEASE_SECONDS)).ok(),
            Some(Duration::from_secs(MAX_LEASE_SECONDS))
        );
        assert_eq!(lease(Some(0)).ok(), Some(Duration::ZERO));
        for bad in [MAX_LEASE_SECONDS + 1, 10_000_000] {
            let err = lease(Some(bad)).expect_err("refused");
            assert_eq!(err.code(), "validation_failed");
            assert_eq!(err.details()["field"], "lease_seconds");
        }
    }

    #[test]
    fn stats_days_defaults_and_range() {
        assert_eq!(stats_days(None).ok(), Some(DEFAULT_STATS_DAYS));
        assert_eq!(stats_days(Some(1)).ok(), Some(1));
        assert_eq!(stats_days(Some(MAX_STATS_DAYS)).ok(), Some(MAX_STATS_DAYS));
        for bad in [0, MAX_STATS_DAYS + 1] {
            let err = stats_days(Some(bad)).expect_err("refused");
            assert!(err.to_string().contains("days must be 1..=365"), "{err}");
        }
    }

    #[test]
    fn page_size_bounds() {
        assert_eq!(page_size(None).ok(), Some(DEFAULT_PAGE_SIZE));
        assert!(page_size(Some(0)).is_err());
        assert!(page_size(Some(MAX_PAGE_SIZE + 1)).is_err());
    }

    #[test]
    fn import_batches_give_about_ten_steps_within_bounds() {
        assert_eq!(import_batch(0), 1_000);
        assert_eq!(import_batch(5_000), 1_000);
        assert_eq!(import_batch(50_000), 5_000);
        assert_eq!(import_batch(1_000_000), MAX_IMPORT_BATCH);
    }
}
