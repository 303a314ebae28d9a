//! Human output (aligned tables, short marks, timestamps) and `--json`.

use chrono::{DateTime, Local, Utc};
use serde::Serialize;
use tix_core::error::TicketRef;
use tix_core::ticket::Ticket;

/// Marks used in tables and trees (each one terminal cell wide).
pub const RESOLVED_MARK: &str = "✓";
pub const BLOCKED_MARK: &str = "⊘";
pub const OPEN_MARK: &str = "○";

pub fn to_json_string<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"cannot encode JSON: {e}\"}}"))
}

/// Prints the API's JSON for a result.
pub fn print_json<T: Serialize>(value: &T) {
    println!("{}", to_json_string(value));
}

/// A plain text table: columns padded to their widest cell, the last one not.
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(headers: &[&str]) -> Self {
        Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn render(&self) -> String {
        let columns = self.headers.len();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| width(h)).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(columns) {
                widths[i] = widths[i].max(width(cell));
            }
        }
        let mut out = String::new();
        for row in std::iter::once(&self.headers).chain(&self.rows) {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate().take(columns) {
                if i + 1 == columns {
                    line.push_str(cell);
                } else {
                    line.push_str(cell);
                    line.push_str(&" ".repeat(widths[i] - width(cell) + 2));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    pub fn print(&self) {
        print!("{}", self.render());
    }
}

fn width(text: &str) -> usize {
    text.chars().count()
}

/// Shortens text to `max` characters, ending in `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    let text = text.lines().next().unwrap_or_default();
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// `✓` resolved, `⊘` blocked, `○` open.
pub fn mark(is_resolved: bool, is_blocked: bool) -> &'static str {
    if is_resolved {
        RESOLVED_MARK
    } else if is_blocked {
        BLOCKED_MARK
    } else {
        OPEN_MARK
    }
}

pub fn ticket_mark(ticket: &Ticket) -> &'static str {
    mark(ticket.is_resolved, ticket.is_blocked)
}

/// `resolved`, `blocked` (some blocker unresolved) or `open`.
pub fn state(ticket: &Ticket) -> &'static str {
    if ticket.is_resolved {
        "resolved"
    } else if ticket.is_blocked {
        "blocked"
    } else {
        "open"
    }
}

/// One line naming a related ticket: `✓ ticket-abc  [done]  Title`.
pub fn ref_line(r: &TicketRef) -> String {
    let mark = if r.is_resolved { RESOLVED_MARK } else { OPEN_MARK };
    format!("{mark} {}  [{}]  {}", r.id, r.status, r.title)
}

pub fn time(at: &DateTime<Utc>) -> String {
    at.with_timezone(&Local).format("%Y-%m-%d %H:%M:%S").to_string()
}

pub fn opt_time(at: &Option<DateTime<Utc>>) -> String {
    at.as_ref().map(time).unwrap_or_else(|| "-".to_string())
}

pub fn or_dash(value: Option<&str>) -> String {
    value.filter(|v| !v.is_empty()).unwrap_or("-").to_string()
}

/// `1 ticket`, `3 tickets`.
pub fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_columns() {
        let mut table = Table::new(&["ID", "TITLE"]);
        table.row(vec!["ticket-a".into(), "One".into()]);
        table.row(vec!["t".into(), "Two".into()]);
        assert_eq!(table.render(), "ID        TITLE\nticket-a  One\nt         Two\n");
    }

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        assert_eq!(truncate("first\nsecond", 40), "first");
    }
}
