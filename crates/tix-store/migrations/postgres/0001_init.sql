-- Tix schema v1 for PostgreSQL (mirrors migrations/sqlite/0001_init.sql).
-- Never edit a migration once landed; add a new file.

CREATE TABLE workflows (
    id            TEXT COLLATE "C" PRIMARY KEY,
    name          TEXT NOT NULL,
    board_config  JSONB NOT NULL,
    phases        JSONB NOT NULL DEFAULT '[]',
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    -- Bumped in the same transaction as any change to the blocking graph;
    -- the row lock it takes also serialises graph changes per workflow.
    graph_version BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE tickets (
    seq               BIGSERIAL PRIMARY KEY,
    -- Byte-order collation so id prefixes are index range scans.
    id                TEXT COLLATE "C" NOT NULL UNIQUE,
    workflow_id       TEXT COLLATE "C" NOT NULL REFERENCES workflows(id),
    title             TEXT NOT NULL,
    description       TEXT NOT NULL,
    ticket_type       TEXT NOT NULL,
    status            TEXT NOT NULL,
    priority          SMALLINT NOT NULL,
    tags              JSONB NOT NULL,
    created_by        TEXT NOT NULL,
    assigned_agent_id TEXT,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    started_at        TIMESTAMPTZ,
    completed_at      TIMESTAMPTZ,
    resolved_at       TIMESTAMPTZ,
    is_resolved       BOOLEAN NOT NULL DEFAULT FALSE,
    open_blockers     INTEGER NOT NULL DEFAULT 0,
    version           BIGINT NOT NULL DEFAULT 1,
    lease_expires_at  TIMESTAMPTZ,
    lease_seconds     BIGINT
);
CREATE INDEX tickets_by_workflow ON tickets(workflow_id, seq);
CREATE INDEX tickets_by_status ON tickets(workflow_id, status);
CREATE INDEX tickets_ready ON tickets(workflow_id, status) WHERE NOT is_resolved AND open_blockers = 0;
CREATE INDEX tickets_leased ON tickets(lease_expires_at) WHERE lease_expires_at IS NOT NULL;

CREATE TABLE ticket_edges (
    blocker_id  TEXT COLLATE "C" NOT NULL REFERENCES tickets(id),
    blocked_id  TEXT COLLATE "C" NOT NULL REFERENCES tickets(id),
    workflow_id TEXT COLLATE "C" NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);
CREATE INDEX ticket_edges_by_blocked ON ticket_edges(blocked_id, blocker_id);
CREATE INDEX ticket_edges_by_workflow ON ticket_edges(workflow_id);

CREATE TABLE ticket_comments (
    id         BIGSERIAL PRIMARY KEY,
    ticket_id  TEXT COLLATE "C" NOT NULL REFERENCES tickets(id),
    author     TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX ticket_comments_by_ticket ON ticket_comments(ticket_id, id);

CREATE TABLE ticket_history (
    id          BIGSERIAL PRIMARY KEY,
    ticket_id   TEXT COLLATE "C" NOT NULL REFERENCES tickets(id),
    workflow_id TEXT COLLATE "C" NOT NULL,
    agent_id    TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT,
    comment     TEXT,
    details     JSONB NOT NULL DEFAULT '{}',
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX ticket_history_by_ticket ON ticket_history(ticket_id, id);
CREATE INDEX ticket_history_by_workflow ON ticket_history(workflow_id, id);

-- Event ids are handed out under a transaction-scoped advisory lock held
-- until commit, so ids become visible in increasing order and a reader
-- that resumes "after id N" never skips a later-committing smaller id.
CREATE TABLE events (
    id          BIGSERIAL PRIMARY KEY,
    workflow_id TEXT COLLATE "C" NOT NULL,
    kind        TEXT NOT NULL,
    ticket_id   TEXT COLLATE "C",
    agent_id    TEXT NOT NULL,
    payload     JSONB NOT NULL DEFAULT '{}',
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX events_by_workflow ON events(workflow_id, id);

-- Appends a transaction's events in one round trip: takes the schema's
-- event lock (held to commit, so ids become visible in order), inserts the
-- rows in the given order, and notifies the schema's channel with the last
-- id. Returns that id.
CREATE FUNCTION tix_append_events(
    w TEXT[], k TEXT[], t TEXT[], a TEXT[], p JSONB[], c TIMESTAMPTZ[]
) RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
    last_id BIGINT;
BEGIN
    -- 1953069174 is "tixv": the event-log lock space.
    PERFORM pg_advisory_xact_lock(1953069174, hashtext(current_schema()));
    WITH inserted AS (
        INSERT INTO events (workflow_id, kind, ticket_id, agent_id, payload, created_at)
        SELECT e.w, e.k, e.t, e.a, e.p, e.c
        FROM UNNEST(w, k, t, a, p, c) WITH ORDINALITY AS e(w, k, t, a, p, c, n)
        ORDER BY e.n
        RETURNING id
    )
    SELECT MAX(id) INTO last_id FROM inserted;
    PERFORM pg_notify('tix_events.' || current_schema(), last_id::text);
    RETURN last_id;
END
$$;
