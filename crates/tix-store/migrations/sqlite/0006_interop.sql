-- Tix schema v6: interop. Never edit a migration once landed; add a new file.
--
-- Hierarchy: a ticket's parent (same workflow, no loops: checked by the
-- writes). `open_children` counts a ticket's unresolved children and is
-- kept in step in the same transaction as creates, parent changes, resolves
-- and reopens (like `open_blockers`), so the ready queue skips a parent
-- with open work by testing a column.
-- Checked at commit, so an import (or a copy) may name a parent that comes
-- later in the same transaction.
ALTER TABLE tickets ADD COLUMN parent_id TEXT REFERENCES tickets(id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE tickets ADD COLUMN open_children INTEGER NOT NULL DEFAULT 0;
CREATE INDEX tickets_by_parent ON tickets(parent_id) WHERE parent_id IS NOT NULL;

-- The id a ticket had in the tracker it was imported from (beads' `bd-a1b2`,
-- GitHub's `owner/repo#12`); ids resolve through it too.
ALTER TABLE tickets ADD COLUMN external_ref TEXT;
CREATE INDEX tickets_by_external_ref ON tickets(external_ref) WHERE external_ref IS NOT NULL;

-- Links kept from another tracker (beads' related / discovered-from): shown
-- on the ticket, never a rule. `target` is a ticket id, or the other
-- tracker's id when that ticket was not imported.
CREATE TABLE ticket_links (
    ticket_id TEXT NOT NULL REFERENCES tickets(id),
    kind      TEXT NOT NULL,  -- related | discovered_from
    target    TEXT NOT NULL,
    PRIMARY KEY (ticket_id, kind, target)
) WITHOUT ROWID;
