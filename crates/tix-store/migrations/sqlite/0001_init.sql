-- Tix schema v1. Never edit a migration once landed; add a new file.

CREATE TABLE workflows (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    board_config  TEXT NOT NULL,           -- JSON
    phases        TEXT NOT NULL DEFAULT '[]', -- JSON
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    -- Bumped in the same transaction as any change to the blocking graph
    -- (tickets, edges, resolution), so in-memory graph caches know when
    -- they are stale.
    graph_version INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE tickets (
    seq               INTEGER PRIMARY KEY AUTOINCREMENT, -- creation order, pagination key
    id                TEXT NOT NULL UNIQUE,
    workflow_id       TEXT NOT NULL REFERENCES workflows(id),
    title             TEXT NOT NULL,
    description       TEXT NOT NULL,
    ticket_type       TEXT NOT NULL,
    status            TEXT NOT NULL,
    priority          INTEGER NOT NULL,  -- 0 low .. 3 critical
    tags              TEXT NOT NULL,     -- JSON array
    created_by        TEXT NOT NULL,
    assigned_agent_id TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    started_at        TEXT,
    completed_at      TEXT,
    resolved_at       TEXT,
    is_resolved       INTEGER NOT NULL DEFAULT 0,
    -- Number of unresolved blockers, kept in step with ticket_edges and
    -- blocker resolution in the same transaction: is_blocked = open_blockers > 0.
    open_blockers     INTEGER NOT NULL DEFAULT 0,
    version           INTEGER NOT NULL DEFAULT 1,
    lease_expires_at  TEXT,
    lease_seconds     INTEGER
);
CREATE INDEX tickets_by_workflow ON tickets(workflow_id, seq);
CREATE INDEX tickets_by_status ON tickets(workflow_id, status);
CREATE INDEX tickets_ready ON tickets(workflow_id, status) WHERE is_resolved = 0 AND open_blockers = 0;
CREATE INDEX tickets_leased ON tickets(lease_expires_at) WHERE lease_expires_at IS NOT NULL;

CREATE TABLE ticket_edges (
    blocker_id  TEXT NOT NULL REFERENCES tickets(id),
    blocked_id  TEXT NOT NULL REFERENCES tickets(id),
    workflow_id TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
) WITHOUT ROWID;
CREATE INDEX ticket_edges_by_blocked ON ticket_edges(blocked_id, blocker_id);
CREATE INDEX ticket_edges_by_workflow ON ticket_edges(workflow_id);

CREATE TABLE ticket_comments (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id  TEXT NOT NULL REFERENCES tickets(id),
    author     TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ticket_comments_by_ticket ON ticket_comments(ticket_id, id);

CREATE TABLE ticket_history (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id   TEXT NOT NULL REFERENCES tickets(id),
    workflow_id TEXT NOT NULL,
    agent_id    TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT,
    comment     TEXT,
    details     TEXT NOT NULL DEFAULT '{}', -- JSON
    created_at  TEXT NOT NULL
);
CREATE INDEX ticket_history_by_ticket ON ticket_history(ticket_id, id);
CREATE INDEX ticket_history_by_workflow ON ticket_history(workflow_id, id);

CREATE TABLE events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    workflow_id TEXT NOT NULL,
    kind        TEXT NOT NULL,
    ticket_id   TEXT,
    agent_id    TEXT NOT NULL,
    payload     TEXT NOT NULL DEFAULT '{}', -- JSON
    created_at  TEXT NOT NULL
);
CREATE INDEX events_by_workflow ON events(workflow_id, id);
