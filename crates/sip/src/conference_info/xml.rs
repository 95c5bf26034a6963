//! Just enough XML for conference-info bodies: a pull reader of tags, text and references
//! over a `&str`, and the escaping that goes with it. What a general XML crate adds
//! (encodings, namespaces resolved, DTDs, a serde layer) this body never needs, and it cost
//! the app's WebAssembly several kilobytes. Like quick-xml at its defaults: end tags must
//! match, `&` must end in `;`, comments, CDATA, declarations and DOCTYPEs are skipped, and
//! an element left open at the end is not an error.

/// Why a body is not well-formed XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum XmlError {
    /// A tag, comment, CDATA section, declaration or DOCTYPE runs to the end of the body.
    #[error("markup not closed")]
    UnclosedMarkup,
    /// `&` with no `;` before the next markup.
    #[error("entity or character reference not closed")]
    UnclosedReference,
    /// An end tag that does not close the element open there.
    #[error("end tag does not match the open element")]
    MismatchedEndTag,
}

/// One piece of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Token<'a> {
    /// `<name attributes>`, or `<name attributes/>` when `empty`.
    Start {
        name: &'a str,
        attributes: &'a str,
        empty: bool,
    },
    /// `</name>`.
    End(&'a str),
    /// Text between markup, as written (references apart).
    Text(&'a str),
    /// `&name;` in text: the name.
    Ref(&'a str),
}

/// Reads tokens in document order.
pub(super) struct Reader<'a> {
    text: &'a str,
    at: usize,
    open: Vec<&'a str>,
}

impl<'a> Reader<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Self {
            text: text.strip_prefix('\u{feff}').unwrap_or(text),
            at: 0,
            open: Vec::new(),
        }
    }

    /// Where the reader is, in bytes (after a byte-order mark).
    pub(super) fn offset(&self) -> usize {
        self.at
    }

    fn rest(&self) -> &'a str {
        &self.text[self.at..]
    }

    /// Skips past the first `end` after `from` bytes.
    fn skip_past(&mut self, from: usize, end: &str) -> Result<(), XmlError> {
        let found = self.rest()[from..]
            .find(end)
            .ok_or(XmlError::UnclosedMarkup)?;
        self.at += from + found + end.len();
        Ok(())
    }

    /// The next token, `None` at the end.
    pub(super) fn next(&mut self) -> Result<Option<Token<'a>>, XmlError> {
        loop {
            let rest = self.rest();
            if rest.is_empty() {
                return Ok(None);
            }
            if let Some(reference) = rest.strip_prefix('&') {
                let len = reference
                    .find([';', '<', '&'])
                    .filter(|&i| reference.as_bytes()[i] == b';')
                    .ok_or(XmlError::UnclosedReference)?;
                self.at += len + 2;
                return Ok(Some(Token::Ref(&reference[..len])));
            }
            if !rest.starts_with('<') {
                let len = rest.find(['<', '&']).unwrap_or(rest.len());
                self.at += len;
                return Ok(Some(Token::Text(&rest[..len])));
            }
            if rest.starts_with("<!--") {
                self.skip_past(4, "-->")?;
            } else if rest.starts_with("<![CDATA[") {
                self.skip_past(9, "]]>")?;
            } else if rest.starts_with("<?") {
                self.skip_past(2, "?>")?;
            } else if rest.starts_with("<!") {
                self.skip_declaration()?;
            } else if let Some(name) = rest.strip_prefix("</") {
                let len = name.find('>').ok_or(XmlError::UnclosedMarkup)?;
                let name = name[..len].trim_end_matches([' ', '\t', '\r', '\n']);
                if self.open.pop() != Some(name) {
                    return Err(XmlError::MismatchedEndTag);
                }
                self.at += len + 3;
                return Ok(Some(Token::End(name)));
            } else {
                return self.start().map(Some);
            }
        }
    }

    /// `<!DOCTYPE ...>`, with its internal subset in brackets.
    fn skip_declaration(&mut self) -> Result<(), XmlError> {
        let mut depth = 0usize;
        for (i, b) in self.rest().bytes().enumerate() {
            match b {
                b'[' => depth += 1,
                b']' => depth = depth.saturating_sub(1),
                b'>' if depth == 0 => {
                    self.at += i + 1;
                    return Ok(());
                }
                _ => {}
            }
        }
        Err(XmlError::UnclosedMarkup)
    }

    /// At `<` of a start tag: to its `>`, over quoted attribute values.
    fn start(&mut self) -> Result<Token<'a>, XmlError> {
        let rest = self.rest();
        let mut quote = None;
        let end = rest
            .bytes()
            .enumerate()
            .skip(1)
            .find(|&(_, b)| match quote {
                Some(q) if b == q => {
                    quote = None;
                    false
                }
                Some(_) => false,
                None if b == b'"' || b == b'\'' => {
                    quote = Some(b);
                    false
                }
                None => b == b'>',
            })
            .ok_or(XmlError::UnclosedMarkup)?
            .0;
        self.at += end + 1;
        let inner = &rest[1..end];
        let (inner, empty) = match inner.strip_suffix('/') {
            Some(inner) => (inner, true),
            None => (inner, false),
        };
        // `<>` is an element with an empty name, as quick-xml reads it.
        let name_len = inner.find(is_space).unwrap_or(inner.len());
        let name = &inner[..name_len];
        if !empty {
            self.open.push(name);
        }
        Ok(Token::Start {
            name,
            attributes: &inner[name_len..],
            empty,
        })
    }
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// The name after any namespace prefix: `ci:user` is `user`.
pub(super) fn local_name(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, local)| local)
}

/// The unescaped value of the first attribute whose local name is `local`; `None` when
/// there is none or its value holds an unknown reference. Reading stops at the first
/// attribute that is not `name="value"` or `name='value'`.
pub(super) fn attribute(attributes: &str, local: &str) -> Option<String> {
    let mut rest = attributes;
    loop {
        rest = rest.trim_start_matches(is_space);
        let eq = rest.find('=')?;
        let name = rest[..eq].trim_end_matches(is_space);
        if name.is_empty() || name.contains(is_space) {
            return None;
        }
        let value = rest[eq + 1..].trim_start_matches(is_space);
        let quote = value.chars().next().filter(|q| matches!(q, '"' | '\''))?;
        let len = value[1..].find(quote)?;
        if local_name(name) == local {
            return unescape(&value[1..=len]);
        }
        rest = &value[len + 2..];
    }
}

/// Text with its references resolved; `None` for an unknown or unclosed one.
fn unescape(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let len = rest[amp + 1..].find(';')?;
        out.push(resolve(&rest[amp + 1..amp + 1 + len])?);
        rest = &rest[amp + len + 2..];
    }
    out.push_str(rest);
    Some(out)
}

/// The character a reference names: the five predefined entities and `#N` / `#xH`
/// character references (not NUL, not a surrogate).
pub(super) fn resolve(name: &str) -> Option<char> {
    let code = match name {
        "lt" => return Some('<'),
        "gt" => return Some('>'),
        "amp" => return Some('&'),
        "apos" => return Some('\''),
        "quot" => return Some('"'),
        _ => {
            let number = name.strip_prefix('#')?;
            let (digits, radix) = match number.strip_prefix('x') {
                Some(hex) => (hex, 16),
                None => (number, 10),
            };
            if digits.starts_with(['+', '-']) {
                return None;
            }
            u32::from_str_radix(digits, radix).ok()?
        }
    };
    char::from_u32(code).filter(|&c| c != '\0')
}

/// `s` as XML text or an attribute value (either quote).
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&apos;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(xml: &str) -> Result<Vec<Token<'_>>, XmlError> {
        let mut reader = Reader::new(xml);
        let mut out = Vec::new();
        while let Some(t) = reader.next()? {
            out.push(t);
        }
        Ok(out)
    }

    #[test]
    fn reads_tags_text_and_references() {
        let xml = "\u{feff}<?xml version='1.0'?><!DOCTYPE c [<!ENTITY x 'y'>]><!-- a > b -->\
                   <ci:c a='1>2' b=\"x\"><d/>t&lt;u<![CDATA[<no>]]></ci:c >";
        assert_eq!(
            tokens(xml).unwrap(),
            [
                Token::Start {
                    name: "ci:c",
                    attributes: " a='1>2' b=\"x\"",
                    empty: false
                },
                Token::Start {
                    name: "d",
                    attributes: "",
                    empty: true
                },
                Token::Text("t"),
                Token::Ref("lt"),
                Token::Text("u"),
                Token::End("ci:c"),
            ]
        );
    }

    #[test]
    fn refuses_what_is_not_well_formed() {
        assert_eq!(tokens("<a></b>"), Err(XmlError::MismatchedEndTag));
        assert_eq!(tokens("</a>"), Err(XmlError::MismatchedEndTag));
        assert_eq!(tokens("<a>x & y</a>"), Err(XmlError::UnclosedReference));
        assert_eq!(tokens("<a>&amp"), Err(XmlError::UnclosedReference));
        assert_eq!(tokens("<a b='>"), Err(XmlError::UnclosedMarkup));
        assert_eq!(tokens("<!-- x"), Err(XmlError::UnclosedMarkup));
        assert!(tokens("<a><b>").is_ok());
    }

    #[test]
    fn attributes_by_local_name_unescaped() {
        let a = " x:entity='sip:a@b' state = \"p&amp;q&#x41;&#66;\" bad=&lt;";
        assert_eq!(attribute(a, "entity").as_deref(), Some("sip:a@b"));
        assert_eq!(attribute(a, "state").as_deref(), Some("p&qAB"));
        assert_eq!(attribute(a, "bad"), None);
        assert_eq!(attribute(" v='&nope;'", "v"), None);
        assert_eq!(attribute(" v='a' v='b'", "v").as_deref(), Some("a"));
        for bad in ["#0", "#xD800", "#+1", "#x", "nbsp"] {
            assert_eq!(resolve(bad), None, "{bad}");
        }
    }

    #[test]
    fn escaping_round_trips() {
        let s = "<a href=\"x\">'&'</a> é";
        let xml = format!("<t v='{}'>{}</t>", escape(s), escape(s));
        let mut r = Reader::new(&xml);
        let Some(Token::Start { attributes, .. }) = r.next().unwrap() else {
            panic!("no start tag")
        };
        assert_eq!(attribute(attributes, "v").as_deref(), Some(s));
        let mut text = String::new();
        while let Some(t) = r.next().unwrap() {
            match t {
                Token::Text(t) => text.push_str(t),
                Token::Ref(name) => text.push(resolve(name).unwrap()),
                _ => {}
            }
        }
        assert_eq!(text, s);
    }
}
