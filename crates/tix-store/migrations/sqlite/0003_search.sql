-- Search: the keyword index (FTS5), stored embeddings and the queue of
-- tickets whose embedding must be (re)computed. Never edit a migration once
-- landed; add a new file.

-- Keyword index, one row per ticket (rowid = tickets.seq). It keeps its own
-- copy of the text so triggers can update single columns. The porter
-- stemmer makes "crashes" match "crash"; unicode61 splits on punctuation,
-- so `auth:jwt` indexes as `auth` and `jwt`.
CREATE VIRTUAL TABLE ticket_fts USING fts5(
    title,
    description,
    tags,
    comments,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

INSERT INTO ticket_fts (rowid, title, description, tags, comments)
SELECT t.seq, t.title, t.description,
       COALESCE((SELECT group_concat(j.value, ' ') FROM json_each(t.tags) j), ''),
       COALESCE((SELECT group_concat(c.body, ' ') FROM ticket_comments c WHERE c.ticket_id = t.id), '')
FROM tickets t;

CREATE TRIGGER ticket_fts_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO ticket_fts (rowid, title, description, tags, comments)
    VALUES (new.seq, new.title, new.description,
            COALESCE((SELECT group_concat(j.value, ' ') FROM json_each(new.tags) j), ''), '');
END;

CREATE TRIGGER ticket_fts_update AFTER UPDATE OF title, description, tags ON tickets
WHEN old.title IS NOT new.title OR old.description IS NOT new.description OR old.tags IS NOT new.tags
BEGIN
    UPDATE ticket_fts
       SET title = new.title,
           description = new.description,
           tags = COALESCE((SELECT group_concat(j.value, ' ') FROM json_each(new.tags) j), '')
     WHERE rowid = new.seq;
END;

CREATE TRIGGER ticket_fts_delete AFTER DELETE ON tickets BEGIN
    DELETE FROM ticket_fts WHERE rowid = old.seq;
END;

CREATE TRIGGER ticket_fts_comment AFTER INSERT ON ticket_comments BEGIN
    UPDATE ticket_fts
       SET comments = CASE WHEN comments = '' THEN new.body ELSE comments || ' ' || new.body END
     WHERE rowid = (SELECT seq FROM tickets WHERE id = new.ticket_id);
END;

-- One embedding per ticket: the vector (little-endian f32, L2-normalised)
-- of its title, tags and description, and the model that made it. A row
-- whose model_id differs from the running embedder's is re-computed.
CREATE TABLE ticket_embeddings (
    ticket_id    TEXT PRIMARY KEY REFERENCES tickets(id),
    workflow_id  TEXT NOT NULL,
    model_id     TEXT NOT NULL,
    dims         INTEGER NOT NULL,
    content_hash TEXT NOT NULL,   -- of the embedded text: unchanged text is not re-embedded
    vector       BLOB NOT NULL,
    updated_at   TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX ticket_embeddings_by_model ON ticket_embeddings(model_id, workflow_id);

-- Tickets whose embedding is due. Filled by triggers in the same
-- transaction as the write, so no code path can forget it; drained by the
-- embedding worker. `seq` only grows (AUTOINCREMENT, and a ticket queued
-- again is replaced with a new seq), so "processed through seq N" is a
-- watermark a search can wait for. (Triggers replace rows with DELETE +
-- INSERT: an outer statement's ON CONFLICT would override OR REPLACE.)
CREATE TABLE embedding_queue (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id TEXT NOT NULL UNIQUE
);

INSERT INTO embedding_queue (ticket_id) SELECT id FROM tickets ORDER BY seq;

CREATE TRIGGER embedding_queue_insert AFTER INSERT ON tickets BEGIN
    DELETE FROM embedding_queue WHERE ticket_id = new.id;
    INSERT INTO embedding_queue (ticket_id) VALUES (new.id);
END;

CREATE TRIGGER embedding_queue_update AFTER UPDATE OF title, description, tags ON tickets
WHEN old.title IS NOT new.title OR old.description IS NOT new.description OR old.tags IS NOT new.tags
BEGIN
    DELETE FROM embedding_queue WHERE ticket_id = new.id;
    INSERT INTO embedding_queue (ticket_id) VALUES (new.id);
END;

-- Stored embeddings that changed, newest last: a process that keeps vectors
-- in memory (the server) catches up with vectors another process (a local
-- `tix search` or `tix reindex` on the same file) wrote. One row per ticket.
CREATE TABLE embedding_changes (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id TEXT NOT NULL UNIQUE
);

CREATE TRIGGER embedding_changes_insert AFTER INSERT ON ticket_embeddings BEGIN
    DELETE FROM embedding_changes WHERE ticket_id = new.ticket_id;
    INSERT INTO embedding_changes (ticket_id) VALUES (new.ticket_id);
END;

CREATE TRIGGER embedding_changes_update AFTER UPDATE ON ticket_embeddings BEGIN
    DELETE FROM embedding_changes WHERE ticket_id = new.ticket_id;
    INSERT INTO embedding_changes (ticket_id) VALUES (new.ticket_id);
END;

CREATE TRIGGER embedding_delete AFTER DELETE ON tickets BEGIN
    DELETE FROM embedding_queue WHERE ticket_id = old.id;
    DELETE FROM ticket_embeddings WHERE ticket_id = old.id;
    DELETE FROM embedding_changes WHERE ticket_id = old.id;
END;
