-- Tix schema v5: coordinating a fleet. Runs (one attempt by one agent at a
-- ticket, with how it ended and what it handed over), idempotency keys,
-- webhooks and their delivery outbox. Never edit a migration once landed;
-- add a new file.

CREATE TABLE runs (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT, -- creation order, pagination key
    id               TEXT NOT NULL UNIQUE,              -- run-xxxxxxxx
    workflow_id      TEXT NOT NULL REFERENCES workflows(id),
    ticket_id        TEXT NOT NULL REFERENCES tickets(id),
    task_id          TEXT,
    phase_id         INTEGER,
    agent_id         TEXT NOT NULL,
    -- SHA-256 of the claim token of the claim that opened it (NULL for a
    -- run a task start opened). The open run holding the ticket's current
    -- claim is what makes a token current; an ended run's token is stale.
    claim_token_hash TEXT UNIQUE,
    started_at       TEXT NOT NULL,
    ended_at         TEXT,
    outcome          TEXT,        -- succeeded | failed | abandoned | lease_lost
    ended_by         TEXT,
    summary          TEXT,
    handoff          TEXT,        -- JSON {done, remaining, decisions, risks}
    tokens_in        INTEGER,
    tokens_out       INTEGER,
    cost_usd         REAL,
    exit_code        INTEGER
);
CREATE INDEX runs_by_ticket ON runs(ticket_id, seq);
CREATE INDEX runs_by_workflow ON runs(workflow_id, seq);
CREATE INDEX runs_by_agent ON runs(agent_id, seq);
CREATE INDEX runs_open ON runs(ticket_id, agent_id) WHERE ended_at IS NULL;

-- A write's answer, kept 24 hours under the key its agent sent, so a retry
-- gets the first answer instead of doing the write again. Inserted in the
-- write's own transaction.
CREATE TABLE idempotency_keys (
    agent_id    TEXT NOT NULL,
    key         TEXT NOT NULL,
    -- SHA-256 of what the request asked (route and body), to refuse a key
    -- reused for a different request.
    fingerprint TEXT NOT NULL,
    status      INTEGER NOT NULL,
    body        TEXT NOT NULL,    -- JSON
    created_at  TEXT NOT NULL,
    PRIMARY KEY (agent_id, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_by_age ON idempotency_keys(created_at);

CREATE TABLE webhooks (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,   -- hook-xxxxxxxx
    url          TEXT NOT NULL,
    events       TEXT NOT NULL,          -- JSON array of event names, or ["*"]
    secret       TEXT NOT NULL,
    workflow_id  TEXT,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    -- The server process sending this webhook's deliveries now, until when:
    -- one sender per webhook keeps deliveries in event order across replicas.
    sender       TEXT,
    sender_until TEXT
);

-- The outbox: written in the transaction of the change that caused it.
CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,  -- event order per webhook
    delivery_id     TEXT NOT NULL UNIQUE,
    webhook_id      TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event_id        INTEGER NOT NULL,
    event           TEXT NOT NULL,
    body            TEXT NOT NULL,     -- the exact bytes posted (and signed)
    state           TEXT NOT NULL,     -- pending | delivered | failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_status     INTEGER,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    delivered_at    TEXT
);
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries(webhook_id, id);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries(webhook_id, id) WHERE state = 'pending';
