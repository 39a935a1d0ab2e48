//! A connection the server refused: what kind of refusal, the server's words and the fix.

/// A connection the server refused, or settings that cannot connect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// What kind of refusal, for callers that react (creating a missing database).
    pub kind: RefusalKind,
    /// The server's (or the TLS layer's) own words.
    pub reason: String,
    /// What to do about it, as a sentence.
    pub advice: String,
}

/// Why a connection was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RefusalKind {
    /// TLS could not be agreed or a certificate did not verify.
    Tls,
    /// Wrong password, or no password where one is needed.
    Authentication,
    /// The user (role) does not exist.
    UnknownUser,
    /// The database does not exist.
    UnknownDatabase,
    /// The server does not let this user connect from here, or to that database.
    NotAllowed,
    /// The host name does not resolve.
    UnknownHost,
    /// Anything else the server or the driver said.
    Other,
}
