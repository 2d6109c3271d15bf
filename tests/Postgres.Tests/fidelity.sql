-- A database that uses what a dump must carry over: run with psql -v owner=<role> -v reader=<role>.
-- Roles are created by the test with unique names and dropped after it.
CREATE EXTENSION pg_trgm;

CREATE SCHEMA app AUTHORIZATION :"owner";
CREATE SCHEMA "Sales Dept";
COMMENT ON SCHEMA app IS 'application tables — ünïcode comment';

CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN app.positive_int AS integer CHECK (VALUE > 0);
CREATE TYPE app.address AS (street text, zip varchar(10));

CREATE TABLE app.people (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL,
    obsolete    text,
    mood        app.mood,
    age         app.positive_int,
    home        app.address,
    tags        text[],
    doc         jsonb,
    photo       bytea,
    score       numeric,
    ratio       double precision,
    r           real,
    name_upper  text GENERATED ALWAYS AS (upper(name)) STORED,
    born        date,
    seen        timestamptz,
    span        interval
);
ALTER TABLE app.people DROP COLUMN obsolete;
COMMENT ON TABLE app.people IS 'People (Zoë, 東京)';
COMMENT ON COLUMN app.people.doc IS 'free-form profile';

INSERT INTO app.people (name, mood, age, home, tags, doc, photo, score, ratio, r, born, seen, span) VALUES
  ('Ada', 'happy', 36, ROW('1 Main St', 'AB1 2CD'), ARRAY['math', 'engines'], '{"a": 1, "nested": {"b": [1, 2, null]}}', '\x00ff10', 1e100, 'NaN', 'Infinity', '1815-12-10', '2024-02-29 23:59:59.999999+01', '1 year 2 mons 3 days 04:05:06.789'),
  ('Zoë 東京 😀', 'ok', NULL, NULL, ARRAY[]::text[], '[]', '\x', -0.000000000000000000000000000001, '-Infinity', '-Infinity', NULL, NULL, NULL),
  (E'tab\there, newline\nthere, backslash \\ and ''quote''', NULL, 1, ROW(NULL, NULL), ARRAY[NULL, 'x y', '"q"'], 'null', NULL, 'NaN', -0.0, 1.17549435e-38, '0001-01-01', 'infinity', '-178000000 years'),
  ('Grace', 'sad', 85, ROW('Arlington', '22201'), NULL, '{"k": "\u00e9"}', decode(repeat('ab', 1000), 'hex'), 123456789012345678901234567890.123456789, 2.2250738585072014e-308, 3.4028235e38, '1906-12-09', '1992-01-01 00:00:00+00', '-1 day'),
  ('Nobody', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO app.people (name, age, score) SELECT 'person ' || g, 18 + g % 60, g * 1.5 FROM generate_series(1, 2000) g;

CREATE TABLE "Sales Dept"."Order ""Items""" (
    "Line No" serial,
    "Qty"     integer,
    note      text
);
INSERT INTO "Sales Dept"."Order ""Items""" ("Qty", note) VALUES (1, 'no primary key'), (1, 'no primary key'), (NULL, NULL), (-5, 'ñ');

CREATE TABLE app.measurements (
    city    text NOT NULL,
    logdate date NOT NULL,
    peak    integer,
    PRIMARY KEY (city, logdate)
) PARTITION BY RANGE (logdate);
CREATE TABLE app.measurements_2023 PARTITION OF app.measurements FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE app.measurements_2024 PARTITION OF app.measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE app.measurements_other PARTITION OF app.measurements DEFAULT;
CREATE INDEX measurements_peak_idx ON app.measurements (peak);
INSERT INTO app.measurements SELECT 'city' || (g % 7), date '2022-12-01' + g, g % 40 FROM generate_series(0, 800) g;

CREATE TABLE app.orders (
    id        bigserial PRIMARY KEY,
    person_id integer REFERENCES app.people (id),
    total     numeric(12, 2),
    placed    date
);
ALTER TABLE app.orders OWNER TO :"owner";
CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    NEW.total := coalesce(NEW.total, 0);  -- a ; inside a function body
    RETURN NEW;
END
$body$;
CREATE TRIGGER orders_touch BEFORE INSERT ON app.orders FOR EACH ROW EXECUTE FUNCTION app.touch();
INSERT INTO app.orders (person_id, total, placed) SELECT 1 + g % 5, NULL, date '2024-01-01' + g FROM generate_series(1, 300) g;
ALTER TABLE app.orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.orders FORCE ROW LEVEL SECURITY;
CREATE POLICY own_orders ON app.orders USING (person_id > 0);
CREATE INDEX orders_placed_idx ON app.orders (placed DESC) WHERE total IS NOT NULL;

CREATE UNLOGGED TABLE app.cache (k text PRIMARY KEY, v text);
INSERT INTO app.cache VALUES ('a', 'unlogged rows are dumped too');

CREATE TABLE app.base (id integer, label text);
CREATE TABLE app.child (extra text) INHERITS (app.base);
INSERT INTO app.base VALUES (1, 'parent row');
INSERT INTO app.child VALUES (2, 'child row', 'only in child');

CREATE TABLE app.no_columns ();
INSERT INTO app.no_columns DEFAULT VALUES;
INSERT INTO app.no_columns DEFAULT VALUES;

CREATE TABLE app.texts (id serial PRIMARY KEY, body text);
CREATE INDEX texts_trgm_idx ON app.texts USING gin (body gin_trgm_ops);
INSERT INTO app.texts (body) SELECT 'searchable text number ' || g FROM generate_series(1, 500) g;

CREATE SEQUENCE app.counter START 100;
SELECT setval('app.counter', 4242, false);
CREATE SEQUENCE app.used_counter;
SELECT nextval('app.used_counter'), nextval('app.used_counter');

CREATE VIEW app.adults AS SELECT id, name FROM app.people WHERE age >= 18;
CREATE MATERIALIZED VIEW app.mood_counts AS SELECT mood, count(*) AS n FROM app.people GROUP BY mood;
CREATE UNIQUE INDEX mood_counts_mood_idx ON app.mood_counts (mood);

GRANT USAGE ON SCHEMA app TO :"reader";
GRANT SELECT ON app.people, app.adults TO :"reader";
GRANT SELECT (id, placed) ON app.orders TO :"reader";

SELECT lo_from_bytea(0, '\xdeadbeef00c0ffee');
