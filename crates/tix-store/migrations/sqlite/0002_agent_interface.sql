-- Tix schema v2: the agent interface. Tasks (phase work items linked to a
-- ticket), Guardian rule modes and violations, commits linked to tickets,
-- agent tokens. Never edit a migration once landed; add a new file.

-- Guardian rule modes per workflow: {"rules": {"<rule>": "warn"|"enforce"|"off"}}.
ALTER TABLE workflows ADD COLUMN guardian TEXT NOT NULL DEFAULT '{}';

CREATE TABLE tasks (
    seq               INTEGER PRIMARY KEY AUTOINCREMENT, -- creation order, pagination key
    id                TEXT NOT NULL UNIQUE,              -- task-xxxxxxxx
    workflow_id       TEXT NOT NULL REFERENCES workflows(id),
    phase_id          INTEGER NOT NULL,
    ticket_id         TEXT NOT NULL REFERENCES tickets(id),
    description       TEXT NOT NULL,
    -- queued | in_progress | done | failed | blocked. A queued task's ticket
    -- is unblocked and a blocked task's ticket is blocked: the same
    -- transaction that changes tickets.open_blockers moves them across.
    status            TEXT NOT NULL,
    assigned_agent_id TEXT,
    created_by        TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    started_at        TEXT,
    completed_at      TEXT,
    -- The comment given with the last status change (why it failed, what was done).
    note              TEXT
);
CREATE INDEX tasks_by_ticket ON tasks(ticket_id, seq);
CREATE INDEX tasks_by_workflow ON tasks(workflow_id, seq);
CREATE INDEX tasks_by_agent ON tasks(assigned_agent_id, status) WHERE assigned_agent_id IS NOT NULL;

CREATE TABLE guardian_violations (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    workflow_id TEXT NOT NULL,
    rule        TEXT NOT NULL,
    mode        TEXT NOT NULL,          -- warn: the write went through; enforce: it was refused
    agent_id    TEXT NOT NULL,
    object_kind TEXT NOT NULL,          -- ticket | task
    object_id   TEXT NOT NULL,
    message     TEXT NOT NULL,
    fix         TEXT NOT NULL,
    details     TEXT NOT NULL DEFAULT '{}', -- JSON
    created_at  TEXT NOT NULL
);
CREATE INDEX guardian_violations_by_workflow ON guardian_violations(workflow_id, id);

CREATE TABLE ticket_commits (
    ticket_id     TEXT NOT NULL REFERENCES tickets(id),
    sha           TEXT NOT NULL,
    workflow_id   TEXT NOT NULL,
    message       TEXT NOT NULL,
    author        TEXT,
    committed_at  TEXT,
    files_changed INTEGER,
    insertions    INTEGER,
    deletions     INTEGER,
    -- hook | scan | manual
    source        TEXT NOT NULL,
    linked_by     TEXT NOT NULL,
    linked_at     TEXT NOT NULL,
    PRIMARY KEY (ticket_id, sha)
) WITHOUT ROWID;
CREATE INDEX ticket_commits_by_sha ON ticket_commits(sha);

CREATE TABLE agent_tokens (
    agent_id   TEXT PRIMARY KEY,
    -- SHA-256 of the token, hex. Tokens are 256 random bits, so a fast hash
    -- is enough; the token itself is shown once and never stored.
    token_hash TEXT NOT NULL UNIQUE,
    role       TEXT NOT NULL,  -- agent | admin
    created_at TEXT NOT NULL
);
