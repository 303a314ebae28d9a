-- Tix schema v5: coordinating a fleet. Runs (one attempt by one agent at a
-- ticket, with how it ended and what it handed over), idempotency keys,
-- webhooks and their delivery outbox. Never edit a migration once landed;
-- add a new file.

CREATE TABLE runs (
    seq              BIGSERIAL PRIMARY KEY,
    id               TEXT NOT NULL UNIQUE,
    workflow_id      TEXT NOT NULL REFERENCES workflows(id),
    ticket_id        TEXT NOT NULL REFERENCES tickets(id),
    task_id          TEXT,
    phase_id         INTEGER,
    agent_id         TEXT NOT NULL,
    -- SHA-256 of the claim token of the claim that opened it (see SQLite's 0005).
    claim_token_hash TEXT UNIQUE,
    started_at       TIMESTAMPTZ NOT NULL,
    ended_at         TIMESTAMPTZ,
    outcome          TEXT,
    ended_by         TEXT,
    summary          TEXT,
    handoff          JSONB,
    tokens_in        BIGINT,
    tokens_out       BIGINT,
    cost_usd         DOUBLE PRECISION,
    exit_code        INTEGER
);
CREATE INDEX runs_by_ticket ON runs(ticket_id, seq);
CREATE INDEX runs_by_workflow ON runs(workflow_id, seq);
CREATE INDEX runs_by_agent ON runs(agent_id, seq);
CREATE INDEX runs_open ON runs(ticket_id, agent_id) WHERE ended_at IS NULL;

CREATE TABLE idempotency_keys (
    agent_id    TEXT NOT NULL,
    key         TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status      INTEGER NOT NULL,
    body        JSONB NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (agent_id, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys(created_at);

CREATE TABLE webhooks (
    seq          BIGSERIAL PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    url          TEXT NOT NULL,
    events       JSONB NOT NULL,
    secret       TEXT NOT NULL,
    workflow_id  TEXT,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    sender       TEXT,
    sender_until TIMESTAMPTZ
);

CREATE TABLE webhook_deliveries (
    id              BIGSERIAL PRIMARY KEY,
    delivery_id     TEXT NOT NULL UNIQUE,
    webhook_id      TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event_id        BIGINT NOT NULL,
    event           TEXT NOT NULL,
    body            TEXT NOT NULL,
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    last_status     INTEGER,
    last_error      TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    delivered_at    TIMESTAMPTZ
);
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries(webhook_id, id);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries(webhook_id, id) WHERE state = 'pending';

-- As tix_append_events (0001), answering every new id in order: the
-- webhook outbox names each delivery's event.
CREATE FUNCTION tix_append_events_ids(
    w TEXT[], k TEXT[], t TEXT[], a TEXT[], p JSONB[], c TIMESTAMPTZ[]
) RETURNS BIGINT[] LANGUAGE plpgsql AS $$
DECLARE
    ids BIGINT[];
BEGIN
    PERFORM pg_advisory_xact_lock(1953069174, hashtext(current_schema()));
    WITH inserted AS (
        INSERT INTO events (workflow_id, kind, ticket_id, agent_id, payload, created_at)
        SELECT e.w, e.k, e.t, e.a, e.p, e.c
        FROM UNNEST(w, k, t, a, p, c) WITH ORDINALITY AS e(w, k, t, a, p, c, n)
        ORDER BY e.n
        RETURNING id
    )
    SELECT array_agg(id ORDER BY id) INTO ids FROM inserted;
    PERFORM pg_notify('tix_events.' || current_schema(), ids[array_length(ids, 1)]::text);
    RETURN ids;
END
$$;
