-- Tix schema v2 for PostgreSQL (mirrors migrations/sqlite/0002_agent_interface.sql):
-- tasks, Guardian modes and violations, commits linked to tickets, agent tokens.

ALTER TABLE workflows ADD COLUMN guardian JSONB NOT NULL DEFAULT '{}';

CREATE TABLE tasks (
    seq               BIGSERIAL PRIMARY KEY,
    id                TEXT COLLATE "C" NOT NULL UNIQUE,
    workflow_id       TEXT COLLATE "C" NOT NULL REFERENCES workflows(id),
    phase_id          INTEGER NOT NULL,
    ticket_id         TEXT COLLATE "C" NOT NULL REFERENCES tickets(id),
    description       TEXT NOT NULL,
    status            TEXT NOT NULL,
    assigned_agent_id TEXT,
    created_by        TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    started_at        TIMESTAMPTZ,
    completed_at      TIMESTAMPTZ,
    note              TEXT
);
CREATE INDEX tasks_by_ticket ON tasks(ticket_id, seq);
CREATE INDEX tasks_by_workflow ON tasks(workflow_id, seq);
CREATE INDEX tasks_by_agent ON tasks(assigned_agent_id, status) WHERE assigned_agent_id IS NOT NULL;

CREATE TABLE guardian_violations (
    id          BIGSERIAL PRIMARY KEY,
    workflow_id TEXT COLLATE "C" NOT NULL,
    rule        TEXT NOT NULL,
    mode        TEXT NOT NULL,
    agent_id    TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    message     TEXT NOT NULL,
    fix         TEXT NOT NULL,
    details     JSONB NOT NULL DEFAULT '{}',
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX guardian_violations_by_workflow ON guardian_violations(workflow_id, id);

CREATE TABLE ticket_commits (
    ticket_id     TEXT COLLATE "C" NOT NULL REFERENCES tickets(id),
    sha           TEXT NOT NULL,
    workflow_id   TEXT COLLATE "C" NOT NULL,
    message       TEXT NOT NULL,
    author        TEXT,
    committed_at  TIMESTAMPTZ,
    files_changed BIGINT,
    insertions    BIGINT,
    deletions     BIGINT,
    source        TEXT NOT NULL,
    linked_by     TEXT NOT NULL,
    linked_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (ticket_id, sha)
);
CREATE INDEX ticket_commits_by_sha ON ticket_commits(sha);

CREATE TABLE agent_tokens (
    agent_id   TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    role       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
