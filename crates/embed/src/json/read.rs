//! The reader: RFC 8259 JSON text to a [`Value`], refusing what serde_json refuses (bad
//! syntax, control characters in strings, lone surrogates, numbers too large for an f64,
//! more than 127 nested arrays and objects).

use std::cmp::Ordering;

use super::Value;

/// serde_json refuses the 128th nested array or object; so does this reader, which also
/// bounds its recursion.
const MAX_DEPTH: usize = 127;

/// The first 20 digits of the halfway point between `f64::MAX` and 2^1024 (times 10^-309):
/// a number at or past it is infinite as an f64, and serde_json refuses it. (Numbers that
/// agree with it in all 20 digits are refused too: nobody writes those. serde_json itself,
/// multiplying in f64, refuses a few numbers just below `f64::MAX` written out in full.)
const F64_OVERFLOW: &[u8] = b"17976931348623158079";

/// The JSON text as a value, or `None` when it is not JSON that serde_json would read.
pub(crate) fn parse(text: &str) -> Option<Value> {
    let mut reader = Reader {
        bytes: text.as_bytes(),
        at: 0,
        depth: 0,
    };
    let value = reader.value()?;
    reader.blank();
    (reader.at == reader.bytes.len()).then_some(value)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    depth: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.at += 1;
        Some(b)
    }

    fn blank(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, word: &[u8]) -> Option<()> {
        let end = self.at + word.len();
        (self.bytes.get(self.at..end)? == word).then(|| self.at = end)
    }

    fn value(&mut self) -> Option<Value> {
        self.blank();
        Some(match self.peek()? {
            b'n' => self.eat(b"null").map(|()| Value::Null)?,
            b't' => self.eat(b"true").map(|()| Value::Bool(true))?,
            b'f' => self.eat(b"false").map(|()| Value::Bool(false))?,
            b'"' => Value::String(self.string()?),
            b'[' => self.nested(Self::array)?,
            b'{' => self.nested(Self::object)?,
            _ => Value::Number(self.number()?),
        })
    }

    fn nested(&mut self, read: fn(&mut Self) -> Option<Value>) -> Option<Value> {
        if self.depth == MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        self.at += 1;
        let value = read(self);
        self.depth -= 1;
        value
    }

    /// After `[`.
    fn array(&mut self) -> Option<Value> {
        let mut items = Vec::new();
        self.blank();
        if self.peek()? == b']' {
            self.at += 1;
            return Some(Value::Array(items));
        }
        loop {
            items.push(self.value()?);
            self.blank();
            match self.next()? {
                b',' => {}
                b']' => return Some(Value::Array(items)),
                _ => return None,
            }
        }
    }

    /// After `{`.
    fn object(&mut self) -> Option<Value> {
        let mut members = Vec::new();
        self.blank();
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(Value::Object(members));
        }
        loop {
            self.blank();
            if self.peek()? != b'"' {
                return None;
            }
            let key = self.string()?;
            self.blank();
            if self.next()? != b':' {
                return None;
            }
            members.push((key, self.value()?));
            self.blank();
            match self.next()? {
                b',' => {}
                b'}' => return Some(Value::Object(members)),
                _ => return None,
            }
        }
    }

    /// At the opening quote.
    fn string(&mut self) -> Option<String> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let start = self.at;
            while !matches!(self.peek()?, b'"' | b'\\' | 0..=0x1f) {
                self.at += 1;
            }
            // The text came as a str and the stop bytes are ASCII: the run is whole UTF-8.
            out.push_str(std::str::from_utf8(&self.bytes[start..self.at]).ok()?);
            match self.next()? {
                b'"' => return Some(out),
                b'\\' => out.push(self.escape()?),
                _ => return None,
            }
        }
    }

    /// After a backslash.
    fn escape(&mut self) -> Option<char> {
        Some(match self.next()? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = self.hex4()?;
                if (0xDC00..0xE000).contains(&unit) {
                    return None;
                }
                if (0xD800..0xDC00).contains(&unit) {
                    self.eat(b"\\u")?;
                    let low = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return None;
                    }
                    char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))?
                } else {
                    char::from_u32(unit)?
                }
            }
            _ => return None,
        })
    }

    fn hex4(&mut self) -> Option<u32> {
        (0..4).try_fold(0, |n, _| {
            Some(n * 16 + char::from(self.next()?).to_digit(16)?)
        })
    }

    /// Skips digits; where they were.
    fn digits(&mut self) -> std::ops::Range<usize> {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        start..self.at
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`: `Some(Some(n))` for a whole number
    /// from 0 to `u64::MAX` without fraction or exponent, `Some(None)` for any other number,
    /// `None` for no number or one too large for an f64.
    fn number(&mut self) -> Option<Option<u64>> {
        let negative = self.eat(b"-").is_some();
        let whole = self.digits();
        let bytes = self.bytes;
        if whole.is_empty() || (bytes[whole.start] == b'0' && whole.len() > 1) {
            return None;
        }
        let mut fraction = self.at..self.at;
        if self.eat(b".").is_some() {
            fraction = self.digits();
            if fraction.is_empty() {
                return None;
            }
        }
        let mut exponent = None;
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            let minus = self.eat(b"-").is_some();
            if !minus {
                let _ = self.eat(b"+");
            }
            let digits = self.digits();
            if digits.is_empty() {
                return None;
            }
            let e = bytes[digits].iter().fold(0i64, |e, d| {
                e.saturating_mul(10).saturating_add(i64::from(d - b'0'))
            });
            exponent = Some(if minus { -e } else { e });
        }
        let (whole, fraction) = (&bytes[whole], &bytes[fraction]);
        if too_large(whole, fraction, exponent.unwrap_or(0)) {
            return None;
        }
        if negative || !fraction.is_empty() || exponent.is_some() {
            return Some(None);
        }
        Some(whole.iter().try_fold(0u64, |n, d| {
            n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
        }))
    }
}

/// Whether `whole.fraction e exponent` is infinite as an f64.
fn too_large(whole: &[u8], fraction: &[u8], exponent: i64) -> bool {
    // The value is 0.d1d2... x 10^k, d1 its first digit other than 0.
    let lead = whole.iter().take_while(|&&b| b == b'0').count();
    let zeros = fraction.iter().take_while(|&&b| b == b'0').count();
    let k = if lead < whole.len() {
        (whole.len() - lead) as i64
    } else if zeros < fraction.len() {
        -(zeros as i64)
    } else {
        return false; // zero
    };
    match k.saturating_add(exponent).cmp(&309) {
        Ordering::Less => false,
        Ordering::Greater => true,
        Ordering::Equal => {
            let digits: Vec<u8> = if lead < whole.len() {
                whole[lead..].iter().chain(fraction).copied().collect()
            } else {
                fraction[zeros..].to_vec()
            };
            // Shorter than the bound and equal to its start: below it (the bound goes on).
            let n = digits.len().min(F64_OVERFLOW.len());
            match digits[..n].cmp(&F64_OVERFLOW[..n]) {
                Ordering::Less => false,
                Ordering::Greater => true,
                Ordering::Equal => n == F64_OVERFLOW.len(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Ours and serde_json's reading of the same text are the same value.
    fn same(ours: &Value, theirs: &serde_json::Value) -> bool {
        use serde_json::Value as J;
        match (ours, theirs) {
            (Value::Null, J::Null) => true,
            (Value::Bool(a), J::Bool(b)) => a == b,
            (Value::Number(a), J::Number(b)) => *a == b.as_u64(),
            (Value::String(a), J::String(b)) => a == b,
            (Value::Array(a), J::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(a, b))
            }
            (Value::Object(a), J::Object(b)) => {
                let keys: std::collections::BTreeSet<&str> =
                    a.iter().map(|(k, _)| k.as_str()).collect();
                keys.len() == b.len()
                    && b.iter()
                        .all(|(k, v)| ours.get(k).is_some_and(|o| same(o, v)))
            }
            _ => false,
        }
    }

    fn agrees(text: &str) -> Result<(), TestCaseError> {
        let theirs = serde_json::from_str::<serde_json::Value>(text).ok();
        match (parse(text), theirs) {
            (None, None) => Ok(()),
            (Some(o), Some(t)) if same(&o, &t) => Ok(()),
            (o, t) => Err(TestCaseError::fail(format!(
                "{text:?}: ours {o:?}, serde_json {t:?}"
            ))),
        }
    }

    #[test]
    fn edges_read_as_serde_json_reads_them() {
        let texts = [
            "0",
            "-0",
            "01",
            "1.",
            ".5",
            "1e",
            "1e+",
            "1E-2",
            "-",
            "--1",
            "1.5e3",
            "2.0",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775809",
            "1e308",
            "1e309",
            "-1e309",
            "1.7976931348623157e308",
            "1.7976931348623159e308",
            "0.0000001e316",
            "1e-400",
            "0e999999999999999999999",
            "123456789e-99999999999",
            r#""\ud800""#,
            r#""\udc00""#,
            r#""\ud800\u0041""#,
            r#""\ud83d\ude00""#,
            r#""\u00e9\n\/""#,
            "\"a\u{1}\"",
            "\"a\u{7f}é\"",
            r#""\x""#,
            r#""\u12""#,
            "\"open",
            "[1,]",
            "[,1]",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{1:2}",
            " [ ] ",
            "[]]",
            "nul",
            "true false",
            "{\"a\":1,\"a\":2}",
            "\t\r\n{}\n",
            "\u{a0}1",
            "[1 2]",
        ];
        for text in texts {
            agrees(text).unwrap();
        }
        for depth in [126, 127, 128, 129] {
            agrees(&format!("{}{}", "[".repeat(depth), "]".repeat(depth))).unwrap();
            agrees(&format!(
                "{}1{}",
                "{\"a\":[".repeat(depth / 2),
                "]}".repeat(depth / 2)
            ))
            .unwrap();
        }
    }

    proptest! {
        #[test]
        fn random_text_reads_as_serde_json_reads_it(
            text in r#"[\[\]{}",: 0-9eE.+\-a-z\\/\t\n]{0,40}"#
        ) {
            agrees(&text)?;
        }

        #[test]
        fn random_json_reads_as_serde_json_reads_it(
            parts in prop::collection::vec(prop_oneof![
                Just("["), Just("]"), Just("{"), Just("}"), Just(","), Just(":"), Just("\"k\""),
                Just("\"\\u00e9\\\"\""), Just("null"), Just("true"), Just("-12.5e-3"),
                Just("4294967296"), Just("0"), Just(" "),
            ], 0..24)
        ) {
            agrees(&parts.concat())?;
        }
    }
}
