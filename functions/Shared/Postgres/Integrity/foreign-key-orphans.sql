-- Rows whose foreign key points at no row: counted per foreign key, whether the constraint is
-- validated or NOT VALID (MATCH SIMPLE: a row with a NULL in the key is not checked).
-- One row per problem; no rows means the check passed.
WITH keys AS (
    SELECT c.conname, c.conrelid, c.confrelid,
           pg_catalog.format('SELECT count(*) AS n FROM ONLY %s ch WHERE %s AND NOT EXISTS (SELECT 1 FROM %s%s pa WHERE %s)',
               c.conrelid::pg_catalog.regclass,
               (SELECT pg_catalog.string_agg(pg_catalog.format('ch.%I IS NOT NULL', a.attname), ' AND ')
                  FROM pg_catalog.unnest(c.conkey) k(attnum)
                  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum),
               CASE WHEN r.relkind = 'p' THEN '' ELSE 'ONLY ' END,
               c.confrelid::pg_catalog.regclass,
               (SELECT pg_catalog.string_agg(pg_catalog.format('pa.%I = ch.%I', pa.attname, ch.attname), ' AND ')
                  FROM pg_catalog.generate_subscripts(c.conkey, 1) k(i)
                  JOIN pg_catalog.pg_attribute ch ON ch.attrelid = c.conrelid AND ch.attnum = c.conkey[k.i]
                  JOIN pg_catalog.pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = c.confkey[k.i])) AS query
    FROM pg_catalog.pg_constraint c
    JOIN pg_catalog.pg_class r ON r.oid = c.confrelid
    JOIN pg_catalog.pg_class t ON t.oid = c.conrelid
    WHERE c.contype = 'f' AND t.relkind = 'r'
), counted AS (
    SELECT conname, conrelid, confrelid,
           (pg_catalog.xpath('/row/n/text()', pg_catalog.query_to_xml(query, false, true, '')))[1]::text::bigint AS orphans
    FROM keys
)
SELECT pg_catalog.format('%s rows of %s have no matching row in %s (foreign key %I)', orphans, conrelid::pg_catalog.regclass, confrelid::pg_catalog.regclass, conname)
FROM counted
WHERE orphans > 0
ORDER BY 1;
