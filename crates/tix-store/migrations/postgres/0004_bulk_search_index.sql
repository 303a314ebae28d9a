-- New tickets are indexed and queued once per INSERT statement (a
-- statement-level trigger over the inserted rows) instead of a trigger per
-- row that looked each ticket up again: a bulk import (one INSERT of many
-- rows) now builds its tsvectors in one pass. A new ticket has no comments
-- yet, so its document is title, tags and description. Updates and
-- comments keep their per-row triggers.

DROP TRIGGER ticket_search_insert ON tickets;
DROP TRIGGER embedding_queue_insert ON tickets;

CREATE FUNCTION tix_index_new_tickets() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ticket_search (ticket_id, workflow_id, document)
    SELECT n.id, n.workflow_id,
           setweight(to_tsvector('english', n.title), 'A')
        || setweight(to_tsvector('english', COALESCE((SELECT string_agg(tag, ' ') FROM jsonb_array_elements_text(n.tags) tag), '')), 'B')
        || setweight(to_tsvector('english', n.description), 'C')
    FROM new_tickets n
    ON CONFLICT (ticket_id) DO UPDATE SET document = excluded.document, workflow_id = excluded.workflow_id;
    DELETE FROM embedding_queue q USING new_tickets n WHERE q.ticket_id = n.id;
    INSERT INTO embedding_queue (ticket_id) SELECT id FROM new_tickets ORDER BY seq;
    RETURN NULL;
END
$$;

CREATE TRIGGER tickets_inserted_index AFTER INSERT ON tickets
    REFERENCING NEW TABLE AS new_tickets
    FOR EACH STATEMENT EXECUTE FUNCTION tix_index_new_tickets();
