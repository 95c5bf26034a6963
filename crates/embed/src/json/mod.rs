//! JSON as the CRM messages use it, read and written by hand: the page needs only objects of
//! strings, small numbers and booleans, and serde_json's generic reader and writer cost the
//! app's WebAssembly about 10 KB gzipped. The unit tests hold both halves equal to
//! serde_json on random input (serde_json stays a dev-dependency).

mod read;
mod write;

pub(crate) use read::parse;
#[cfg(test)]
pub(crate) use write::string;
pub(crate) use write::Object;

/// A JSON value as far as the messages need it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    /// The number when it is a whole number from 0 to `u64::MAX` written without a fraction
    /// or exponent (serde_json's `as_u64`), else `None`.
    Number(Option<u64>),
    String(String),
    Array(Vec<Self>),
    /// In the order written; a repeated key is read as its last value, as serde_json does.
    Object(Vec<(String, Self)>),
}

impl Value {
    /// The member `key` of an object.
    pub(crate) fn get(&self, key: &str) -> Option<&Self> {
        match self {
            Self::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_u64(&self) -> Option<u64> {
        match self {
            Self::Number(n) => *n,
            _ => None,
        }
    }

    pub(crate) fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub(crate) fn as_array(&self) -> Option<&[Self]> {
        match self {
            Self::Array(items) => Some(items),
            _ => None,
        }
    }
}
