//! Ticket and workflow ids. Ids are `ticket-` + 8 characters drawn from an
//! alphabet without look-alikes; the store supplies the randomness and
//! retries on the (rare) collision, so ids are collision-free.

use crate::DomainError;

pub const TICKET_PREFIX: &str = "ticket-";
pub const WORKFLOW_PREFIX: &str = "wf-";
pub const TASK_PREFIX: &str = "task-";
/// Lower-case letters and digits minus `0 o 1 l i` to avoid misreadings.
const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
pub const RANDOM_LEN: usize = 8;

/// Builds an id suffix from random bytes (at least [`RANDOM_LEN`] of them).
pub fn random_suffix(entropy: &[u8]) -> String {
    entropy
        .iter()
        .take(RANDOM_LEN)
        .map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char)
        .collect()
}

pub fn ticket_id(entropy: &[u8]) -> String {
    format!("{TICKET_PREFIX}{}", random_suffix(entropy))
}

pub fn workflow_id(entropy: &[u8]) -> String {
    format!("{WORKFLOW_PREFIX}{}", random_suffix(entropy))
}

pub fn task_id(entropy: &[u8]) -> String {
    format!("{TASK_PREFIX}{}", random_suffix(entropy))
}

/// Normalises user input naming a ticket: accepts `ticket-abc`, `abc`
/// (prefix added) and surrounding whitespace. Returns the prefix to match.
pub fn normalise_ticket_ref(input: &str) -> Result<String, DomainError> {
    let trimmed = input.trim().to_ascii_lowercase();
    if trimmed.is_empty() {
        return Err(DomainError::validation("ticket_id", "a ticket id is required"));
    }
    let valid = trimmed
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid || trimmed.len() > 64 {
        return Err(DomainError::validation(
            "ticket_id",
            format!("'{input}' is not a ticket id (expected e.g. ticket-7hx3k2qa)"),
        ));
    }
    if trimmed.starts_with(TICKET_PREFIX) {
        Ok(trimmed)
    } else {
        Ok(format!("{TICKET_PREFIX}{trimmed}"))
    }
}

/// Checks a caller-chosen ticket id (used by imports).
pub fn check_explicit_ticket_id(id: &str) -> Result<(), DomainError> {
    let rest = id.strip_prefix(TICKET_PREFIX).unwrap_or("");
    let ok = !rest.is_empty()
        && rest.len() <= 48
        && rest
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(DomainError::validation(
            "id",
            format!("'{id}' must be 'ticket-' followed by 1..48 lower-case letters, digits or '-'"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_use_the_alphabet() {
        let id = ticket_id(&[0, 1, 2, 30, 31, 200, 255, 17]);
        assert_eq!(id.len(), TICKET_PREFIX.len() + RANDOM_LEN);
        assert!(id[TICKET_PREFIX.len()..].bytes().all(|b| ALPHABET.contains(&b)));
    }

    #[test]
    fn references_are_normalised() {
        assert_eq!(normalise_ticket_ref(" AB3 ").unwrap(), "ticket-ab3");
        assert_eq!(normalise_ticket_ref("ticket-ab3").unwrap(), "ticket-ab3");
        assert!(normalise_ticket_ref("ab%").is_err());
        assert!(normalise_ticket_ref("").is_err());
    }

    #[test]
    fn explicit_ids_are_checked() {
        assert!(check_explicit_ticket_id("ticket-auth-456").is_ok());
        assert!(check_explicit_ticket_id("auth-456").is_err());
        assert!(check_explicit_ticket_id("ticket-").is_err());
        assert!(check_explicit_ticket_id("ticket-A").is_err());
    }
}
