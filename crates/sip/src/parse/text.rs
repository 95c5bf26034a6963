//! Lexical helpers shared by the header parsers (RFC 3261 §25.1).

/// `token` characters.
pub(crate) fn is_token_char(c: char) -> bool {
    matches!(c, 'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '.' | '!' | '%' | '*' | '_' | '+' | '`' | '\'' | '~')
}

/// A non-empty run of `token` characters. Byte by byte: every token character is ASCII, and
/// no byte of a multi-byte character is one.
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| is_token_char(char::from(b)))
}

/// The longest prefix of `s` no longer than `max` bytes that ends on a char boundary.
pub(crate) fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Reads the quoted string that `s` starts with; returns it unescaped and what follows.
pub(crate) fn unquote(s: &str) -> Result<(String, &str), &'static str> {
    let mut chars = s.char_indices();
    if chars.next().map(|(_, c)| c) != Some('"') {
        return Err("expected a quoted string");
    }
    let mut out = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, &s[i + 1..])),
            '\\' => match chars.next() {
                Some((_, '\r' | '\n')) | None => return Err("bad escape in quoted string"),
                Some((_, e)) => out.push(e),
            },
            '\r' | '\n' => return Err("line end in quoted string"),
            c => out.push(c),
        }
    }
    Err("unterminated quoted string")
}

/// `s` as a quoted string, escaping `"`, `\` and control characters. CR and LF cannot be
/// quoted (RFC 3261 §25.1 `quoted-pair`) and become spaces, so no value can end a header line.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\r' | '\n' => {
                out.push(' ');
                continue;
            }
            '"' | '\\' => out.push('\\'),
            c if c.is_ascii_control() && c != '\t' => out.push('\\'),
            _ => {}
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Splits `s` at each `sep` that is outside quoted strings and angle brackets.
pub(crate) fn split_top(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    // Byte by byte: every character that matters here is ASCII, and no byte of a multi-byte
    // character is one. A separator that is not ASCII never splits.
    let sep = u8::try_from(sep).ok().filter(u8::is_ascii);
    let (mut start, mut quoted, mut escaped, mut angle) = (0, false, false, 0u32);
    for (i, b) in s.bytes().enumerate() {
        if quoted {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => quoted = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => quoted = true,
            b'<' => angle += 1,
            b'>' => angle = angle.saturating_sub(1),
            b if Some(b) == sep && angle == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

/// Splits `s` before the first char matching `f`; the second part keeps that char.
pub(crate) fn split_at_first(s: &str, f: impl Fn(char) -> bool) -> (&str, &str) {
    match s.find(f) {
        Some(i) => s.split_at(i),
        None => (s, ""),
    }
}

/// Parses a decimal number made of ASCII digits only (no sign, no spaces). One parser, of
/// the widest type, then a range check: a parser per integer type cost the app's wasm a
/// copy each.
pub(crate) fn digits<T: TryFrom<u128>>(s: &str) -> Option<T> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    T::try_from(s.parse::<u128>().ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_strings_round_trip() {
        let q = quote(r#"a "b" \c"#);
        assert_eq!(q, r#""a \"b\" \\c""#);
        assert_eq!(unquote(&q).unwrap(), (r#"a "b" \c"#.to_owned(), ""));
        assert!(unquote("\"open").is_err());
        assert!(unquote("\"x\\").is_err());
        assert_eq!(quote("a\u{7}\r\nb"), "\"a\\\u{7}  b\"");
    }

    #[test]
    fn split_respects_quotes_and_angles() {
        let parts = split_top(r#""a,b" <sip:x;p=1,2>, c"#, ',');
        assert_eq!(parts, vec![r#""a,b" <sip:x;p=1,2>"#, " c"]);
    }

    /// What `digits` did before it parsed through `u128`: each type's own parser.
    fn own_parser<T: core::str::FromStr>(s: &str) -> Option<T> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    }

    #[test]
    fn digits_parse_as_each_types_own_parser() {
        let mut inputs: Vec<String> = ["", "0", "00", "+1", "-1", " 1", "1 ", "1a", "٣"]
            .map(str::to_owned)
            .to_vec();
        for n in [
            u128::from(u8::MAX),
            u128::from(u16::MAX),
            u128::from(u32::MAX),
        ]
        .into_iter()
        .chain([u128::from(u64::MAX), u128::MAX])
        {
            for d in [n - 1, n, n.saturating_add(1)] {
                inputs.push(d.to_string());
                inputs.push(format!("000{d}"));
            }
        }
        inputs.push(format!("{}0", u128::MAX));
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..3000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = 1 + (x % 45) as usize;
            inputs.push(
                (0..len)
                    .map(|i| char::from(b'0' + ((x >> (i % 60)) % 10) as u8))
                    .collect(),
            );
        }
        for s in &inputs {
            assert_eq!(digits::<u8>(s), own_parser::<u8>(s), "{s}");
            assert_eq!(digits::<u16>(s), own_parser::<u16>(s), "{s}");
            assert_eq!(digits::<u32>(s), own_parser::<u32>(s), "{s}");
            assert_eq!(digits::<u64>(s), own_parser::<u64>(s), "{s}");
            assert_eq!(digits::<usize>(s), own_parser::<usize>(s), "{s}");
            assert_eq!(digits::<u128>(s), own_parser::<u128>(s), "{s}");
        }
    }

    #[test]
    fn cut_stays_on_char_boundary() {
        assert_eq!(cut("héllo", 2), "h");
        assert_eq!(cut("abc", 10), "abc");
    }
}
