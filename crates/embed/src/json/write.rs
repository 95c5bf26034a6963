//! The writer: compact JSON, byte for byte what serde_json writes for the same fields.

/// A JSON object being written, members in the order added.
pub(crate) struct Object(String);

impl Object {
    pub(crate) fn new() -> Self {
        Self(String::from("{"))
    }

    fn key(mut self, key: &str) -> Self {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        string(&mut self.0, key);
        self.0.push(':');
        self
    }

    pub(crate) fn str(self, key: &str, value: &str) -> Self {
        let mut o = self.key(key);
        string(&mut o.0, value);
        o
    }

    pub(crate) fn opt_str(self, key: &str, value: Option<&str>) -> Self {
        match value {
            Some(value) => self.str(key, value),
            None => self.raw(key, "null"),
        }
    }

    pub(crate) fn num(self, key: &str, value: u32) -> Self {
        let mut o = self.key(key);
        // No core::fmt for one small number.
        let mut digits = [0u8; 10];
        let mut n = value;
        let mut at = digits.len();
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        o.0.extend(digits[at..].iter().map(|&d| char::from(d)));
        o
    }

    pub(crate) fn bool(self, key: &str, value: bool) -> Self {
        self.raw(key, if value { "true" } else { "false" })
    }

    /// `json`, already JSON text (a nested object, an array, `null`).
    pub(crate) fn raw(self, key: &str, json: &str) -> Self {
        let mut o = self.key(key);
        o.0.push_str(json);
        o
    }

    pub(crate) fn end(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

/// `s` as a JSON string onto `out`, escaped as serde_json escapes it: quote, backslash and
/// the control characters, nothing else.
pub(crate) fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0'..='\u{1f}' => {
                let hex = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(hex[c as usize >> 4]));
                out.push(char::from(hex[c as usize & 15]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn strings_are_written_as_serde_json_writes_them(s in "(\\PC|[\u{0}-\u{1f}\"\\\\\u{7f}])*") {
            let mut ours = String::new();
            string(&mut ours, &s);
            prop_assert_eq!(ours, serde_json::to_string(&s).unwrap());
        }

        #[test]
        fn numbers_are_written_as_serde_json_writes_them(n: u32) {
            prop_assert_eq!(
                Object::new().num("n", n).end(),
                serde_json::json!({ "n": n }).to_string()
            );
        }
    }
}
