-- Tix schema v13 (PostgreSQL): the functions that run in every write find
-- their rows through indexes, however old their cached plans are.
--
-- PL/pgSQL keeps a statement's plan for the life of the connection, and a
-- plan made while a table was small scans the whole table: when the table
-- has grown, every write pays for it. Measured with `auto_explain` during
-- the HTTP write bench: placing events scanned all of `events` (a hash join
-- planned when it held a few hundred rows), and a created ticket's queue
-- clean-up scanned all of `embedding_queue` (planned for the 1,000-row
-- import that came first). With sequential scans off inside these two
-- functions the planner takes the primary key and the unique index.
ALTER FUNCTION tix_place_events() SET enable_seqscan = off;
ALTER FUNCTION tix_index_new_tickets() SET enable_seqscan = off;
