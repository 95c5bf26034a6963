//! The conference event package body (RFC 4575 `application/conference-info+xml`): the focus
//! tells every subscribed participant who is in the conference.

use std::fmt::Write;

use quick_xml::events::Event;
use quick_xml::Reader;

/// The media type of the body.
pub const CONFERENCE_INFO: &str = "application/conference-info+xml";

/// Bodies larger than this are refused (a conference of a few dozen users fits easily).
const MAX_BYTES: usize = 64 * 1024;
/// Users beyond this are refused.
const MAX_USERS: usize = 256;
/// Element nesting beyond this is refused (RFC 4575 documents nest about six deep).
const MAX_DEPTH: usize = 32;

/// One `<user>` of the conference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConferenceUser {
    /// The user's URI (`entity` attribute).
    pub entity: String,
    /// The name to show (`<display-text>`), plain text.
    pub display: Option<String>,
    /// The endpoint status (`connected`, `on-hold`, `dialing-out`, `alerting`,
    /// `disconnected`...).
    pub status: String,
}

/// A `<conference-info>` document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConferenceInfo {
    /// The conference URI.
    pub entity: String,
    /// Increases with every NOTIFY.
    pub version: u32,
    /// `full` state (true) or `partial`.
    pub full: bool,
    /// The users.
    pub users: Vec<ConferenceUser>,
}

/// Why a conference-info body was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConferenceInfoError {
    /// Larger than the limit.
    #[error("conference-info body of {0} bytes is over the limit")]
    TooLarge(usize),
    /// More users than the limit.
    #[error("conference-info lists more than {MAX_USERS} users")]
    TooManyUsers,
    /// Not well-formed XML, at this byte offset.
    #[error("conference-info is not well-formed XML at byte {offset}: {reason}")]
    Xml {
        /// Where.
        offset: u64,
        /// What the XML reader said.
        reason: String,
    },
    /// No `<conference-info>` root, or a required attribute missing.
    #[error("conference-info: {0}")]
    Invalid(&'static str),
}

fn escape(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

impl ConferenceInfo {
    /// The XML text of this document.
    pub fn to_xml(&self) -> String {
        let mut x = String::with_capacity(256 + 160 * self.users.len());
        let state = if self.full { "full" } else { "partial" };
        let _ = write!(
            x,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<conference-info xmlns=\"urn:ietf:params:xml:ns:conference-info\" entity=\"{}\" state=\"{state}\" version=\"{}\">\n <users>\n",
            escape(&self.entity),
            self.version
        );
        for u in &self.users {
            let _ = writeln!(
                x,
                "  <user entity=\"{}\" state=\"full\">",
                escape(&u.entity)
            );
            if let Some(d) = &u.display {
                let _ = writeln!(x, "   <display-text>{}</display-text>", escape(d));
            }
            let _ = write!(
                x,
                "   <endpoint entity=\"{}\">\n    <status>{}</status>\n   </endpoint>\n  </user>\n",
                escape(&u.entity),
                escape(&u.status)
            );
        }
        x.push_str(" </users>\n</conference-info>\n");
        x
    }

    /// Parses a body; unknown elements are skipped.
    pub fn parse(xml: &str) -> Result<Self, ConferenceInfoError> {
        if xml.len() > MAX_BYTES {
            return Err(ConferenceInfoError::TooLarge(xml.len()));
        }
        let mut reader = Reader::from_str(xml);
        let mut info: Option<Self> = None;
        let mut user: Option<ConferenceUser> = None;
        let mut text_of: Option<&'static str> = None;
        let mut text = String::new();
        // Element names from the root down to the current one.
        let mut path: Vec<Vec<u8>> = Vec::new();
        loop {
            let event = reader.read_event().map_err(|e| ConferenceInfoError::Xml {
                offset: reader.buffer_position(),
                reason: e.to_string(),
            })?;
            let opens = matches!(event, Event::Start(_));
            match event {
                Event::Start(e) | Event::Empty(e) => {
                    let parent = path.last().cloned().unwrap_or_default();
                    if opens {
                        if path.len() >= MAX_DEPTH {
                            return Err(ConferenceInfoError::Invalid("nested too deep"));
                        }
                        path.push(e.local_name().as_ref().to_vec());
                    }
                    let attr = |name: &[u8]| -> Option<String> {
                        e.attributes()
                            .flatten()
                            .find(|a| a.key.local_name().as_ref() == name)
                            .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
                    };
                    match e.local_name().as_ref() {
                        b"conference-info" => {
                            info = Some(Self {
                                entity: attr(b"entity")
                                    .ok_or(ConferenceInfoError::Invalid("no entity"))?,
                                version: attr(b"version")
                                    .and_then(|v| v.parse().ok())
                                    .ok_or(ConferenceInfoError::Invalid("no version"))?,
                                full: attr(b"state").as_deref() != Some("partial"),
                                users: Vec::new(),
                            });
                        }
                        b"user" => {
                            user = Some(ConferenceUser {
                                entity: attr(b"entity")
                                    .ok_or(ConferenceInfoError::Invalid("user without entity"))?,
                                display: None,
                                status: String::new(),
                            });
                        }
                        // RFC 4575: the user's own name, not an endpoint's or media's.
                        b"display-text" if parent == b"user" => {
                            text_of = Some("display");
                            text.clear();
                        }
                        // The first endpoint's status, not a media stream's.
                        b"status"
                            if parent == b"endpoint"
                                && user.as_ref().is_some_and(|u| u.status.is_empty()) =>
                        {
                            text_of = Some("status");
                            text.clear();
                        }
                        _ => {}
                    }
                }
                Event::Text(t) if text_of.is_some() => {
                    let raw = t.decode().map_err(|e| ConferenceInfoError::Xml {
                        offset: reader.buffer_position(),
                        reason: e.to_string(),
                    })?;
                    text.push_str(&raw);
                }
                Event::GeneralRef(r) if text_of.is_some() => {
                    // quick-xml reports `&lt;` and friends apart from the text around them.
                    let name = r.decode().map_err(|e| ConferenceInfoError::Xml {
                        offset: reader.buffer_position(),
                        reason: e.to_string(),
                    })?;
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c),
                        _ => quick_xml::escape::resolve_predefined_entity(&name)
                            .and_then(|s| s.chars().next()),
                    };
                    text.push(resolved.ok_or(ConferenceInfoError::Invalid("unknown entity"))?);
                }
                Event::End(e) => {
                    path.pop();
                    if let (Some(which), Some(u)) = (text_of.take(), user.as_mut()) {
                        let value = std::mem::take(&mut text).trim().to_owned();
                        match which {
                            "display" => u.display = Some(value),
                            _ => u.status = value,
                        }
                    }
                    if e.local_name().as_ref() == b"user" {
                        let (Some(i), Some(u)) = (info.as_mut(), user.take()) else {
                            continue;
                        };
                        if i.users.len() >= MAX_USERS {
                            return Err(ConferenceInfoError::TooManyUsers);
                        }
                        i.users.push(u);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        info.ok_or(ConferenceInfoError::Invalid("no <conference-info> root"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ConferenceInfo {
        ConferenceInfo {
            entity: "sip:focus@x.invalid;transport=ws".into(),
            version: 3,
            full: true,
            users: vec![
                ConferenceUser {
                    entity: "sip:1001@127.0.0.1".into(),
                    display: Some("Ana <host> & \"co\"".into()),
                    status: "connected".into(),
                },
                ConferenceUser {
                    entity: "sip:1003@127.0.0.1".into(),
                    display: None,
                    status: "dialing-out".into(),
                },
            ],
        }
    }

    #[test]
    fn round_trips_with_escaping() {
        let info = sample();
        let xml = info.to_xml();
        assert!(xml.contains("&lt;host&gt;"));
        assert_eq!(ConferenceInfo::parse(&xml).unwrap(), info);
    }

    #[test]
    fn takes_the_users_name_and_its_endpoints_status_not_nested_ones() {
        let xml = r#"<conference-info xmlns="urn:ietf:params:xml:ns:conference-info" entity="sip:c@x" state="full" version="1">
 <users><user entity="sip:bob@example.com" state="full">
  <display-text>Bob Hoskins</display-text>
  <endpoint entity="sip:bob@pc33.example.com">
   <display-text>Bob's Laptop</display-text>
   <status>connected</status>
   <media id="1"><type>audio</type><status>sendrecv</status></media>
  </endpoint>
  <endpoint entity="sip:bob@phone"><status>on-hold</status></endpoint>
 </user></users></conference-info>"#;
        let info = ConferenceInfo::parse(xml).unwrap();
        assert_eq!(info.users[0].display.as_deref(), Some("Bob Hoskins"));
        assert_eq!(info.users[0].status, "connected");
        let deep = format!(
            "<conference-info entity='x' version='1'>{}",
            "<a>".repeat(40)
        );
        assert!(ConferenceInfo::parse(&deep).is_err());
    }

    #[test]
    fn refuses_bad_input_with_a_reason() {
        assert!(matches!(
            ConferenceInfo::parse("<conference-info entity='x' version='1'><users><user>"),
            Err(ConferenceInfoError::Invalid(_)) | Err(ConferenceInfoError::Xml { .. })
        ));
        assert!(matches!(
            ConferenceInfo::parse("<other/>"),
            Err(ConferenceInfoError::Invalid(_))
        ));
        assert!(matches!(
            ConferenceInfo::parse(&"x".repeat(70_000)),
            Err(ConferenceInfoError::TooLarge(_))
        ));
        assert!(ConferenceInfo::parse("<conference-info version='1'/>").is_err());
    }
}
