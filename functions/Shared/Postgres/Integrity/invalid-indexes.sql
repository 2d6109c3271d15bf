-- Indexes that are not valid or not ready: a build that failed or was interrupted.
-- One row per problem; no rows means the check passed.
SELECT pg_catalog.format('index %s on %s is not valid', i.indexrelid::pg_catalog.regclass, i.indrelid::pg_catalog.regclass)
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE (NOT i.indisvalid OR NOT i.indisready)
  AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
ORDER BY 1;
