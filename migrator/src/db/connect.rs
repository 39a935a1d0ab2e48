//! Connecting, written once for every server: try, and on failure ask the dialect whether
//! the server is not there yet (wait and try again, up to the limit) or answered and
//! refused (say so at once, with its reason and the fix). Waiting is reported through a
//! [`WaitNotifier`], so the CLI can keep one line up to date instead of logging each try.

// Only the server databases connect over a network; an SQLite-only build leaves these unused.
#![cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use super::refusal::{Refusal, RefusalKind};
use super::{humanize, DbError};

/// How to wait for a database that is not up yet.
#[derive(Clone)]
pub struct Wait {
    /// Give up after this long (60 s unless configured).
    pub timeout: Duration,
    /// Told about each wait, if set.
    pub notifier: Option<WaitNotifier>,
}

impl fmt::Debug for Wait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("timeout", &self.timeout)
            .field("notifier", &self.notifier)
            .finish()
    }
}

impl Default for Wait {
    /// 60 s, nobody told.
    fn default() -> Self {
        Self::up_to(Self::DEFAULT_TIMEOUT)
    }
}

impl Wait {
    /// How long a wait lasts unless configured.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

    /// Waits up to `timeout`.
    pub fn up_to(timeout: Duration) -> Self {
        Self {
            timeout,
            notifier: None,
        }
    }

    /// The same wait, reporting to `notifier`.
    pub fn notify(mut self, notifier: WaitNotifier) -> Self {
        self.notifier = Some(notifier);
        self
    }

    fn tell(&self, notice: WaitNotice<'_>) {
        if let Some(notifier) = &self.notifier {
            (notifier.0)(&notice);
        }
    }
}

/// A callback told about waiting for a database.
#[derive(Clone)]
pub struct WaitNotifier(Arc<dyn Fn(&WaitNotice<'_>) + Send + Sync>);

impl fmt::Debug for WaitNotifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WaitNotifier")
    }
}

impl WaitNotifier {
    /// Wraps a callback.
    pub fn new(callback: impl Fn(&WaitNotice<'_>) + Send + Sync + 'static) -> Self {
        Self(Arc::new(callback))
    }
}

/// What a [`WaitNotifier`] hears.
#[derive(Clone, Copy, Debug)]
pub enum WaitNotice<'a> {
    /// The server is not there yet; trying again.
    Waiting {
        /// The database, password removed.
        target: &'a str,
        /// Why the last try failed (`connection refused`).
        reason: &'a str,
        /// How long we have waited so far.
        waited: Duration,
        /// How long we will wait in all.
        timeout: Duration,
    },
    /// Waiting is over (connected, refused, or given up): a line kept up to date can end.
    Over,
}

/// What a failed attempt means.
#[derive(Debug)]
pub enum Verdict {
    /// The server is not there yet: wait, with this short reason (`connection refused`).
    Wait(String),
    /// The server answered and refused, or the settings cannot work: waiting will not help.
    Refuse(Refusal),
}

/// The longest a single try may take, so that a server that swallows packets is tried again
/// rather than waited on for the operating system's two minutes.
const ATTEMPT_LIMIT: Duration = Duration::from_secs(10);

/// Tries `attempt` until it connects, the dialect's `classify` calls a failure permanent,
/// or `wait.timeout` passes (then the error carries the timeout asked for, not the time
/// measured, so it reads as the user configured it).
pub(crate) async fn with_retry<C, F, Fut>(
    target: &str,
    wait: &Wait,
    mut attempt: F,
    classify: impl Fn(&sqlx::Error) -> Verdict,
) -> Result<C, DbError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<C, sqlx::Error>>,
{
    let started = Instant::now();
    let mut delay = Duration::from_millis(100);
    let result = loop {
        let remaining = wait.timeout.saturating_sub(started.elapsed());
        let limit = remaining.clamp(Duration::from_millis(500), ATTEMPT_LIMIT);
        let reason = match tokio::time::timeout(limit, attempt()).await {
            Ok(Ok(conn)) => break Ok(conn),
            Ok(Err(error)) => match classify(&error) {
                Verdict::Refuse(refusal) => {
                    break Err(DbError::Refused {
                        url: target.to_owned(),
                        refusal: Box::new(refusal),
                    })
                }
                Verdict::Wait(reason) => {
                    tracing::debug!(target, error = %error, "the database is not there yet");
                    reason
                }
            },
            Err(_) => format!("no answer within {}", humanize(limit)),
        };
        let waited = started.elapsed();
        if waited >= wait.timeout {
            break Err(DbError::Unreachable {
                url: target.to_owned(),
                waited: wait.timeout,
                reason,
            });
        }
        wait.tell(WaitNotice::Waiting {
            target,
            reason: &reason,
            waited,
            timeout: wait.timeout,
        });
        // The last try comes at the limit, so the wait is as long as asked.
        tokio::time::sleep(delay.min(wait.timeout - waited)).await;
        delay = (delay * 2).min(Duration::from_secs(2));
    };
    wait.tell(WaitNotice::Over);
    result
}

/// The verdict on an I/O failure, the same for every network database: a server that is
/// not listening yet is waited for; a host name that does not resolve, or TLS that failed
/// on the wire (rustls reports a certificate it rejects as invalid data), is not.
pub(crate) fn io_verdict(error: &std::io::Error, tls_advice: impl Fn(&str) -> String) -> Verdict {
    use std::io::ErrorKind as K;
    let text = error.to_string();
    match error.kind() {
        K::ConnectionRefused => Verdict::Wait("connection refused".into()),
        K::NotFound => Verdict::Wait("no server socket yet".into()),
        K::TimedOut => Verdict::Wait("the connection timed out".into()),
        K::ConnectionReset | K::ConnectionAborted | K::UnexpectedEof | K::BrokenPipe => {
            Verdict::Wait("the server closed the connection".into())
        }
        K::AddrNotAvailable => Verdict::Wait("the address is not available".into()),
        K::InvalidData => Verdict::Refuse(Refusal {
            kind: RefusalKind::Tls,
            advice: tls_advice(&text),
            reason: text,
        }),
        _ if text.contains("lookup address") => Verdict::Refuse(Refusal {
            kind: RefusalKind::UnknownHost,
            reason: text,
            advice: "check the host name in the database URL".into(),
        }),
        _ => Verdict::Refuse(Refusal {
            kind: RefusalKind::Other,
            reason: text,
            advice: "check the database URL".into(),
        }),
    }
}

/// What to change when the server's certificate was rejected, by what the TLS layer said.
pub(crate) fn certificate_advice(reason: &str, tls: &super::tls::TlsSettings) -> String {
    use super::tls::TlsMode;
    if reason.contains("NotValidForName") || reason.contains("not valid for name") {
        format!(
            "the server's certificate does not name the host connected to: connect by a host \
             name the certificate lists, or set {} to check only who signed it",
            tls.mode_setting(TlsMode::VerifyCa)
        )
    } else if reason.contains("UnknownIssuer") || reason.contains("issuer") {
        format!(
            "the server's certificate is not signed by an authority in {}: point it at the \
             certificate of the authority that signed the server's",
            tls.root_setting()
        )
    } else if reason.contains("Expired") || reason.contains("expired") {
        "the server's certificate has expired: the server's administrator must renew it".into()
    } else {
        format!(
            "check {} and {}",
            tls.mode_setting(tls.mode),
            tls.root_setting()
        )
    }
}
