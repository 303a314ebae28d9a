-- Tix schema v11 (SQLite; 10 is PostgreSQL's alone): a ticket's history and
-- comments are found through the ticket's creation order (tickets.seq), not
-- its id. Ids are random, so an index keyed by them took every new row to a
-- random leaf page: in the HTTP write bench those two indexes were 37 of the
-- ~100 pages a group commit wrote to the log, plus most of its page splits.
-- Keyed by seq, rows of recent tickets (where writes go) share a few pages
-- at the index's end.
-- Never edit a migration once landed; add a new file.

ALTER TABLE ticket_history ADD COLUMN ticket_seq INTEGER;
UPDATE ticket_history SET ticket_seq = (SELECT t.seq FROM tickets t WHERE t.id = ticket_history.ticket_id);
DROP INDEX ticket_history_by_ticket;
CREATE INDEX ticket_history_by_ticket_seq ON ticket_history(ticket_seq, id);

ALTER TABLE ticket_comments ADD COLUMN ticket_seq INTEGER;
UPDATE ticket_comments SET ticket_seq = (SELECT t.seq FROM tickets t WHERE t.id = ticket_comments.ticket_id);
DROP INDEX ticket_comments_by_ticket;
CREATE INDEX ticket_comments_by_ticket_seq ON ticket_comments(ticket_seq, id);

DROP TRIGGER ticket_fts_comment;
CREATE TRIGGER ticket_fts_comment AFTER INSERT ON ticket_comments
WHEN NOT EXISTS (SELECT 1 FROM search_bulk_import)
BEGIN
    UPDATE ticket_fts
       SET comments = CASE WHEN comments = '' THEN new.body ELSE comments || ' ' || new.body END
     WHERE rowid = new.ticket_seq;
END;
