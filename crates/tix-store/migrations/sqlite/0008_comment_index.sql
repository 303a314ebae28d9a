-- Tix schema v8 (SQLite): comments, like new tickets (0004), are indexed
-- for search once per group commit or import while `search_bulk_import`
-- holds its row (see src/sqlite/deferred_index.rs). FTS5 writes a segment
-- at every savepoint, and a group commit gives every write a savepoint, so
-- a comment indexed by its trigger cost one segment per write.
-- Never edit a migration once landed; add a new file.

DROP TRIGGER ticket_fts_comment;
CREATE TRIGGER ticket_fts_comment AFTER INSERT ON ticket_comments
WHEN NOT EXISTS (SELECT 1 FROM search_bulk_import)
BEGIN
    UPDATE ticket_fts
       SET comments = CASE WHEN comments = '' THEN new.body ELSE comments || ' ' || new.body END
     WHERE rowid = (SELECT seq FROM tickets WHERE id = new.ticket_id);
END;
