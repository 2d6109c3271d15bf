-- A Pagila-like schema of our own (the public sample's shapes, none of its data): a partitioned payment whose foreign
-- keys are declared on the partitions, composite keys, a last_update trigger, views over tables and over views, a
-- materialized view. Two small schemas beside it hold foreign-key cycles (deferrable and not).
DO $$ BEGIN CREATE ROLE pagila_reader NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA pagila;

CREATE FUNCTION pagila.last_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.last_update = '2022-01-01 00:00:00+00';
    RETURN NEW;
END $$;

CREATE TABLE pagila.actor (
    actor_id serial PRIMARY KEY,
    first_name text NOT NULL,
    last_name text NOT NULL,
    last_update timestamptz NOT NULL DEFAULT now());
CREATE TABLE pagila.film (
    film_id serial PRIMARY KEY,
    title text NOT NULL,
    rating text NOT NULL DEFAULT 'G',
    last_update timestamptz NOT NULL DEFAULT now());
CREATE TABLE pagila.film_actor (
    actor_id integer NOT NULL REFERENCES pagila.actor,
    film_id integer NOT NULL REFERENCES pagila.film,
    last_update timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (actor_id, film_id));
CREATE TRIGGER last_updated BEFORE UPDATE ON pagila.film_actor FOR EACH ROW EXECUTE FUNCTION pagila.last_updated();
COMMENT ON TABLE pagila.film_actor IS 'who played in what';
CREATE TABLE pagila.customer (customer_id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE pagila.inventory (inventory_id serial PRIMARY KEY, film_id integer NOT NULL REFERENCES pagila.film);
CREATE TABLE pagila.rental (
    rental_id serial PRIMARY KEY,
    rental_date timestamptz NOT NULL,
    inventory_id integer NOT NULL REFERENCES pagila.inventory,
    customer_id integer NOT NULL REFERENCES pagila.customer);
CREATE TRIGGER last_updated BEFORE UPDATE ON pagila.rental FOR EACH ROW EXECUTE FUNCTION pagila.last_updated();

-- As in Pagila: the foreign keys are declared on each partition, not on payment.
CREATE TABLE pagila.payment (
    payment_id serial NOT NULL,
    customer_id integer NOT NULL,
    rental_id integer NOT NULL,
    amount numeric(5, 2) NOT NULL,
    payment_date timestamptz NOT NULL,
    PRIMARY KEY (payment_date, payment_id)) PARTITION BY RANGE (payment_date);
CREATE TABLE pagila.payment_p2022_01 PARTITION OF pagila.payment FOR VALUES FROM ('2022-01-01 00:00:00+00') TO ('2022-02-01 00:00:00+00');
CREATE TABLE pagila.payment_p2022_02 PARTITION OF pagila.payment FOR VALUES FROM ('2022-02-01 00:00:00+00') TO ('2022-03-01 00:00:00+00');
ALTER TABLE pagila.payment_p2022_01 ADD CONSTRAINT payment_p2022_01_rental_id_fkey FOREIGN KEY (rental_id) REFERENCES pagila.rental;
ALTER TABLE pagila.payment_p2022_01 ADD CONSTRAINT payment_p2022_01_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES pagila.customer;
ALTER TABLE pagila.payment_p2022_02 ADD CONSTRAINT payment_p2022_02_rental_id_fkey FOREIGN KEY (rental_id) REFERENCES pagila.rental;
ALTER TABLE pagila.payment_p2022_02 ADD CONSTRAINT payment_p2022_02_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES pagila.customer;

-- A table only one view uses; dropped together with film_actor in the views tests, and not recovered.
CREATE TABLE pagila.film_note (film_id integer PRIMARY KEY REFERENCES pagila.film, note text NOT NULL);

CREATE VIEW pagila.actor_info AS
    SELECT a.actor_id, a.first_name, a.last_name, count(fa.film_id) AS films
    FROM pagila.actor a LEFT JOIN pagila.film_actor fa ON fa.actor_id = a.actor_id
    GROUP BY a.actor_id, a.first_name, a.last_name;
COMMENT ON VIEW pagila.actor_info IS 'actors and how many films';
GRANT SELECT ON pagila.actor_info TO pagila_reader;
CREATE VIEW pagila.film_list AS
    SELECT f.film_id AS fid, f.title, f.rating, string_agg(a.first_name || ' ' || a.last_name, ', ' ORDER BY a.actor_id) AS actors
    FROM pagila.film f JOIN pagila.film_actor fa ON fa.film_id = f.film_id JOIN pagila.actor a ON a.actor_id = fa.actor_id
    GROUP BY f.film_id, f.title, f.rating;
CREATE VIEW pagila.nicer_but_slower_film_list AS
    SELECT fid, initcap(title) AS title, rating, actors FROM pagila.film_list;
CREATE MATERIALIZED VIEW pagila.actor_film_count AS
    SELECT actor_id, count(*) AS films FROM pagila.film_actor GROUP BY actor_id;
CREATE UNIQUE INDEX actor_film_count_actor ON pagila.actor_film_count (actor_id);
CREATE VIEW pagila.film_with_notes AS
    SELECT fl.fid, fl.title, n.note FROM pagila.film_list fl JOIN pagila.film_note n ON n.film_id = fl.fid;
-- A view that does not use film_actor: still there after the drop.
CREATE VIEW pagila.customer_list AS SELECT customer_id, upper(name) AS name FROM pagila.customer;

INSERT INTO pagila.actor (first_name, last_name, last_update) SELECT 'First' || g, 'Last' || g, '2022-01-01 00:00:00+00' FROM generate_series(1, 20) g;
INSERT INTO pagila.film (title, last_update) SELECT 'film ' || g, '2022-01-01 00:00:00+00' FROM generate_series(1, 30) g;
INSERT INTO pagila.film_actor (actor_id, film_id, last_update)
    SELECT a, f, '2022-01-01 00:00:00+00' FROM generate_series(1, 20) a, generate_series(1, 30) f WHERE (a + f) % 4 = 0;
INSERT INTO pagila.film_note SELECT g, 'note ' || g FROM generate_series(1, 5) g;
INSERT INTO pagila.customer (name) SELECT 'customer ' || g FROM generate_series(1, 50) g;
INSERT INTO pagila.inventory (film_id) SELECT 1 + g % 30 FROM generate_series(1, 100) g;
INSERT INTO pagila.rental (rental_date, inventory_id, customer_id)
    SELECT '2022-01-01 00:00:00+00'::timestamptz + g * interval '3 hours', 1 + g % 100, 1 + g % 50 FROM generate_series(1, 400) g;
INSERT INTO pagila.payment (customer_id, rental_id, amount, payment_date)
    SELECT r.customer_id, r.rental_id, 1.99 + r.rental_id % 5, r.rental_date + interval '1 hour' FROM pagila.rental r;
REFRESH MATERIALIZED VIEW pagila.actor_film_count;

-- Foreign-key cycles: a pair whose keys are deferrable, a pair whose keys are not.
CREATE SCHEMA cycle;
CREATE TABLE cycle.hen (id integer PRIMARY KEY, egg_id integer NOT NULL);
CREATE TABLE cycle.egg (id integer PRIMARY KEY, hen_id integer NOT NULL REFERENCES cycle.hen DEFERRABLE INITIALLY IMMEDIATE);
ALTER TABLE cycle.hen ADD CONSTRAINT hen_egg_id_fkey FOREIGN KEY (egg_id) REFERENCES cycle.egg DEFERRABLE INITIALLY IMMEDIATE;
CREATE TABLE cycle.left_side (id integer PRIMARY KEY, right_id integer);
CREATE TABLE cycle.right_side (id integer PRIMARY KEY, left_id integer REFERENCES cycle.left_side);
ALTER TABLE cycle.left_side ADD CONSTRAINT left_side_right_id_fkey FOREIGN KEY (right_id) REFERENCES cycle.right_side;
BEGIN;
SET CONSTRAINTS ALL DEFERRED;
INSERT INTO cycle.hen SELECT g, g FROM generate_series(1, 10) g;
INSERT INTO cycle.egg SELECT g, g FROM generate_series(1, 10) g;
COMMIT;
INSERT INTO cycle.left_side SELECT g, NULL FROM generate_series(1, 10) g;
INSERT INTO cycle.right_side SELECT g, g FROM generate_series(1, 10) g;
UPDATE cycle.left_side SET right_id = id;

-- A schema the connecting role finds first through its search_path: an unqualified name means the table there.
CREATE SCHEMA shop;
CREATE TABLE shop.orders (id integer PRIMARY KEY, what text NOT NULL);
CREATE TABLE public.orders (id integer PRIMARY KEY, what text NOT NULL);
INSERT INTO shop.orders SELECT g, 'shop order ' || g FROM generate_series(1, 10) g;
INSERT INTO public.orders SELECT g, 'public order ' || g FROM generate_series(1, 10) g;
