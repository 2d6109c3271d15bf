-- The technician marketplace's database for the local drill: its schema and a deterministic data set, generated
-- server-side (generate_series, one INSERT ... SELECT per table), sized by the session setting marketplace.scale:
--
--   technicians  100 x scale     customers  1000 x scale     jobs  2000 x scale
--   reviews      800 x scale     payments   1400 x scale     (scale 1: 5,300 rows)
--
-- Run on an EMPTY database (MarketplaceDatabase.EnsureAsync does, embedding this file), or by hand:
--   createdb -T template0 technician_marketplace
--   psql -v ON_ERROR_STOP=1 -d technician_marketplace -c 'SET marketplace.scale = 1' -f local/Cloud/Drill/marketplace.sql
--
-- As pg_dump orders a restore: tables with their identity primary keys first, then the rows (explicit ids for the
-- tables others reference, sequences set after), then unique constraints, foreign keys and indexes, then ANALYZE,
-- so a large scale loads in bulk instead of checking every row against every constraint.
-- The data is a pure function of the scale (no random()): two databases built with the same scale are identical.

BEGIN;

CREATE TABLE technicians (
    id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    full_name         text        NOT NULL,
    email             text        NOT NULL,
    phone             text        NOT NULL,
    trade             text        NOT NULL CHECK (trade IN ('plumbing', 'electrical', 'hvac', 'carpentry',
                                                           'appliance_repair', 'locksmith', 'painting', 'roofing')),
    hourly_rate_cents integer     NOT NULL CHECK (hourly_rate_cents > 0),
    city              text        NOT NULL,
    bio               text        NOT NULL,
    active            boolean     NOT NULL DEFAULT true,
    created_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE customers (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    full_name      text        NOT NULL,
    email          text        NOT NULL,
    phone          text        NOT NULL,
    street_address text        NOT NULL,
    city           text        NOT NULL,
    postal_code    text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE jobs (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id   bigint      NOT NULL,
    technician_id bigint,
    trade         text        NOT NULL,
    status        text        NOT NULL CHECK (status IN ('requested', 'scheduled', 'in_progress', 'completed', 'cancelled')),
    title         text        NOT NULL,
    description   text        NOT NULL,
    price_cents   integer     NOT NULL CHECK (price_cents >= 0),
    scheduled_for timestamptz,
    completed_at  timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT jobs_assigned_check CHECK (status = 'requested' OR technician_id IS NOT NULL),
    CONSTRAINT jobs_completed_check CHECK ((status = 'completed') = (completed_at IS NOT NULL))
);

CREATE TABLE reviews (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id        bigint      NOT NULL,
    customer_id   bigint      NOT NULL,
    technician_id bigint      NOT NULL,
    rating        smallint    NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment       text,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE payments (
    id                 bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id             bigint      NOT NULL,
    amount_cents       integer     NOT NULL CHECK (amount_cents > 0),
    currency           char(3)     NOT NULL DEFAULT 'USD',
    method             text        NOT NULL CHECK (method IN ('card', 'bank_transfer', 'wallet')),
    status             text        NOT NULL CHECK (status IN ('authorized', 'captured', 'refunded', 'failed')),
    provider_reference text        NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    captured_at        timestamptz
);

-- Rows. Technician g's trade is trades[1 + g % 8]; a job's trade is its technician's.

INSERT INTO technicians (id, full_name, email, phone, trade, hourly_rate_cents, city, bio, active, created_at)
OVERRIDING SYSTEM VALUE
SELECT g,
       w.first_names[1 + g % 20] || ' ' || w.last_names[1 + (g / 20) % 20],
       lower(w.first_names[1 + g % 20] || '.' || w.last_names[1 + (g / 20) % 20]) || '.' || g || '@technicians.example.com',
       '+1-555-' || lpad((g % 10000)::text, 4, '0'),
       w.trades[1 + g % 8],
       (45 + (g * 37) % 60) * 100,
       w.cities[1 + (g / 7) % 10],
       'Licensed ' || replace(w.trades[1 + g % 8], '_', ' ') || ' technician, ' || (2 + g % 25) || ' years of experience in '
           || w.cities[1 + (g / 7) % 10] || '. ' || w.bios[1 + g % 5],
       g % 17 <> 0,
       timestamptz '2021-06-01 00:00:00+00' + (g % 500) * interval '1 day' + ((g * 7919) % 86400) * interval '1 second'
FROM generate_series(1, 100 * current_setting('marketplace.scale')::int) AS g,
     (SELECT ARRAY['Amina', 'Bo', 'Carlos', 'Dana', 'Emeka', 'Fatima', 'Gus', 'Hana', 'Ivan', 'Jade',
                   'Kofi', 'Lena', 'Mateo', 'Nora', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tariq'] AS first_names,
             ARRAY['Okafor', 'Lindqvist', 'Garcia', 'Nguyen', 'Smith', 'Haddad', 'Kowalski', 'Tanaka', 'Petrov', 'Osei',
                   'Murphy', 'Rossi', 'Fischer', 'Silva', 'Khan', 'Dubois', 'Novak', 'Jensen', 'Moreau', 'Park'] AS last_names,
             ARRAY['plumbing', 'electrical', 'hvac', 'carpentry', 'appliance_repair', 'locksmith', 'painting', 'roofing'] AS trades,
             ARRAY['Austin', 'Boston', 'Chicago', 'Denver', 'Atlanta', 'Seattle', 'Portland', 'Phoenix', 'Miami', 'Detroit'] AS cities,
             ARRAY['Same-day call-outs.', 'Insured and bonded.', 'Weekend availability.', 'Speaks English and Spanish.',
                   'Fixed-price quotes before any work.'] AS bios) AS w;

INSERT INTO customers (id, full_name, email, phone, street_address, city, postal_code, created_at)
OVERRIDING SYSTEM VALUE
SELECT g,
       w.first_names[1 + (g * 3) % 20] || ' ' || w.last_names[1 + (g / 3) % 20],
       lower(w.first_names[1 + (g * 3) % 20]) || '.' || g || '@customers.example.com',
       '+1-555-' || lpad(((g * 13) % 10000)::text, 4, '0'),
       (1 + (g * 31) % 9899) || ' ' || w.streets[1 + g % 12],
       w.cities[1 + g % 10],
       lpad(((g * 97) % 99999)::text, 5, '0'),
       timestamptz '2021-01-01 00:00:00+00' + (g::double precision / (1000 * current_setting('marketplace.scale')::int)) * interval '700 days'
FROM generate_series(1, 1000 * current_setting('marketplace.scale')::int) AS g,
     (SELECT ARRAY['Alex', 'Brooke', 'Chen', 'Deepa', 'Eli', 'Farah', 'Gwen', 'Hugo', 'Isla', 'Jon',
                   'Kira', 'Luis', 'Maya', 'Nils', 'Olu', 'Pia', 'Ravi', 'Sara', 'Theo', 'Uma'] AS first_names,
             ARRAY['Adams', 'Baker', 'Clark', 'Diaz', 'Evans', 'Foster', 'Gray', 'Hill', 'Ito', 'Jones',
                   'King', 'Lopez', 'Meyer', 'Nash', 'Ortiz', 'Price', 'Reed', 'Stone', 'Turner', 'Vega'] AS last_names,
             ARRAY['Oak St', 'Maple Ave', 'Pine Rd', 'Cedar Ln', 'Elm St', 'Birch Way', 'Lake Dr', 'Hill Rd',
                   'River Rd', 'Park Ave', 'Main St', 'Sunset Blvd'] AS streets,
             ARRAY['Austin', 'Boston', 'Chicago', 'Denver', 'Atlanta', 'Seattle', 'Portland', 'Phoenix', 'Miami', 'Detroit'] AS cities) AS w;

-- Job statuses by g % 10: 0-5 completed, 6 scheduled, 7 in_progress, 8 requested (no technician yet), 9 cancelled.
INSERT INTO jobs (id, customer_id, technician_id, trade, status, title, description, price_cents, scheduled_for, completed_at, created_at)
OVERRIDING SYSTEM VALUE
SELECT j.g, j.customer_id, j.technician_id, j.trade, j.status,
       initcap(replace(j.trade, '_', ' ')) || ': ' || w.tasks[1 + (j.g / 10) % 6],
       'Customer reports ' || w.problems[1 + (j.g / 3) % 10] || '. Access: ' || w.access[1 + j.g % 4]
           || '; preferred window ' || (8 + j.g % 9) || ':00-' || (10 + j.g % 9) || ':00. Ref ' || md5('job-' || j.g) || '.',
       (50 + (j.g * 37) % 450) * 100,
       j.scheduled_for,
       CASE WHEN j.status = 'completed' THEN j.scheduled_for + (1 + j.g % 6) * interval '1 hour' END,
       j.created_at
FROM (SELECT s.g, s.customer_id, s.technician_id, s.status, s.created_at,
             t.trades[1 + coalesce(s.technician_id, s.g) % 8] AS trade,
             CASE WHEN s.status = 'requested' THEN NULL ELSE s.created_at + (1 + s.g % 14) * interval '1 day' END AS scheduled_for
      FROM (SELECT g,
                   1 + (g::bigint * 7919) % (1000 * scale) AS customer_id,
                   CASE WHEN g % 10 = 8 THEN NULL ELSE 1 + (g::bigint * 104729) % (100 * scale) END AS technician_id,
                   (ARRAY['completed', 'completed', 'completed', 'completed', 'completed', 'completed',
                          'scheduled', 'in_progress', 'requested', 'cancelled'])[1 + g % 10] AS status,
                   timestamptz '2023-01-01 00:00:00+00' + (g::double precision / (2000 * scale)) * interval '730 days' AS created_at
            FROM (SELECT current_setting('marketplace.scale')::int AS scale) AS setting,
                 generate_series(1, 2000 * setting.scale) AS g) AS s,
           (SELECT ARRAY['plumbing', 'electrical', 'hvac', 'carpentry', 'appliance_repair', 'locksmith', 'painting', 'roofing'] AS trades) AS t
     ) AS j,
     (SELECT ARRAY['repair', 'installation', 'inspection', 'maintenance', 'emergency call-out', 'quote visit'] AS tasks,
             ARRAY['a leak under the kitchen sink', 'a breaker that trips twice a day', 'no heat in two bedrooms',
                   'a sticking back door', 'a dishwasher that will not drain', 'a lost key to the side entrance',
                   'peeling paint in the hallway', 'missing shingles after the storm', 'a noisy outdoor AC unit',
                   'flickering lights in the living room'] AS problems,
             ARRAY['front door, ring twice', 'lockbox code sent by message', 'side gate, dog in the yard', 'concierge in the lobby'] AS access) AS w;

-- A review for 4 in 10 jobs (the completed ones with id % 10 < 4), written within three days.
INSERT INTO reviews (job_id, customer_id, technician_id, rating, comment, created_at)
SELECT j.id, j.customer_id, j.technician_id,
       (ARRAY[5, 5, 4, 5, 3, 4, 5, 2, 5, 4, 1, 5])[1 + j.id % 12],
       CASE WHEN j.id % 3 = 0 THEN NULL ELSE w.comments[1 + (j.id / 10) % 8] END,
       j.completed_at + (1 + j.id % 72) * interval '1 hour'
FROM jobs AS j,
     (SELECT ARRAY['Arrived on time and fixed it quickly.', 'Clear quote, no surprises.', 'Tidy work, would book again.',
                   'Took longer than promised but did a good job.', 'Very friendly and explained everything.',
                   'Had to come back a second time.', 'Great value for the price.', 'Professional from start to finish.'] AS comments) AS w
WHERE j.status = 'completed' AND j.id % 10 < 4
ORDER BY j.id;

-- A payment for every completed job (captured; 1 in 100 refunded) and every job in progress (authorized).
INSERT INTO payments (job_id, amount_cents, currency, method, status, provider_reference, created_at, captured_at)
SELECT j.id, j.price_cents, 'USD',
       (ARRAY['card', 'card', 'wallet', 'bank_transfer'])[1 + j.id % 4],
       CASE WHEN j.status = 'in_progress' THEN 'authorized' WHEN j.id % 100 = 50 THEN 'refunded' ELSE 'captured' END,
       'pay_' || lpad(to_hex(j.id), 12, '0') || substr(md5('payment-' || j.id), 1, 12),
       j.scheduled_for,
       CASE WHEN j.status = 'completed' THEN j.completed_at END
FROM jobs AS j
WHERE j.status IN ('completed', 'in_progress')
ORDER BY j.id;

-- Constraints and indexes, once the rows are in.

ALTER TABLE technicians ADD CONSTRAINT technicians_email_key UNIQUE (email);
ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email);
ALTER TABLE jobs
    ADD CONSTRAINT jobs_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id),
    ADD CONSTRAINT jobs_technician_id_fkey FOREIGN KEY (technician_id) REFERENCES technicians (id);
ALTER TABLE reviews
    ADD CONSTRAINT reviews_job_id_key UNIQUE (job_id),
    ADD CONSTRAINT reviews_job_id_fkey FOREIGN KEY (job_id) REFERENCES jobs (id),
    ADD CONSTRAINT reviews_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id),
    ADD CONSTRAINT reviews_technician_id_fkey FOREIGN KEY (technician_id) REFERENCES technicians (id);
ALTER TABLE payments
    ADD CONSTRAINT payments_provider_reference_key UNIQUE (provider_reference),
    ADD CONSTRAINT payments_job_id_fkey FOREIGN KEY (job_id) REFERENCES jobs (id);

CREATE INDEX jobs_customer_id_idx ON jobs (customer_id);
CREATE INDEX jobs_technician_id_status_idx ON jobs (technician_id, status);
CREATE INDEX jobs_created_at_idx ON jobs (created_at);
CREATE INDEX reviews_technician_id_idx ON reviews (technician_id);
CREATE INDEX payments_job_id_idx ON payments (job_id);

-- The explicit ids above bypassed the identity sequences: the application's next rows continue after them.
SELECT setval(pg_get_serial_sequence('technicians', 'id'), max(id)) FROM technicians;
SELECT setval(pg_get_serial_sequence('customers', 'id'), max(id)) FROM customers;
SELECT setval(pg_get_serial_sequence('jobs', 'id'), max(id)) FROM jobs;

COMMIT;

ANALYZE;
