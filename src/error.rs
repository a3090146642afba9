//! The one error type of the core: what was wrong, as a code with its
//! parameters, tied to the path of the field that caused it, so that a user
//! can find the bad value (`deals[3].value: must be a finite number >= 0`).
//! The UI words the code (www/src/i18n.js, `engineError_*`); `message` is
//! the same in English, for developers and logs.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What was wrong with a field, as data.
#[derive(Serialize, Debug, Clone, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(tag = "code", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum ErrorCode {
    /// Any other check: `message` says which.
    #[default]
    Invalid,
    /// A required field or argument is missing.
    Required,
    /// Must be a finite number >= 0.
    NonNegative,
    /// Must be a finite number.
    Finite,
    /// Must be a number between 0 and 1.
    Probability,
    /// Must be a finite number > 0.
    Positive,
    /// Longer than `max` characters.
    TooLong { max: u32 },
    /// More than `max` entries.
    TooMany { max: u32 },
    /// Not a milestone of the model (`milestone`, cut to 200 characters).
    UnknownMilestone { milestone: String },
    /// Not a date `YYYY-MM-DD` (`value`, cut to 40 characters).
    NotADate { value: String },
    /// A value of the wrong kind (text where a number belongs, ...).
    WrongType,
    /// Not one of the values the field takes (`value`; `expected` lists them).
    UnknownValue { value: String, expected: Vec<String> },
    /// Given twice (a milestone id, a pipeline, a field).
    Duplicate,
    /// A history deal that is not closed: history holds won and lost deals.
    NotClosed,
    /// Outside `min` to `max` (weeks of meetings, a weight, an effect, a
    /// number of folds).
    Range { min: f64, max: f64 },
    /// Given together with the field `other`: give one of the two.
    Either { other: &'static str },
    /// Nothing has this id (`value`, cut): a meeting's deal, a step's seller.
    NotFound { value: String },
    /// More than the field `other` (`won` more than `deals`).
    Exceeds { other: &'static str },
    /// Before the field `other` (`periodEnd` before `asOf`).
    NotBefore { other: &'static str },
    /// The milestones' order (their `after` prerequisites, and the mandatory
    /// milestones' order) goes round in a circle.
    Cycle,
    /// `__proto__`, a name a JS object cannot hold as data.
    Reserved { value: String },
    /// Must be less than `max` (a retention below 1 + discountRate).
    LessThan { max: f64 },
    /// The model has fewer than `min` mandatory milestones (steps run from
    /// one mandatory milestone to the next).
    FewMandatory { min: u32 },
    /// Not a whole number from 0 to `max`.
    WholeNumber { max: u32 },
    /// The CSV header has no column `column` (cut to 200 characters).
    NoColumn { column: String },
    /// The CSV is larger than `maxBytes`.
    TooLarge { max_bytes: u32 },
    /// The CSV has no header line.
    NoHeader,
    /// The CSV's header line cannot be read (too many columns, a cell too
    /// long, a quote not closed).
    BadHeader,
}

/// An input error. `path` uses JS notation (`deals[3].events[1].milestone`);
/// it is empty when the error concerns the whole input.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub path: String,
    pub code: ErrorCode,
    pub message: String,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// An error without a code of its own (`ErrorCode::Invalid`).
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Error { path: path.into(), code: ErrorCode::Invalid, message: message.into() }
    }

    /// An error with a code; `message` is its English wording.
    pub fn coded(path: impl Into<String>, code: ErrorCode, message: impl Into<String>) -> Self {
        Self::make(path.into(), code, message.into())
    }

    /// Builds every `Error`, once: not inlined into each check (-0.1 KB
    /// gzip in the widget's wasm).
    #[inline(never)]
    fn make(path: String, code: ErrorCode, message: String) -> Self {
        Error { path, code, message }
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
        Err(Error::coded(path, ErrorCode::NonNegative, "must be a finite number >= 0"))
    }
}

/// A finite number (targets, offsets).
pub fn finite(path: &str, v: f64) -> Result<f64> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(Error::coded(path, ErrorCode::Finite, "must be a finite number"))
    }
}

/// A probability: finite and within [0, 1].
pub fn probability(path: &str, v: f64) -> Result<f64> {
    if v.is_finite() && (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(Error::coded(path, ErrorCode::Probability, "must be a number between 0 and 1"))
    }
}

/// A finite number > 0.
pub fn positive(path: &str, v: f64) -> Result<f64> {
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err(Error::coded(path, ErrorCode::Positive, "must be > 0"))
    }
}

/// A string no longer than `max` characters.
pub fn text<'a>(path: &str, s: &'a str, max: usize) -> Result<&'a str> {
    // A string of at most `max` bytes has at most `max` characters: no
    // count needed (the common case, checked per field per deal).
    if s.len() > max && s.chars().count() > max {
        Err(Error::coded(path, ErrorCode::TooLong { max: count(max) }, format!("must be at most {max} characters")))
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
        Err(Error::coded(path, ErrorCode::TooMany { max: count(max) }, format!("at most {max} {what} are supported (got {})", items.len())))
    } else {
        Ok(())
    }
}

/// A limit as a code's parameter.
pub fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// `unknown milestone "x"`, coded, with the id cut to 200 characters.
pub fn unknown_milestone(path: impl Into<String>, id: &str) -> Error {
    let shown: String = id.chars().take(200).collect();
    let message = format!("unknown milestone \"{shown}\"");
    Error::coded(path, ErrorCode::UnknownMilestone { milestone: shown }, message)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
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

    #[test]
    fn checks_say_what_was_wrong_as_a_code() {
        assert_eq!(non_negative("v", -1.0).unwrap_err().code, ErrorCode::NonNegative);
        assert_eq!(finite("v", f64::NAN).unwrap_err().code, ErrorCode::Finite);
        assert_eq!(probability("p", 2.0).unwrap_err().code, ErrorCode::Probability);
        assert_eq!(positive("m", 0.0).unwrap_err().code, ErrorCode::Positive);
        assert_eq!(text("t", &"x".repeat(201), 200).unwrap_err().code, ErrorCode::TooLong { max: 200 });
        assert_eq!(at_most("l", &[1, 2, 3], 2, "items").unwrap_err().code, ErrorCode::TooMany { max: 2 });
        let e = unknown_milestone("m", &"y".repeat(300));
        assert_eq!(e.code, ErrorCode::UnknownMilestone { milestone: "y".repeat(200) });
        assert!(e.message.starts_with("unknown milestone \"yyy"));
        // The code survives as the error bubbles up.
        assert_eq!(Error::coded("value", ErrorCode::NonNegative, "m").within("deals[3]").code, ErrorCode::NonNegative);
        assert_eq!(Error::new("x", "anything else").code, ErrorCode::Invalid);
    }
}
