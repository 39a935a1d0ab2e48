//! Database URLs as the migrator handles them: never printed with a password, read with the
//! `url` crate (the parser sqlx itself uses), and cut down to the parameters the driver
//! understands before it sees them.
//!
//! A password can sit in a URL three ways: the user-info (`user:secret@host`), a query
//! parameter (`?password=secret`, libpq's spelling), or, when the user forgot to
//! percent-encode it, anywhere in a string that no longer parses as a URL at all
//! (`user:se/cret@host`). [`redact`] covers all three; when in doubt it hides more.

use url::Url;

/// What a redacted secret is replaced with.
const HIDDEN: &str = "***";

/// Query parameters that carry a secret, in every spelling a driver or libpq accepts.
const SECRET_PARAMS: &[&str] = &["password", "pass", "passwd", "pwd", "sslpassword"];

/// The URL with every password replaced by `***`, for messages and logs.
pub fn redact(raw: &str) -> String {
    match Url::parse(raw) {
        Ok(url) if !looks_broken(raw, &url) => redact_parsed(url),
        _ => redact_unparsed(raw),
    }
}

/// A URL that parses but whose `@` landed outside the user-info (an unencoded `/` in an
/// all-digit password makes `user:1234/x@host/db` a valid URL with port 1234), or that
/// has no `://` at all (`user:secret@host` parses, with `user` as its scheme).
fn looks_broken(raw: &str, url: &Url) -> bool {
    !raw.contains("://")
        || url.path().contains('@')
        || url.fragment().is_some_and(|f| f.contains('@'))
        || url.query().is_some_and(|q| q.contains('@'))
}

fn redact_parsed(mut url: Url) -> String {
    if url.password().is_some() {
        // Cannot fail: the URL has a host, or it would have no password.
        let _ = url.set_password(Some(HIDDEN));
    }
    if url.query_pairs().any(|(key, _)| is_secret(&key)) {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(key, value)| {
                let value = if is_secret(&key) {
                    HIDDEN.to_owned()
                } else {
                    value.into_owned()
                };
                (key.into_owned(), value)
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    url.to_string()
}

/// A string that is not a URL: keep the scheme and what follows the last `@` (the host
/// and database), hide everything before it, and hide every `password=` value.
fn redact_unparsed(raw: &str) -> String {
    let (scheme, rest) = match raw.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, raw),
    };
    let rest = match rest.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{user}:{HIDDEN}@{host}"),
            // No `:` before the `@`: a user name without a password.
            None => format!("{userinfo}@{host}"),
        },
        None => rest.to_owned(),
    };
    let rest = hide_secret_params(&rest);
    match scheme {
        Some(scheme) => format!("{scheme}://{rest}"),
        None => rest,
    }
}

fn hide_secret_params(text: &str) -> String {
    let Some((head, query)) = text.split_once('?') else {
        return text.to_owned();
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if is_secret(key) => format!("{key}={HIDDEN}"),
            _ => pair.to_owned(),
        })
        .collect();
    format!("{head}?{}", pairs.join("&"))
}

fn is_secret(key: &str) -> bool {
    SECRET_PARAMS.iter().any(|s| key.eq_ignore_ascii_case(s))
}

/// The password the URL carries, percent-decoded: a `password=` parameter wins over the
/// user-info, as it does for libpq and sqlx (the later setting wins). `None` when there is
/// none, or the URL does not parse.
pub fn password_of(raw: &str) -> Option<String> {
    let url = Url::parse(raw).ok()?;
    let from_query = url
        .query_pairs()
        .filter(|(key, _)| key == "password")
        .last()
        .map(|(_, value)| value.into_owned());
    from_query.or_else(|| {
        // `url` leaves the user-info percent-encoded; sqlx decodes it the same way.
        let password = url.password()?;
        percent_encoding::percent_decode_str(password)
            .decode_utf8()
            .ok()
            .map(|p| p.into_owned())
    })
}

/// The value of the last query parameter named by one of `keys` (drivers accept several
/// spellings, `sslrootcert` and `ssl-ca`; the last one given wins, as in the drivers).
// Only the server databases read TLS settings from the URL.
#[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
pub fn query_value(raw: &str, keys: &[&str]) -> Option<String> {
    let url = Url::parse(raw).ok()?;
    let value = url
        .query_pairs()
        .filter(|(key, _)| keys.contains(&key.as_ref()))
        .last()
        .map(|(_, value)| value.into_owned());
    value
}

/// The URL without the query parameters `keep` does not accept, and the names of those
/// removed. The driver would log an unknown parameter with its value (a secret, maybe);
/// the caller reports the names only.
#[cfg(any(feature = "postgres", feature = "mysql"))]
pub fn retain_params(raw: &str, keep: impl Fn(&str) -> bool) -> (String, Vec<String>) {
    let Ok(mut url) = Url::parse(raw) else {
        return (raw.to_owned(), Vec::new());
    };
    let (kept, dropped): (Vec<_>, Vec<_>) = url
        .query_pairs()
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .partition(|(key, _)| keep(key));
    if dropped.is_empty() {
        return (raw.to_owned(), Vec::new());
    }
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    (
        url.to_string(),
        dropped.into_iter().map(|(key, _)| key).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "s3cr3tPw";

    #[test]
    fn user_info_passwords_are_hidden() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/app"),
            "postgres://app:***@db:5432/app"
        );
        assert_eq!(redact("postgres://app@db/app"), "postgres://app@db/app");
        assert_eq!(redact("sqlite://app.db"), "sqlite://app.db");
        assert_eq!(
            redact("mysql://root:p%40ss@127.0.0.1:3306/test"),
            "mysql://root:***@127.0.0.1:3306/test"
        );
    }

    #[test]
    fn every_form_of_password_is_hidden() {
        let forms = [
            format!("postgres://app:{SECRET}@db/app"),
            format!("postgres://app@db/app?password={SECRET}"),
            format!("postgres://app@db/app?sslmode=require&password={SECRET}&x=1"),
            format!("postgres://app@db/app?PASSWORD={SECRET}"),
            format!("postgres://app:{SECRET}@db/app?sslpassword={SECRET}"),
            // Not encoded: `/`, `#`, `?` and `@` inside the password break the URL.
            format!("postgres://app:{SECRET}/x@db/app"),
            format!("postgres://app:{SECRET}#x@db/app"),
            format!("postgres://app:{SECRET}?x@db/app"),
            format!("postgres://app:{SECRET}@x@db/app"),
            format!("postgres://app:{SECRET}/x@db/app?password={SECRET}"),
            format!("app:{SECRET}@db/app"),
            "postgres://app:12345/x@db/app".replace("12345", "9417"),
            format!("mysql://root:{SECRET}@127.0.0.1:3306/test"),
        ];
        for form in forms {
            let shown = redact(&form);
            assert!(!shown.contains(SECRET), "{form} -> {shown}");
            assert!(!shown.contains("s3cr3"), "{form} -> {shown}");
            assert!(!shown.contains("9417"), "{form} -> {shown}");
        }
    }

    #[test]
    fn unparsable_urls_keep_what_helps() {
        assert_eq!(
            redact("postgres://app:se/cret@db:5432/app"),
            "postgres://app:***@db:5432/app"
        );
        assert_eq!(
            redact("postgres://postgres@/app?host=/run"),
            "postgres://postgres@/app?host=/run"
        );
    }

    #[test]
    fn passwords_are_read_from_every_form() {
        assert_eq!(
            password_of("postgres://app:p%40ss@db/app").as_deref(),
            Some("p@ss")
        );
        assert_eq!(
            password_of("postgres://app@db/app?password=p%2Fss").as_deref(),
            Some("p/ss")
        );
        assert_eq!(
            password_of("postgres://app:one@db/app?password=two").as_deref(),
            Some("two")
        );
        assert_eq!(
            password_of("postgres://app:a+b@db/app").as_deref(),
            Some("a+b")
        );
        assert_eq!(password_of("postgres://app@db/app"), None);
        assert_eq!(password_of("postgres:///app"), None);
    }

    #[test]
    fn parameters_are_read_set_and_dropped() {
        let url = "postgres://db/app?sslmode=require&ssl-ca=/a.pem&connect_timeout=5";
        assert_eq!(
            query_value(url, &["sslrootcert", "ssl-ca"]).as_deref(),
            Some("/a.pem")
        );
        let (kept, dropped) = retain_params(url, |key| key != "connect_timeout");
        assert_eq!(kept, "postgres://db/app?sslmode=require&ssl-ca=%2Fa.pem");
        assert_eq!(dropped, vec!["connect_timeout".to_owned()]);
    }
}
