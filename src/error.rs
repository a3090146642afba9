//! The one error type of the core: a message tied to the path of the field
//! that caused it, so that a user can find the bad value
//! (`deals[3].value: must be a finite number >= 0`).

use std::fmt;

use serde::Deserialize;

/// An input error. `path` uses JS notation (`deals[3].events[1].milestone`);
/// it is empty when the error concerns the whole input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub path: String,
    pub message: String,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Error { path: path.into(), message: message.into() }
    }

    /// Prefixes the path with an outer field, as errors bubble up:
    /// `value` inside `deals[3]` becomes `deals[3].value`.
    #[must_use]
    pub fn within(mut self, outer: &str) -> Self {
        self.path = join(outer, &self.path);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for Error {}

/// Joins two path fragments: `join("deals[3]", "value")` is `deals[3].value`,
/// `join("deals", "[3]")` is `deals[3]`.
pub fn join(outer: &str, inner: &str) -> String {
    if outer.is_empty() {
        inner.to_string()
    } else if inner.is_empty() {
        outer.to_string()
    } else if inner.starts_with('[') {
        format!("{outer}{inner}")
    } else {
        format!("{outer}.{inner}")
    }
}

/// `deals[3]`
pub fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// A finite number >= 0 (amounts, values, margins).
pub fn non_negative(path: &str, v: f64) -> Result<f64> {
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(Error::new(path, "must be a finite number >= 0"))
    }
}

/// A finite number (targets, offsets).
pub fn finite(path: &str, v: f64) -> Result<f64> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(Error::new(path, "must be a finite number"))
    }
}

/// A probability: finite and within [0, 1].
pub fn probability(path: &str, v: f64) -> Result<f64> {
    if v.is_finite() && (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(Error::new(path, "must be a number between 0 and 1"))
    }
}

/// A finite number > 0.
pub fn positive(path: &str, v: f64) -> Result<f64> {
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err(Error::new(path, "must be > 0"))
    }
}

/// A string no longer than `max` characters.
pub fn text<'a>(path: &str, s: &'a str, max: usize) -> Result<&'a str> {
    // A string of at most `max` bytes has at most `max` characters: no
    // count needed (the common case, checked per field per deal).
    if s.len() > max && s.chars().count() > max {
        Err(Error::new(path, format!("must be at most {max} characters")))
    } else {
        Ok(s)
    }
}

/// For `#[serde(default, deserialize_with = "crate::error::null_default")]`:
/// a field given as `null` is absent, as JS callers expect (`{ label: null }`),
/// where serde would refuse null for a non-`Option` field.
pub fn null_default<'de, T, D>(de: D) -> std::result::Result<T, D::Error>
where
    T: serde::Deserialize<'de> + Default,
    D: serde::Deserializer<'de>,
{
    Ok(Option::<T>::deserialize(de)?.unwrap_or_default())
}

/// A list no longer than `max` entries.
pub fn at_most<T>(path: &str, items: &[T], max: usize, what: &str) -> Result<()> {
    if items.len() > max {
        Err(Error::new(path, format!("at most {max} {what} are supported (got {})", items.len())))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_like_js() {
        assert_eq!(join("deals[3]", "value"), "deals[3].value");
        assert_eq!(join("deals", "[3]"), "deals[3]");
        assert_eq!(join("", "value"), "value");
        let e = Error::new("value", "must be a finite number >= 0").within("deals[3]");
        assert_eq!(e.to_string(), "deals[3].value: must be a finite number >= 0");
    }

    #[test]
    fn number_checks_reject_nan_and_infinity() {
        assert!(non_negative("v", f64::NAN).is_err());
        assert!(non_negative("v", f64::INFINITY).is_err());
        assert!(non_negative("v", -1.0).is_err());
        assert_eq!(non_negative("v", 0.0), Ok(0.0));
        assert!(probability("p", 1.0000001).is_err());
        assert!(probability("p", f64::NAN).is_err());
        assert_eq!(probability("p", 1.0), Ok(1.0));
        assert!(positive("m", 0.0).is_err());
        assert!(finite("t", f64::NEG_INFINITY).is_err());
    }
}
