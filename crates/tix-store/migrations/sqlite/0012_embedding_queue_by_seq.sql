-- Tix schema v12 (SQLite): the embedding queue names a ticket by its
-- creation order (tickets.seq), not its id. Its UNIQUE index on the random
-- id took every new ticket's entry to a random leaf page: 12 of the ~64
-- pages a group commit wrote to the log in the HTTP write bench. The
-- queue's own seq is a watermark searches wait on, so it keeps counting
-- from where the old queue's stood.
-- Never edit a migration once landed; add a new file.

DROP TRIGGER embedding_queue_insert;
DROP TRIGGER embedding_queue_update;
DROP TRIGGER embedding_delete;

CREATE TABLE embedding_queue_by_seq (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_seq INTEGER NOT NULL UNIQUE
);
INSERT INTO embedding_queue_by_seq (seq, ticket_seq)
    SELECT q.seq, t.seq FROM embedding_queue q JOIN tickets t ON t.id = q.ticket_id ORDER BY q.seq;
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'embedding_queue_by_seq', 0
     WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'embedding_queue_by_seq');
UPDATE sqlite_sequence
   SET seq = MAX(seq, COALESCE((SELECT s.seq FROM sqlite_sequence s WHERE s.name = 'embedding_queue'), 0))
 WHERE name = 'embedding_queue_by_seq';
DROP TABLE embedding_queue;
ALTER TABLE embedding_queue_by_seq RENAME TO embedding_queue;

CREATE TRIGGER embedding_queue_insert AFTER INSERT ON tickets
WHEN NOT EXISTS (SELECT 1 FROM search_bulk_import)
BEGIN
    DELETE FROM embedding_queue WHERE ticket_seq = new.seq;
    INSERT INTO embedding_queue (ticket_seq) VALUES (new.seq);
END;

CREATE TRIGGER embedding_queue_update AFTER UPDATE OF title, description, tags ON tickets
WHEN old.title IS NOT new.title OR old.description IS NOT new.description OR old.tags IS NOT new.tags
BEGIN
    DELETE FROM embedding_queue WHERE ticket_seq = new.seq;
    INSERT INTO embedding_queue (ticket_seq) VALUES (new.seq);
END;

CREATE TRIGGER embedding_delete AFTER DELETE ON tickets BEGIN
    DELETE FROM embedding_queue WHERE ticket_seq = old.seq;
    DELETE FROM ticket_embeddings WHERE ticket_id = old.id;
    DELETE FROM embedding_changes WHERE ticket_id = old.id;
END;
