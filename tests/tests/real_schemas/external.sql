-- Another service's table: referenced by this application's models, managed elsewhere.
CREATE SCHEMA billing;
CREATE TABLE billing.accounts (
    id bigint PRIMARY KEY,
    holder text NOT NULL
);
-- Extensions belong to the database, not to the models.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
