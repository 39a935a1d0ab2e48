//! PostgreSQL: connections ([`connect`]), the migration lock ([`lock`]), the history
//! tables ([`history`]), catalog introspection, expression normalisation and DDL rendering,
//! plugged into the seam by [`driver`].

pub mod backup;
pub mod connect;
pub mod diff;
pub mod driver;
pub mod history;
pub mod inspect;
pub mod lock;
pub mod normalize;
pub mod render;
pub mod tls;
