-- A schema as Rails 7 leaves it on PostgreSQL: bigserial keys named <table>_pkey,
-- indexes index_<table>_on_<columns>, foreign keys fk_rails_<hash>, checks
-- chk_rails_<hash> or named by hand, and Rails' own bookkeeping tables.
CREATE TABLE schema_migrations (version character varying NOT NULL PRIMARY KEY);
CREATE TABLE ar_internal_metadata (
    key character varying NOT NULL PRIMARY KEY,
    value character varying,
    created_at timestamp(6) without time zone NOT NULL,
    updated_at timestamp(6) without time zone NOT NULL
);
INSERT INTO schema_migrations VALUES ('20240101000000'), ('20240201000000');

CREATE TABLE organizations (
    id bigserial NOT NULL,
    name character varying NOT NULL,
    created_at timestamp(6) without time zone NOT NULL,
    updated_at timestamp(6) without time zone NOT NULL,
    CONSTRAINT organizations_pkey PRIMARY KEY (id),
    CONSTRAINT check_organizations_on_name CHECK (char_length(name) > 0)
);
CREATE UNIQUE INDEX index_organizations_on_name ON organizations USING btree (name);

CREATE TABLE users (
    id bigserial NOT NULL,
    organization_id bigint NOT NULL,
    email character varying NOT NULL,
    created_at timestamp(6) without time zone NOT NULL,
    CONSTRAINT users_pkey PRIMARY KEY (id)
);
CREATE UNIQUE INDEX index_users_on_email ON users USING btree (email);
CREATE INDEX index_users_on_organization_id ON users USING btree (organization_id);
ALTER TABLE users ADD CONSTRAINT fk_rails_7aab96f30e FOREIGN KEY (organization_id)
    REFERENCES organizations(id);

CREATE TABLE api_keys (
    id bigserial NOT NULL,
    organization_id bigint NOT NULL,
    user_id bigint,
    token character varying NOT NULL,
    uses integer DEFAULT 0 NOT NULL,
    CONSTRAINT api_keys_pkey PRIMARY KEY (id),
    CONSTRAINT chk_rails_4c2f0d9a1b CHECK (uses >= 0)
);
CREATE UNIQUE INDEX index_api_keys_on_token ON api_keys USING btree (token);
CREATE INDEX index_api_keys_on_organization_id ON api_keys USING btree (organization_id);
ALTER TABLE api_keys ADD CONSTRAINT fk_rails_0b5e6f8a21 FOREIGN KEY (organization_id)
    REFERENCES organizations(id) ON DELETE CASCADE;
ALTER TABLE api_keys ADD CONSTRAINT fk_rails_9d2c4e7f10 FOREIGN KEY (user_id)
    REFERENCES users(id) ON DELETE SET NULL;

-- A composite foreign key; and what the models cannot state: a full-text index over an
-- expression, a unique expression index and a hash index. None of it may be touched.
CREATE TABLE memberships (
    organization_id bigint NOT NULL,
    user_id bigint NOT NULL,
    role character varying NOT NULL,
    CONSTRAINT memberships_pkey PRIMARY KEY (organization_id, user_id)
);
CREATE TABLE membership_grants (
    id bigserial NOT NULL,
    organization_id bigint NOT NULL,
    user_id bigint NOT NULL,
    CONSTRAINT membership_grants_pkey PRIMARY KEY (id),
    CONSTRAINT fk_rails_aa11bb22cc FOREIGN KEY (organization_id, user_id)
        REFERENCES memberships (organization_id, user_id) ON DELETE CASCADE
);
CREATE INDEX index_organizations_on_name_search ON organizations
    USING gin (to_tsvector('english'::regconfig, (name)::text));
CREATE UNIQUE INDEX index_users_on_lower_email ON users (lower((email)::text));
CREATE INDEX ix_api_keys_uses ON api_keys USING hash (uses);
-- Indexes whose options the models cannot state: ordering, an operator class, INCLUDE.
CREATE INDEX index_users_on_created_at ON users USING btree (created_at DESC);
CREATE INDEX index_api_keys_on_token_pattern ON api_keys
    USING btree (token varchar_pattern_ops) INCLUDE (uses);
