//! Parsing `--database` / `TIX_DATABASE_URL`.

use std::fmt;
use std::path::PathBuf;

use tix_core::DomainError;

#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A SQLite file (created if missing).
    SqliteFile(PathBuf),
    /// A private in-memory SQLite database (tests).
    SqliteMemory,
    /// A PostgreSQL URL; kept whole but never printed with its password.
    Postgres(String),
}

impl DatabaseUrl {
    /// Accepts `sqlite:///abs/path.db`, `sqlite://rel.db`, `sqlite:rel.db`,
    /// `sqlite::memory:`, a bare path, or `postgres://…`.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(DomainError::validation("database", "the database URL is empty"));
        }
        if input.starts_with("postgres://") || input.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(input.to_string()));
        }
        if input == "sqlite::memory:" || input == ":memory:" {
            return Ok(DatabaseUrl::SqliteMemory);
        }
        let path = if let Some(rest) = input.strip_prefix("sqlite://") {
            rest
        } else if let Some(rest) = input.strip_prefix("sqlite:") {
            rest
        } else if input.contains("://") {
            return Err(DomainError::validation(
                "database",
                format!(
                    "unsupported database URL scheme in '{}'; use sqlite:///path/to/tix.db",
                    input.split("://").next().unwrap_or_default()
                ),
            ));
        } else {
            input
        };
        if path.is_empty() {
            return Err(DomainError::validation("database", "the SQLite URL names no file"));
        }
        Ok(DatabaseUrl::SqliteFile(PathBuf::from(path)))
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::SqliteFile(path) => write!(f, "sqlite://{}", path.display()),
            DatabaseUrl::SqliteMemory => f.write_str("sqlite::memory:"),
            DatabaseUrl::Postgres(url) => f.write_str(&redact(url)),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

/// Hides the password of `scheme://user:password@host/...`.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_string();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_parse() {
        assert_eq!(
            DatabaseUrl::parse("sqlite:///tmp/x.db").expect("parses"),
            DatabaseUrl::SqliteFile("/tmp/x.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite://x.db").expect("parses"),
            DatabaseUrl::SqliteFile("x.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:x.db").expect("parses"),
            DatabaseUrl::SqliteFile("x.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("./tix.db").expect("parses"),
            DatabaseUrl::SqliteFile("./tix.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite::memory:").expect("parses"),
            DatabaseUrl::SqliteMemory
        );
        assert!(DatabaseUrl::parse("mysql://x").is_err());
    }

    #[test]
    fn passwords_never_print() {
        let url = DatabaseUrl::parse("postgres://tix:s3cret@db:5432/tix").expect("parses");
        assert!(!format!("{url} {url:?}").contains("s3cret"));
    }
}
