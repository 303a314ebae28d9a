-- Tix schema v7: scale. The ready queue's ranking in the table. Never edit
-- a migration once landed; add a new file.

-- How many unresolved tickets each ticket unblocks, transitively (the
-- ready queue's second key), kept exact for unresolved tickets with no
-- open blocker by the transactions that change the graph. Workflows that
-- existed before have their counts computed once, on first use.
ALTER TABLE tickets ADD COLUMN unblocks INTEGER NOT NULL DEFAULT 0;
-- SQLite cannot change a column's default: new workflows are inserted
-- with ranks_ready = 1 explicitly.
ALTER TABLE workflows ADD COLUMN ranks_ready INTEGER NOT NULL DEFAULT 0;
UPDATE workflows SET ranks_ready = 1 WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.workflow_id = workflows.id);
CREATE INDEX tickets_ready_ranked ON tickets (workflow_id, status, priority DESC, unblocks DESC, created_at, id)
    WHERE is_resolved = 0 AND open_blockers = 0;
