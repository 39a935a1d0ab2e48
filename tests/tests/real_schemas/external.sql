-- Another service's table: referenced by this application's models, managed elsewhere.
CREATE SCHEMA billing;
CREATE TABLE billing.accounts (
    id bigint PRIMARY KEY,
    holder text NOT NULL
);
-- Extensions belong to the database, not to the models.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gist;
-- A domain, created by a hand-written revision as extensions are; models name it as a type.
CREATE DOMAIN email_address AS text CHECK (VALUE LIKE '%@%');
