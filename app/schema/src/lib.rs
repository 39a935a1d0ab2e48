//! The example application's models: a small project tracker with organisations, their
//! members, projects, tasks, comments, invoices and an audit trail. Together they use every
//! attribute `#[derive(Table)]` and `#[derive(DbEnum)]` accept, so the example doubles as a
//! living reference.
//!
//! The models are written for PostgreSQL and carry variants for MySQL/MariaDB and SQLite
//! where those spell a thing differently or cannot hold it (a regular expression check, an
//! array, a namespace, a partial index), so the same models migrate all three.
//!
//! A binary that wants these models registered calls [`link`]: a crate nothing calls can
//! be dropped by the linker, and its `inventory` registrations with it. `build.rs` lists the
//! models for `link()`, so adding, removing or moving one needs no other change.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use schema_runtime::{DbEnum, Table};
use uuid::Uuid;

// `pub fn link()`: keeps this crate in the binary and returns the models build.rs found.
schema_runtime::models_crate!();

/// What a member may do inside an organisation.
#[derive(DbEnum, Clone, Copy, Debug, PartialEq, Eq)]
#[db_enum(name = "member_role")]
pub enum MemberRole {
    /// Full control, billing included.
    Owner,
    /// Manages projects and members.
    Admin,
    /// Works on tasks.
    Member,
    /// Reads only.
    Guest,
}

/// Where a task stands.
#[derive(DbEnum, Clone, Copy, Debug, PartialEq, Eq)]
#[db_enum(name = "task_status")]
pub enum TaskStatus {
    /// Not started.
    Todo,
    /// Someone is on it.
    InProgress,
    /// Waiting for something outside the team.
    Blocked,
    /// Finished.
    Done,
    /// Dropped; kept for the record.
    #[db_enum(rename = "cancelled")]
    Canceled,
}

/// A customer account: the unit of billing and access.
#[derive(Table)]
#[table(name = "organisations")]
#[table(check(name = "slug_format", expr = "slug ~ '^[a-z0-9-]+$'"))]
// `(?-i)`: REGEXP follows the column's case-insensitive collation otherwise.
#[table(mysql(check(name = "slug_format", expr = "slug REGEXP '(?-i)^[a-z0-9-]+$'")))]
#[table(sqlite(check(
    name = "slug_format",
    expr = "slug <> '' AND slug NOT GLOB '*[^a-z0-9-]*'"
)))]
pub struct Organisation {
    /// Surrogate key.
    #[column(primary_key)]
    pub id: i64,
    /// The name shown in the interface.
    #[column(max_length = 200)]
    pub name: String,
    /// The URL-safe handle, unique across the service.
    #[column(max_length = 63, unique)]
    pub slug: String,
    /// When the organisation signed up.
    #[column(default = "now()")]
    pub created_at: DateTime<Utc>,
}

/// A person who can sign in.
#[derive(Table)]
#[table(name = "users")]
#[table(index(
    name = "ix_users_active_email",
    columns("email"),
    unique,
    where = "deactivated_at IS NULL"
))]
// MySQL has no partial indexes: the lookup stays fast, uniqueness is the application's job.
#[table(mysql(index(name = "ix_users_active_email", columns("email"))))]
pub struct User {
    /// Surrogate key.
    #[column(primary_key)]
    pub id: i64,
    /// Sign-in address.
    #[column(max_length = 320)]
    pub email: String,
    /// How the user wants to be addressed.
    #[column(name = "display_name", renamed_from = "full_name")]
    pub name: String,
    /// Set when the account is closed; closed accounts free their email address.
    pub deactivated_at: Option<DateTime<Utc>>,
    /// Whether the user manages the whole service.
    #[column(default = "false")]
    pub is_staff: bool,
    /// The password hash, never shown.
    #[column(sql_type = "bytea")]
    pub password_hash: Vec<u8>,
    /// Filled in by the application from `name`; not stored.
    #[column(skip)]
    pub initials: String,
}

/// A user's membership of an organisation.
#[derive(Table)]
#[table(
    name = "memberships",
    primary_key(columns("organisation_id", "user_id"))
)]
pub struct Membership {
    /// The organisation.
    #[column(references = "organisations.id", on_delete = "cascade")]
    pub organisation_id: i64,
    /// The member.
    #[column(references = "users.id", on_delete = "cascade", index)]
    pub user_id: i64,
    /// What the member may do.
    pub role: MemberRole,
    /// When the member joined.
    #[column(default = "now()")]
    pub joined_at: DateTime<Utc>,
}

/// A body of work inside an organisation.
#[derive(Table)]
#[table(name = "projects", renamed_from = "boards")]
#[table(unique(columns("organisation_id", "key")))]
pub struct Project {
    /// Surrogate key.
    #[column(primary_key)]
    pub id: i64,
    /// The owning organisation.
    #[column(
        references = "organisations.id",
        on_delete = "cascade",
        on_update = "cascade"
    )]
    pub organisation_id: i64,
    /// Short prefix of task numbers (`WEB-12`).
    #[column(
        max_length = 10,
        check = "key ~ '^[A-Z][A-Z0-9]*$'",
        mysql(check = "`key` REGEXP '(?-i)^[A-Z][A-Z0-9]*$'"),
        sqlite(check = "\"key\" GLOB '[A-Z]*' AND \"key\" NOT GLOB '?*[^A-Z0-9]*'")
    )]
    pub key: String,
    /// The project's name.
    #[column(max_length = 200)]
    pub name: String,
    /// Longer description, in Markdown.
    pub description: Option<String>,
    /// Labels offered on the project's tasks.
    // A JSON array on the databases without arrays.
    #[column(
        default = "'{}'",
        mysql(sql_type = "json", default = "('[]')"),
        sqlite(sql_type = "json", default = "'[]'")
    )]
    pub labels: Vec<String>,
    /// Archived projects are read-only.
    #[column(default = "false")]
    pub archived: bool,
}

/// A unit of work.
#[derive(Table)]
#[table(name = "tasks")]
#[table(index(
    name = "ix_tasks_open_by_project",
    columns("project_id", "due_on"),
    where = "status <> 'done'"
))]
#[table(mysql(index(name = "ix_tasks_open_by_project", columns("project_id", "due_on"))))]
#[table(unique(name = "uq_tasks_project_number", columns("project_id", "number")))]
pub struct Task {
    /// Surrogate key.
    #[column(primary_key)]
    pub id: i64,
    /// The project; deleting it deletes its tasks.
    #[column(references = "projects.id", on_delete = "cascade")]
    pub project_id: i64,
    /// Number within the project, shown as `KEY-number`.
    pub number: i32,
    /// One-line summary.
    #[column(max_length = 300)]
    pub title: String,
    /// Where the task stands.
    #[column(default = "'todo'", index)]
    pub status: TaskStatus,
    /// Who works on it; cleared when the user is deleted.
    #[column(references = "users.id", on_delete = "set null")]
    pub assignee_id: Option<i64>,
    /// Priority from 1 (highest) to 5.
    #[column(
        sql_type = "smallint",
        default = "3",
        check = "priority BETWEEN 1 AND 5"
    )]
    pub priority: i16,
    /// Deadline, if any.
    pub due_on: Option<NaiveDate>,
    /// Effort estimate in hours.
    #[column(sql_type = "numeric(6,2)")]
    pub estimate_hours: Option<Decimal>,
    /// When the task was created.
    #[column(default = "now()")]
    pub created_at: DateTime<Utc>,
}

/// A remark on a task.
#[derive(Table)]
#[table(name = "comments", comment = "Discussion under a task.")]
pub struct Comment {
    /// Surrogate key.
    #[column(primary_key)]
    pub id: i64,
    /// The task discussed.
    #[column(references = "tasks.id", on_delete = "cascade", index)]
    pub task_id: i64,
    /// The author; comments of deleted users stay.
    #[column(references = "users.id", on_delete = "set null")]
    pub author_id: Option<i64>,
    /// The text, in Markdown.
    #[column(comment = "Markdown source, rendered by the client")]
    pub body: String,
    /// When the comment was posted.
    #[column(default = "now()")]
    pub created_at: DateTime<Utc>,
    /// Set when the author edits the comment.
    pub edited_at: Option<DateTime<Utc>>,
}

/// A bill sent to an organisation.
#[derive(Table)]
#[table(name = "invoices")]
#[table(check(name = "total_non_negative", expr = "total >= 0"))]
#[table(check(
    name = "paid_after_issue",
    expr = "paid_on IS NULL OR paid_on >= issued_on"
))]
pub struct Invoice {
    /// The invoice number, assigned by the accounting system (so not an identity).
    #[column(primary_key, identity = false)]
    pub id: i64,
    /// The billed organisation; an organisation with invoices cannot be deleted.
    #[column(references = "organisations.id", on_delete = "restrict")]
    pub organisation_id: i64,
    /// Amount due, tax included.
    #[column(sql_type = "numeric(12,2)")]
    pub total: Decimal,
    /// ISO 4217 code.
    #[column(sql_type = "char(3)", default = "'EUR'")]
    pub currency: String,
    /// Day of issue.
    pub issued_on: NaiveDate,
    /// Day of payment, once paid.
    pub paid_on: Option<NaiveDate>,
}

/// One entry of the audit trail, kept in its own namespace.
// A prefixed table on the databases without namespaces.
#[derive(Table)]
#[table(name = "events", schema = "audit")]
#[table(mysql(name = "audit_events"), sqlite(name = "audit_events"))]
#[table(index(columns("organisation_id", "occurred_at")))]
pub struct AuditEvent {
    /// Globally unique event id, generated by the server.
    #[column(
        primary_key,
        default = "gen_random_uuid()",
        mysql(default = "uuid()"),
        // A random (version 4) UUID in its text form.
        sqlite(
            default = "lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + abs(random()) % 4, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))"
        )
    )]
    pub id: Uuid,
    /// The organisation the event concerns.
    #[column(references = "organisations.id", on_delete = "cascade")]
    pub organisation_id: i64,
    /// Who acted, if a person did.
    #[column(references = "users.id", on_delete = "set null")]
    pub actor_id: Option<i64>,
    /// What happened (`task.created`, `member.removed`, ...).
    #[column(max_length = 100)]
    pub action: String,
    /// Event details.
    #[column(
        default = "'{}'::jsonb",
        mysql(default = "('{}')"),
        sqlite(default = "'{}'")
    )]
    pub payload: serde_json::Value,
    /// When it happened.
    #[column(default = "now()")]
    pub occurred_at: DateTime<Utc>,
}

/// Rolled-up counts for dashboards, rebuilt nightly; rows are replaced wholesale, so the
/// table deliberately has no primary key.
#[derive(Table)]
#[table(name = "daily_task_counts", no_primary_key)]
pub struct DailyTaskCount {
    /// The project counted.
    #[column(references = "projects.id", on_delete = "cascade")]
    pub project_id: i64,
    /// The day counted.
    pub day: NaiveDate,
    /// Open tasks at the end of the day.
    #[column(sql_type = "integer", default = "0")]
    pub open_tasks: i32,
}
