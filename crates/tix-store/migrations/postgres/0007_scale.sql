-- Tix schema v7: scale. Event order without a global lock, and the ready
-- queue's ranking in the table. Never edit a migration once landed; add a
-- new file.

-- Events get their place in the log after they commit, not while a lock
-- is held to commit. Writers insert without a lock (tix_append_events_v7);
-- `position` stays NULL until tix_place_events, called by readers and by
-- each replica on NOTIFY, gives the committed unplaced events the next
-- positions, in id order, under a lock only placers take. A transaction
-- that commits late is placed after everything placed before, so a reader
-- that moved on never skips it, and every replica sees one order.
ALTER TABLE events ADD COLUMN position BIGINT;
UPDATE events SET position = id;
CREATE UNIQUE INDEX events_by_position ON events (position);
CREATE INDEX events_by_workflow_position ON events (workflow_id, position);
CREATE INDEX events_unplaced ON events (id) WHERE position IS NULL;
CREATE SEQUENCE event_positions;
SELECT setval('event_positions', COALESCE((SELECT MAX(id) FROM events), 0) + 1, false);

CREATE FUNCTION tix_append_events_v7(
    w TEXT[], k TEXT[], t TEXT[], a TEXT[], p JSONB[], c TIMESTAMPTZ[]
) RETURNS BIGINT[] LANGUAGE plpgsql AS $$
DECLARE
    ids BIGINT[];
BEGIN
    WITH inserted AS (
        INSERT INTO events (workflow_id, kind, ticket_id, agent_id, payload, created_at)
        SELECT e.w, e.k, e.t, e.a, e.p, e.c
        FROM UNNEST(w, k, t, a, p, c) WITH ORDINALITY AS e(w, k, t, a, p, c, n)
        ORDER BY e.n
        RETURNING id
    )
    SELECT array_agg(id ORDER BY id) INTO ids FROM inserted;
    -- Wakes the replicas, which place the events once they are committed.
    PERFORM pg_notify('tix_events.' || current_schema(), ids[array_length(ids, 1)]::text);
    RETURN ids;
END
$$;

-- Places the committed events that have no position yet; answers how many.
CREATE FUNCTION tix_place_events() RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
    placed BIGINT;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM events WHERE position IS NULL) THEN
        RETURN 0;
    END IF;
    -- 1953069175 is "tixw": placing, one placer at a time per schema.
    PERFORM pg_advisory_xact_lock(1953069175, hashtext(current_schema()));
    WITH unplaced AS (
        SELECT id, nextval('event_positions') AS position
        FROM (SELECT id FROM events WHERE position IS NULL ORDER BY id) ordered
    )
    UPDATE events SET position = unplaced.position FROM unplaced WHERE events.id = unplaced.id;
    GET DIAGNOSTICS placed = ROW_COUNT;
    RETURN placed;
END
$$;

-- How many unresolved tickets each ticket unblocks, transitively (the
-- ready queue's second key), kept exact for unresolved tickets with no
-- open blocker by the transactions that change the graph. Workflows that
-- existed before have their counts computed once, on first use.
ALTER TABLE tickets ADD COLUMN unblocks BIGINT NOT NULL DEFAULT 0;
ALTER TABLE workflows ADD COLUMN ranks_ready BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE workflows SET ranks_ready = TRUE WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.workflow_id = workflows.id);
ALTER TABLE workflows ALTER COLUMN ranks_ready SET DEFAULT TRUE;
CREATE INDEX tickets_ready_ranked ON tickets (workflow_id, status, priority DESC, unblocks DESC, created_at, id)
    WHERE NOT is_resolved AND open_blockers = 0;
