-- Search for PostgreSQL (mirrors migrations/sqlite/0003_search.sql): a
-- weighted tsvector per ticket (title A, tags B, description C, comments D)
-- with a GIN index, kept in step by triggers; stored embeddings; the
-- embedding queue and the log of changed embeddings.

CREATE TABLE ticket_search (
    ticket_id   TEXT COLLATE "C" PRIMARY KEY REFERENCES tickets(id),
    workflow_id TEXT COLLATE "C" NOT NULL,
    document    TSVECTOR NOT NULL
);
CREATE INDEX ticket_search_document ON ticket_search USING GIN (document);
CREATE INDEX ticket_search_by_workflow ON ticket_search(workflow_id);

CREATE FUNCTION tix_search_document(ticket TEXT) RETURNS TSVECTOR LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector('english', t.title), 'A')
        || setweight(to_tsvector('english', COALESCE((SELECT string_agg(tag, ' ') FROM jsonb_array_elements_text(t.tags) tag), '')), 'B')
        || setweight(to_tsvector('english', t.description), 'C')
        || setweight(to_tsvector('english', COALESCE((SELECT string_agg(c.body, ' ') FROM ticket_comments c WHERE c.ticket_id = t.id), '')), 'D')
    FROM tickets t WHERE t.id = ticket
$$;

CREATE FUNCTION tix_reindex_ticket(target TEXT) RETURNS VOID LANGUAGE sql AS $$
    INSERT INTO ticket_search (ticket_id, workflow_id, document)
    SELECT t.id, t.workflow_id, tix_search_document(t.id) FROM tickets t WHERE t.id = target
    ON CONFLICT (ticket_id) DO UPDATE SET document = excluded.document, workflow_id = excluded.workflow_id
$$;

CREATE FUNCTION tix_index_ticket() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tix_reindex_ticket(NEW.id);
    RETURN NULL;
END
$$;

CREATE FUNCTION tix_index_comment() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tix_reindex_ticket(NEW.ticket_id);
    RETURN NULL;
END
$$;

CREATE TRIGGER ticket_search_insert AFTER INSERT ON tickets FOR EACH ROW EXECUTE FUNCTION tix_index_ticket();
CREATE TRIGGER ticket_search_update AFTER UPDATE OF title, description, tags ON tickets FOR EACH ROW
    WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.description IS DISTINCT FROM NEW.description
          OR OLD.tags IS DISTINCT FROM NEW.tags)
    EXECUTE FUNCTION tix_index_ticket();
CREATE TRIGGER ticket_search_comment AFTER INSERT ON ticket_comments FOR EACH ROW EXECUTE FUNCTION tix_index_comment();

INSERT INTO ticket_search (ticket_id, workflow_id, document)
SELECT id, workflow_id, tix_search_document(id) FROM tickets;

CREATE TABLE ticket_embeddings (
    ticket_id    TEXT COLLATE "C" PRIMARY KEY REFERENCES tickets(id),
    workflow_id  TEXT COLLATE "C" NOT NULL,
    model_id     TEXT NOT NULL,
    dims         INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    vector       BYTEA NOT NULL,  -- little-endian f32, L2-normalised
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX ticket_embeddings_by_model ON ticket_embeddings(model_id, workflow_id);

-- Tickets whose embedding is due, filled by triggers in the write's own
-- transaction; a re-queued ticket gets a new, higher seq.
CREATE TABLE embedding_queue (
    seq       BIGSERIAL PRIMARY KEY,
    ticket_id TEXT COLLATE "C" NOT NULL UNIQUE
);

CREATE FUNCTION tix_queue_embedding() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM embedding_queue WHERE ticket_id = NEW.id;
    INSERT INTO embedding_queue (ticket_id) VALUES (NEW.id);
    RETURN NULL;
END
$$;

CREATE TRIGGER embedding_queue_insert AFTER INSERT ON tickets FOR EACH ROW EXECUTE FUNCTION tix_queue_embedding();
CREATE TRIGGER embedding_queue_update AFTER UPDATE OF title, description, tags ON tickets FOR EACH ROW
    WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.description IS DISTINCT FROM NEW.description
          OR OLD.tags IS DISTINCT FROM NEW.tags)
    EXECUTE FUNCTION tix_queue_embedding();

INSERT INTO embedding_queue (ticket_id) SELECT id FROM tickets ORDER BY seq;

-- Embeddings stored or replaced, newest last, so every replica's in-memory
-- vector index can catch up with vectors another replica wrote.
CREATE TABLE embedding_changes (
    seq       BIGSERIAL PRIMARY KEY,
    ticket_id TEXT COLLATE "C" NOT NULL UNIQUE
);

CREATE FUNCTION tix_embedding_changed() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM embedding_changes WHERE ticket_id = NEW.ticket_id;
    INSERT INTO embedding_changes (ticket_id) VALUES (NEW.ticket_id);
    RETURN NULL;
END
$$;

CREATE TRIGGER embedding_changes_write AFTER INSERT OR UPDATE ON ticket_embeddings FOR EACH ROW
    EXECUTE FUNCTION tix_embedding_changed();
