//! Filling the keyword index and the embedding queue once for many new
//! tickets and comments instead of a trigger per row (migrations 0004 and
//! 0008). FTS5 writes its
//! pending terms out as a new segment at every savepoint: a trigger per
//! inserted ticket made one segment per ticket to merge, and a group commit
//! (a savepoint per write) one per write. While `search_bulk_import` holds
//! its row (only inside one transaction) the insert triggers of tickets and
//! comments stand aside, and whoever set the row indexes every ticket
//! inserted since, and the comments of every ticket commented on since, as
//! the transaction leaves them, before it commits.
//!
//! A group commit sets it for the whole group; an import inside a group
//! leaves the indexing to the group. Tickets inserted by a write that
//! rolled back to its savepoint are gone, so they are never indexed.

use rusqlite::{Connection, OptionalExtension};

/// Where the log of tickets and comments stood when indexing was deferred.
#[derive(Debug, Clone, Copy)]
pub(super) struct Deferred {
    seq_before: i64,
    comment_before: i64,
}

/// Makes the insert triggers stand aside. Answers where to index from, to
/// hand to [`index_new`], or `None` when someone already deferred (the
/// group this write runs in indexes for it).
pub(super) fn defer(conn: &Connection) -> rusqlite::Result<Option<Deferred>> {
    let deferred = conn
        .query_row("SELECT 1 FROM search_bulk_import", [], |_| Ok(()))
        .optional()?
        .is_some();
    if deferred {
        return Ok(None);
    }
    let (seq_before, comment_before) = conn.query_row(
        "SELECT (SELECT COALESCE(MAX(seq), 0) FROM tickets), (SELECT COALESCE(MAX(id), 0) FROM ticket_comments)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    conn.execute("INSERT INTO search_bulk_import (id) VALUES (1)", [])?;
    Ok(Some(Deferred {
        seq_before,
        comment_before,
    }))
}

/// The older tickets (`seq <= ?2`) commented on since comment `?1`, with
/// all their comments. From the new comments (a range of their key) to
/// their tickets: NOT INDEXED keeps SQLite from answering DISTINCT by
/// walking the whole `ticket_comments_by_ticket_seq` index (every comment
/// ever written, at every commit), and CROSS JOIN from starting at the
/// tickets.
pub(super) const COMMENTED_SINCE: &str = "SELECT t.seq, COALESCE((SELECT group_concat(a.body, ' ') \
     FROM ticket_comments a WHERE a.ticket_seq = t.seq), '') \
     FROM (SELECT DISTINCT ticket_seq FROM ticket_comments NOT INDEXED WHERE id > ?1 AND ticket_seq <= ?2) c \
     CROSS JOIN tickets t ON t.seq = c.ticket_seq";

/// Puts the triggers back; indexes and queues every ticket inserted since
/// `deferred`, and indexes anew the comments of older tickets commented on
/// since.
pub(super) fn index_new(conn: &Connection, deferred: Deferred) -> rusqlite::Result<()> {
    let Deferred {
        seq_before,
        comment_before,
    } = deferred;
    conn.execute("DELETE FROM search_bulk_import", [])?;
    conn.prepare_cached(
        "INSERT INTO ticket_fts (rowid, title, description, tags, comments) \
         SELECT t.seq, t.title, t.description, \
                COALESCE((SELECT group_concat(j.value, ' ') FROM json_each(t.tags) j), ''), \
                COALESCE((SELECT group_concat(c.body, ' ') FROM ticket_comments c WHERE c.ticket_seq = t.seq), '') \
         FROM tickets t WHERE t.seq > ?1",
    )?
    .execute([seq_before])?;
    conn.prepare_cached(
        "INSERT OR REPLACE INTO embedding_queue (ticket_seq) SELECT seq FROM tickets WHERE seq > ?1 ORDER BY seq",
    )?
    .execute([seq_before])?;
    let commented: Vec<(i64, String)> = conn
        .prepare_cached(COMMENTED_SINCE)?
        .query_map([comment_before, seq_before], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut set_comments = conn.prepare_cached("UPDATE ticket_fts SET comments = ?2 WHERE rowid = ?1")?;
    for (seq, comments) in commented {
        set_comments.execute(rusqlite::params![seq, comments])?;
    }
    Ok(())
}
