-- Tix schema v6 for PostgreSQL (mirrors migrations/sqlite/0006_interop.sql):
-- a ticket's parent and its count of unresolved children, the id it had in
-- the tracker it was imported from, and links kept from that tracker.

-- Checked at commit: an import (or `tix migrate-store`) may name a parent
-- that comes later in the same transaction.
ALTER TABLE tickets ADD COLUMN parent_id TEXT COLLATE "C" REFERENCES tickets(id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE tickets ADD COLUMN open_children INTEGER NOT NULL DEFAULT 0;
CREATE INDEX tickets_by_parent ON tickets(parent_id) WHERE parent_id IS NOT NULL;

ALTER TABLE tickets ADD COLUMN external_ref TEXT;
CREATE INDEX tickets_by_external_ref ON tickets(external_ref) WHERE external_ref IS NOT NULL;

CREATE TABLE ticket_links (
    ticket_id TEXT COLLATE "C" NOT NULL REFERENCES tickets(id),
    kind      TEXT NOT NULL,
    target    TEXT NOT NULL,
    PRIMARY KEY (ticket_id, kind, target)
);

-- An import inserts many comments in one statement: it sets
-- `tix.bulk_import` for its transaction, this per-row trigger stands aside,
-- and the import indexes its commented tickets once each before it commits
-- (a trigger per comment rebuilt the ticket's document every time).
CREATE OR REPLACE FUNCTION tix_index_comment() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('tix.bulk_import', true) = 'on' THEN
        RETURN NULL;
    END IF;
    PERFORM tix_reindex_ticket(NEW.ticket_id);
    RETURN NULL;
END
$$;
