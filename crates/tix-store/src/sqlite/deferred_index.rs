//! Filling the keyword index and the embedding queue once for many new
//! tickets instead of a trigger per row (migration 0004). FTS5 writes its
//! pending terms out as a new segment at every savepoint: a trigger per
//! inserted ticket made one segment per ticket to merge, and a group commit
//! (a savepoint per write) one per write. While `search_bulk_import` holds
//! its row (only inside one transaction) the insert triggers stand aside,
//! and whoever set the row indexes every ticket inserted since, as the
//! transaction leaves them (comments included), before it commits.
//!
//! A group commit sets it for the whole group; an import inside a group
//! leaves the indexing to the group. Tickets inserted by a write that
//! rolled back to its savepoint are gone, so they are never indexed.

use rusqlite::{Connection, OptionalExtension};

/// Makes the insert triggers stand aside. Answers the last ticket `seq`
/// before, to hand to [`index_new_tickets`], or `None` when someone
/// already deferred (the group this write runs in indexes for it).
pub(super) fn defer(conn: &Connection) -> rusqlite::Result<Option<i64>> {
    let deferred = conn
        .query_row("SELECT 1 FROM search_bulk_import", [], |_| Ok(()))
        .optional()?
        .is_some();
    if deferred {
        return Ok(None);
    }
    let seq_before: i64 = conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM tickets", [], |r| r.get(0))?;
    conn.execute("INSERT INTO search_bulk_import (id) VALUES (1)", [])?;
    Ok(Some(seq_before))
}

/// Puts the triggers back and indexes and queues every ticket inserted
/// after `seq_before`.
pub(super) fn index_new_tickets(conn: &Connection, seq_before: i64) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM search_bulk_import", [])?;
    conn.prepare_cached(
        "INSERT INTO ticket_fts (rowid, title, description, tags, comments) \
         SELECT t.seq, t.title, t.description, \
                COALESCE((SELECT group_concat(j.value, ' ') FROM json_each(t.tags) j), ''), \
                COALESCE((SELECT group_concat(c.body, ' ') FROM ticket_comments c WHERE c.ticket_id = t.id), '') \
         FROM tickets t WHERE t.seq > ?1",
    )?
    .execute([seq_before])?;
    conn.prepare_cached(
        "INSERT OR REPLACE INTO embedding_queue (ticket_id) SELECT id FROM tickets WHERE seq > ?1 ORDER BY seq",
    )?
    .execute([seq_before])?;
    Ok(())
}
