-- Room on every page for a new version of its rows, so that an update touching no indexed column
-- (last_seen_at, sequence_num, health, effective_config, remote_config_status, connection state;
-- offers and statuses) stays a heap-only update: with full pages every such update also wrote an
-- entry into each index of the table, the three GIN indexes of `agents` among them. Measured on
-- 100 000 agents (docs/benchmarks.md): a batch of 5 000 liveness updates took 120 to 360 ms with
-- almost no heap-only updates, 80 to 110 ms with about 90 % of them heap-only. Applies to pages
-- filled from now on; a VACUUM FULL (or pg_repack) gives existing pages the room as well.
-- Portable SQL: runs unchanged on PostgreSQL 15 and on PGlite.

ALTER TABLE agents SET (fillfactor = 70);
ALTER TABLE agent_config_state SET (fillfactor = 80);
ALTER TABLE agent_config_status SET (fillfactor = 80);
