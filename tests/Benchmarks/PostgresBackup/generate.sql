-- A technician-marketplace database of a chosen size, generated on the server (no client round trips).
-- Run with psql -v rows=<base row count>: ~1 KiB of heap per base row in all tables together.
-- Deterministic: setseed fixes random(), so two runs at one size give the same data.
SELECT setseed(0.42);

CREATE TYPE job_status AS ENUM ('open', 'assigned', 'in_progress', 'done', 'cancelled');

CREATE TABLE users (
    id          bigint PRIMARY KEY,
    email       text NOT NULL UNIQUE,
    full_name   text NOT NULL,
    country     char(2) NOT NULL,
    rating      numeric(3,2),
    created_at  timestamptz NOT NULL,
    profile     jsonb NOT NULL
);

CREATE TABLE jobs (
    id            bigint PRIMARY KEY,
    customer_id   bigint NOT NULL REFERENCES users(id),
    technician_id bigint REFERENCES users(id),
    status        job_status NOT NULL,
    title         text NOT NULL,
    description   text NOT NULL,
    price         numeric(12,2) NOT NULL,
    scheduled_at  timestamptz,
    tags          text[] NOT NULL
);

CREATE TABLE job_events (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id   bigint NOT NULL REFERENCES jobs(id),
    at       timestamptz NOT NULL,
    kind     text NOT NULL,
    payload  jsonb NOT NULL
);

CREATE TABLE reviews (
    id      bigserial PRIMARY KEY,
    job_id  bigint NOT NULL REFERENCES jobs(id),
    stars   smallint NOT NULL CHECK (stars BETWEEN 1 AND 5),
    body    text NOT NULL
);

CREATE TABLE attachments (
    id       bigserial PRIMARY KEY,
    job_id   bigint NOT NULL REFERENCES jobs(id),
    name     text NOT NULL,
    content  bytea NOT NULL
);

CREATE TEMP TABLE words AS
SELECT array['repair','install','boiler','leak','kitchen','socket','wiring','paint','window','door','roof','garden',
             'heating','urgent','weekend','quote','replace','check','service','annual','tap','shower','tiles','fence',
             'plumber','electrician','carpenter','cleaning','moving','assembly','the','a','of','and','with','in','for'] AS w;

INSERT INTO users
SELECT g,
       'user' || g || '@' || (array['example.com','mail.test','corp.test','inbox.test'])[1 + g % 4],
       initcap((SELECT w[1 + (g * 7) % 30] FROM words)) || ' ' || initcap(md5(g::text)::text),
       (array['GB','DE','FR','ES','IT','NL','PL','SE'])[1 + g % 8],
       round((1 + random() * 4)::numeric, 2),
       timestamptz '2020-01-01' + (g * interval '37 seconds'),
       jsonb_build_object('phone', '+44' || (7000000000 + g), 'verified', g % 3 = 0, 'skills',
                          jsonb_build_array((SELECT w[1 + g % 30] FROM words), (SELECT w[1 + (g / 3) % 30] FROM words)))
FROM generate_series(1, :rows / 20) g;

INSERT INTO jobs
SELECT g,
       1 + (g * 13) % (:rows / 20),
       CASE WHEN g % 5 = 0 THEN NULL ELSE 1 + (g * 17) % (:rows / 20) END,
       (enum_range(NULL::job_status))[1 + g % 5],
       (SELECT initcap(w[1 + g % 30]) || ' ' || w[1 + (g / 7) % 30] || ' ' || w[1 + (g / 11) % 37] FROM words),
       (SELECT string_agg(w[1 + ((g * i) % 37)], ' ') FROM words, generate_series(1, 12 + g % 20) i) || ' ref ' || md5(g::text),
       round((20 + random() * 980)::numeric, 2),
       CASE WHEN g % 9 = 0 THEN NULL ELSE timestamptz '2023-01-01' + (g * interval '5 minutes') END,
       (SELECT array[w[1 + g % 30], w[1 + (g / 5) % 30]] FROM words)
FROM generate_series(1, :rows / 4) g;

INSERT INTO job_events (job_id, at, kind, payload)
SELECT 1 + g % (:rows / 4),
       timestamptz '2023-01-01' + (g * interval '61 seconds'),
       (array['created','quoted','accepted','started','paused','resumed','completed','paid'])[1 + g % 8],
       jsonb_build_object('actor', 1 + (g * 31) % (:rows / 20), 'ip', '10.' || (g % 250) || '.' || (g / 250 % 250) || '.' || (g % 7),
                          'note', (SELECT w[1 + g % 37] || ' ' || w[1 + (g / 3) % 37] FROM words), 'amount', round((random() * 500)::numeric, 2),
                          'trace', md5((g * 3)::text))
FROM generate_series(1, :rows * 2) g;

INSERT INTO reviews (job_id, stars, body)
SELECT 1 + (g * 7) % (:rows / 4), 1 + g % 5,
       (SELECT string_agg(w[1 + ((g + i * 3) % 37)], ' ') FROM words, generate_series(1, 20 + g % 40) i)
FROM generate_series(1, :rows / 3) g;

INSERT INTO attachments (job_id, name, content)
SELECT 1 + (g * 3) % (:rows / 4), 'photo-' || g || '.jpg',
       decode(repeat(md5(g::text) || md5((g + 1)::text), 4 + g % 12), 'hex') || gen_random_bytes_stub
FROM generate_series(1, :rows / 20) g, (SELECT ''::bytea AS gen_random_bytes_stub) s;

CREATE INDEX jobs_customer_idx ON jobs (customer_id);
CREATE INDEX jobs_technician_idx ON jobs (technician_id);
CREATE INDEX job_events_job_idx ON job_events (job_id, at);
CREATE INDEX reviews_job_idx ON reviews (job_id);
CREATE INDEX attachments_job_idx ON attachments (job_id);
SELECT setval(pg_get_serial_sequence('reviews', 'id'), (SELECT max(id) FROM reviews));
ANALYZE;
