-- requires: amcheck
-- mode: errors-only
-- Every valid B-tree index checked with amcheck's bt_index_check, heapallindexed: the index's structure
-- is sound and every heap tuple is in it. bt_index_check raises an error on corruption; the verifier
-- reports that error as the problem. One row per index checked is returned and ignored.
SELECT pg_catalog.format('checked %s', c.oid::pg_catalog.regclass), bt_index_check(c.oid, true)
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
JOIN pg_catalog.pg_am am ON am.oid = c.relam
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE am.amname = 'btree' AND c.relkind = 'i' AND i.indisvalid AND i.indisready AND c.relpersistence <> 't'
  AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
ORDER BY c.relpages DESC;
