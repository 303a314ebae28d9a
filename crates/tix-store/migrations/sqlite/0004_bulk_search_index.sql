-- Bulk imports fill the keyword index and the embedding queue with one
-- statement per batch instead of a trigger per row. A per-row trigger into
-- FTS5 runs inside each INSERT's statement savepoint, and FTS5 flushes its
-- pending terms to a new segment at every savepoint: 100k imported tickets
-- made 100k segments to merge. While `search_bulk_import` holds its one row
-- (only inside an import's transaction), the insert triggers stand aside and
-- the import indexes the new rows itself before it commits.

CREATE TABLE search_bulk_import (
    id INTEGER PRIMARY KEY CHECK (id = 1)
);

DROP TRIGGER ticket_fts_insert;
CREATE TRIGGER ticket_fts_insert AFTER INSERT ON tickets
WHEN NOT EXISTS (SELECT 1 FROM search_bulk_import)
BEGIN
    INSERT INTO ticket_fts (rowid, title, description, tags, comments)
    VALUES (new.seq, new.title, new.description,
            COALESCE((SELECT group_concat(j.value, ' ') FROM json_each(new.tags) j), ''), '');
END;

DROP TRIGGER embedding_queue_insert;
CREATE TRIGGER embedding_queue_insert AFTER INSERT ON tickets
WHEN NOT EXISTS (SELECT 1 FROM search_bulk_import)
BEGIN
    DELETE FROM embedding_queue WHERE ticket_id = new.id;
    INSERT INTO embedding_queue (ticket_id) VALUES (new.id);
END;
