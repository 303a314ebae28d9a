-- Tix schema v9: one index for the ready queue. tickets_ready_ranked (0007)
-- serves the ready page and every count of ready tickets (its leading
-- columns are tickets_ready's), so the older index only cost every insert
-- and move a second index write.
-- Never edit a migration once landed; add a new file.

DROP INDEX tickets_ready;
