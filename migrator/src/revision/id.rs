//! The two small value types every other revision module passes around: [`RevisionId`] (a
//! validated revision identifier) and [`Checksum`] (the SHA-256 of a migration file as the
//! version table records it).

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use sha2::{Digest, Sha256};

/// Words that name a target (`migrate upgrade head`), so no revision may be called that.
const RESERVED: [&str; 4] = ["head", "heads", "base", "current"];

/// The shortest and longest revision id accepted in a header.
const MIN_LEN: usize = 4;
const MAX_LEN: usize = 40;

/// The identifier of one revision: 4 to 40 characters of `0-9`, `a-z` and `_`.
///
/// Generated ids are 12 random lowercase hex characters; longer or hand-picked ids (as
/// Alembic's `--rev-id` allows) are accepted so a history can be imported.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct RevisionId(String);

/// A string that is not a valid [`RevisionId`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a revision id: {}", RevisionId::RULE)]
pub struct InvalidRevisionId {
    /// The rejected text.
    pub value: String,
}

impl RevisionId {
    /// The rule an id follows, worded for error messages.
    pub const RULE: &'static str =
        "an id is 4 to 40 characters of 0-9, a-z and _, and not head, heads, base or current";

    /// Validates `value` as a revision id.
    pub fn parse(value: &str) -> Result<Self, InvalidRevisionId> {
        let valid_chars = value
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase() || b == b'_');
        let valid_len = (MIN_LEN..=MAX_LEN).contains(&value.len());
        if valid_chars && valid_len && !RESERVED.contains(&value) {
            Ok(Self(value.to_owned()))
        } else {
            Err(InvalidRevisionId {
                value: value.to_owned(),
            })
        }
    }

    /// A fresh random id: 12 lowercase hex characters (48 random bits), like Alembic's.
    pub fn generate() -> Self {
        // The first 12 hex digits of a v4 UUID are all random; the version nibble comes after.
        let hex = uuid::Uuid::new_v4().simple().to_string();
        Self(hex[..12].to_owned())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RevisionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for RevisionId {
    type Err = InvalidRevisionId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl AsRef<str> for RevisionId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// The SHA-256 of a migration file, taken over its whole text with line endings normalised
/// (`\r\n` read as `\n`) and a leading byte-order mark dropped, so that a Windows checkout of
/// an applied file does not look edited while any change to a header or to the SQL does.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Checksum([u8; 32]);

impl Checksum {
    /// The checksum of a migration file's text.
    pub fn of_text(text: &str) -> Self {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut hasher = Sha256::new();
        // Hash line by line so no normalised copy of the file is allocated.
        let mut rest = text;
        while let Some(pos) = rest.find("\r\n") {
            hasher.update(&rest.as_bytes()[..pos]);
            hasher.update(b"\n");
            rest = &rest[pos + 2..];
        }
        hasher.update(rest.as_bytes());
        Self(hasher.finalize().into())
    }

    /// Reads a checksum back from the 64 hex characters [`Checksum::to_hex`] writes
    /// (as stored in the version table); `None` for anything else.
    pub fn from_hex(hex: &str) -> Option<Self> {
        if hex.len() != 64 || !hex.is_ascii() {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(Self(bytes))
    }

    /// The checksum as 64 lowercase hex characters.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Checksum({})", self.to_hex())
    }
}

impl Serialize for Checksum {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}
