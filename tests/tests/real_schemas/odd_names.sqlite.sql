-- odd_names.sql for SQLite: reserved words and a name with a space, a composite key with a
-- composite foreign key to it, two tables that reference each other, a partial and an
-- expression index, a check, and a column without a declared type's usual spelling.
CREATE TABLE "user" (
    "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "type" varchar(20) NOT NULL DEFAULT 'person',
    "Display Name" varchar(80) NULL,
    "self" bool NOT NULL DEFAULT 0,
    "match" varchar(20) NOT NULL DEFAULT 'new' CHECK ("match" IN ('new', 'in progress', 'done-ish')),
    "best_team_id" bigint NULL REFERENCES "Team" ("id") DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE "Team" (
    "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" text NOT NULL,
    "captain_id" bigint NULL REFERENCES "user" ("id") ON DELETE SET NULL
);
CREATE TABLE "group" (
    "where" text NOT NULL,
    "loop" integer NOT NULL,
    "label" text NULL,
    PRIMARY KEY ("where", "loop")
);
CREATE TABLE "group_members" (
    "where" text NOT NULL,
    "loop" integer NOT NULL,
    "user_id" bigint NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
    PRIMARY KEY ("where", "loop", "user_id"),
    FOREIGN KEY ("where", "loop") REFERENCES "group" ("where", "loop") ON UPDATE CASCADE
);
CREATE INDEX "user_lower_display" ON "user" (lower("Display Name"));
CREATE UNIQUE INDEX "user_one_robot" ON "user" ("type") WHERE "type" = 'robot';
CREATE INDEX "group_members_user" ON "group_members" ("user_id");
CREATE VIEW "robots" AS SELECT "id", "Display Name" FROM "user" WHERE "type" = 'robot';
CREATE TRIGGER "user_type_lower" AFTER INSERT ON "user" BEGIN
    UPDATE "user" SET "type" = lower(NEW."type") WHERE "id" = NEW."id";
END;
