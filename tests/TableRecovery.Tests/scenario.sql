-- The technician marketplace in miniature: primary keys of several types (identity int, uuid, composite, text, bigserial),
-- a table without one, a mixed-case quoted schema and table, an enum array (not portable in binary COPY), a generated
-- column, foreign keys, a partitioned table, and a long table name for side-table naming.
CREATE TYPE public.job_status AS ENUM ('open', 'assigned', 'done');

CREATE TABLE public.technicians (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name text NOT NULL,
    skills text[],
    rating numeric(3,2),
    profile jsonb,
    joined_at timestamptz NOT NULL DEFAULT '2024-01-01 00:00:00+00'
);

CREATE TABLE public.jobs (
    id uuid PRIMARY KEY,
    technician_id integer REFERENCES public.technicians (id),
    status public.job_status NOT NULL,
    history public.job_status[],
    title text NOT NULL,
    price numeric(10,2),
    location point,
    notes json
);

CREATE TABLE public.job_notes (
    job_id uuid NOT NULL REFERENCES public.jobs (id) ON DELETE CASCADE,
    line integer NOT NULL,
    body text NOT NULL,
    PRIMARY KEY (job_id, line)
);

CREATE TABLE public.settings (key text PRIMARY KEY, value text);

CREATE TABLE public.audit_events (at timestamptz NOT NULL, what text NOT NULL);

CREATE SCHEMA "Sales";
CREATE TABLE "Sales"."Order Items" (
    id bigserial PRIMARY KEY,
    "Quantity" integer NOT NULL CHECK ("Quantity" > 0),
    "Unit Price" numeric(10,2) NOT NULL,
    total numeric GENERATED ALWAYS AS ("Quantity" * "Unit Price") STORED
);

CREATE TABLE public.invoices (
    id serial PRIMARY KEY,
    job_id uuid NOT NULL REFERENCES public.jobs (id),
    amount numeric(10,2) NOT NULL CHECK (amount >= 0),
    issued_on date NOT NULL DEFAULT '2024-01-01'
);
CREATE INDEX invoices_job_idx ON public.invoices (job_id);
COMMENT ON TABLE public.invoices IS 'billing; one row per invoice';

CREATE TABLE public.payments (id serial PRIMARY KEY, invoice_id integer REFERENCES public.invoices (id), paid numeric NOT NULL);

CREATE TABLE public.technician_certification_renewal_reminders_sent (id integer PRIMARY KEY, sent_on date NOT NULL);

CREATE TABLE public.bookings (id integer NOT NULL, day date NOT NULL, technician_id integer NOT NULL, PRIMARY KEY (id, day)) PARTITION BY RANGE (day);
CREATE TABLE public.bookings_2024_01 PARTITION OF public.bookings FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
CREATE TABLE public.bookings_2024_02 PARTITION OF public.bookings FOR VALUES FROM ('2024-02-01') TO ('2024-03-01');

INSERT INTO public.technicians (email, name, skills, rating, profile)
SELECT 'tech' || g || '@example.com', 'Technician ' || g, ARRAY['plumbing', 'skill ' || g], (g % 5) + 0.5, jsonb_build_object('years', g)
FROM generate_series(1, 50) g;

INSERT INTO public.jobs
SELECT md5('job' || g)::uuid, (g % 40) + 1, (ARRAY['open', 'assigned', 'done'])[g % 3 + 1]::public.job_status,
       ARRAY['open', 'assigned']::public.job_status[], 'Job ' || g, g * 10.5, point(g, g), json_build_object('n', g)
FROM generate_series(1, 100) g;

INSERT INTO public.job_notes SELECT md5('job' || g)::uuid, l, 'note ' || l || ' of job ' || g FROM generate_series(1, 100) g, generate_series(1, 2) l;
INSERT INTO public.settings SELECT 'key-' || g, 'value ' || g FROM generate_series(1, 10) g;
INSERT INTO public.audit_events SELECT '2024-01-01'::timestamptz + g * interval '1 hour', 'event ' || g FROM generate_series(1, 5) g;
INSERT INTO "Sales"."Order Items" ("Quantity", "Unit Price") SELECT g, g * 1.25 FROM generate_series(1, 20) g;
INSERT INTO public.invoices (job_id, amount) SELECT md5('job' || g)::uuid, g * 3 FROM generate_series(1, 30) g;
INSERT INTO public.payments (invoice_id, paid) SELECT g, g FROM generate_series(1, 10) g;
INSERT INTO public.technician_certification_renewal_reminders_sent SELECT g, '2024-02-01'::date + g FROM generate_series(1, 4) g;
INSERT INTO public.bookings SELECT g, '2024-01-01'::date + g, (g % 40) + 1 FROM generate_series(1, 50) g;
