//! The conference event package body (RFC 4575 `application/conference-info+xml`): the focus
//! tells every subscribed participant who is in the conference.

mod xml;

use std::fmt::Write;

pub use xml::XmlError;
use xml::{attribute, escape, local_name, resolve, Reader, Token};

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
    /// Whether this element is the user's whole state, a change to merge, or its removal.
    pub state: ElementState,
}

/// The `state` attribute of a document or a `<user>` (RFC 4575 §5.1, §5.6).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ElementState {
    /// The whole state: replaces what was known.
    #[default]
    Full,
    /// Only what changed: merged into what was known.
    Partial,
    /// The element is gone (users only).
    Deleted,
}

impl ElementState {
    /// The attribute's token.
    pub fn token(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Partial => "partial",
            Self::Deleted => "deleted",
        }
    }

    /// The state a token names; an absent or unknown one is `full`, the default of the schema.
    pub fn from_token(token: Option<&str>) -> Self {
        match token {
            Some("partial") => Self::Partial,
            Some("deleted") => Self::Deleted,
            _ => Self::Full,
        }
    }
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

/// Why a conference-info document was not applied to the state held (RFC 4575 §4.1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UpdateError {
    /// Its version is not newer than the state held: a late or repeated NOTIFY.
    #[error("conference-info version {got} is not newer than {have}")]
    Stale {
        /// The version of the state held.
        have: u32,
        /// The version received.
        got: u32,
    },
    /// Partial state with no full state to merge it into.
    #[error("partial conference-info before any full state")]
    NoFullState,
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
        offset: usize,
        /// What is wrong there.
        reason: XmlError,
    },
    /// No `<conference-info>` root, or a required attribute missing.
    #[error("conference-info: {0}")]
    Invalid(&'static str),
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
                "  <user entity=\"{}\" state=\"{}\">",
                escape(&u.entity),
                u.state.token()
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

    /// The state after `update`, a newer document of the same subscription, given the state
    /// held (`None` before the first): RFC 4575 §4.1 says discard a version not newer than
    /// the one held; full state replaces, partial state merges users by entity, and a user
    /// marked `deleted` is removed. A gap in versions (a NOTIFY lost) is merged all the same:
    /// the next full state puts it right.
    pub fn next(held: Option<&Self>, update: Self) -> Result<Self, UpdateError> {
        if let Some(have) = held.map(|h| h.version).filter(|v| update.version <= *v) {
            return Err(UpdateError::Stale {
                have,
                got: update.version,
            });
        }
        let mut users = match (held, update.full) {
            (_, true) => Vec::new(),
            (Some(h), false) => h.users.clone(),
            (None, false) => return Err(UpdateError::NoFullState),
        };
        for u in update.users {
            let at = users.iter().position(|k| k.entity == u.entity);
            match (u.state, at) {
                (ElementState::Deleted, Some(i)) => {
                    users.remove(i);
                }
                (ElementState::Deleted, None) => {}
                (ElementState::Partial, Some(i)) => {
                    let known = &mut users[i];
                    if u.display.is_some() {
                        known.display = u.display;
                    }
                    if !u.status.is_empty() {
                        known.status = u.status;
                    }
                }
                (_, Some(i)) => {
                    users[i] = ConferenceUser {
                        state: ElementState::Full,
                        ..u
                    }
                }
                // Partial documents must not grow the list past what one full one may hold.
                (_, None) if users.len() >= MAX_USERS => {}
                (_, None) => users.push(ConferenceUser {
                    state: ElementState::Full,
                    ..u
                }),
            }
        }
        Ok(Self {
            entity: update.entity,
            version: update.version,
            full: true,
            users,
        })
    }

    /// Parses a body; unknown elements are skipped.
    pub fn parse(xml: &str) -> Result<Self, ConferenceInfoError> {
        if xml.len() > MAX_BYTES {
            return Err(ConferenceInfoError::TooLarge(xml.len()));
        }
        let mut reader = Reader::new(xml);
        let mut info: Option<Self> = None;
        let mut user: Option<ConferenceUser> = None;
        let mut text_of: Option<&'static str> = None;
        let mut text = String::new();
        // Local names of the elements from the root down to the current one.
        let mut path: Vec<&str> = Vec::new();
        loop {
            let token = reader.next().map_err(|reason| ConferenceInfoError::Xml {
                offset: reader.offset(),
                reason,
            })?;
            match token {
                Some(Token::Start {
                    name,
                    attributes,
                    empty,
                }) => {
                    let parent = path.last().copied().unwrap_or_default();
                    let name = local_name(name);
                    if !empty {
                        if path.len() >= MAX_DEPTH {
                            return Err(ConferenceInfoError::Invalid("nested too deep"));
                        }
                        path.push(name);
                    }
                    let attr = |name: &str| attribute(attributes, name);
                    match name {
                        "conference-info" => {
                            info = Some(Self {
                                entity: attr("entity")
                                    .ok_or(ConferenceInfoError::Invalid("no entity"))?,
                                version: attr("version")
                                    .and_then(|v| v.parse().ok())
                                    .ok_or(ConferenceInfoError::Invalid("no version"))?,
                                full: attr("state").as_deref() != Some("partial"),
                                users: Vec::new(),
                            });
                        }
                        "user" => {
                            user = Some(ConferenceUser {
                                entity: attr("entity")
                                    .ok_or(ConferenceInfoError::Invalid("user without entity"))?,
                                display: None,
                                status: String::new(),
                                state: ElementState::from_token(attr("state").as_deref()),
                            });
                        }
                        // RFC 4575: the user's own name, not an endpoint's or media's.
                        "display-text" if parent == "user" => {
                            text_of = Some("display");
                            text.clear();
                        }
                        // The first endpoint's status, not a media stream's.
                        "status"
                            if parent == "endpoint"
                                && user.as_ref().is_some_and(|u| u.status.is_empty()) =>
                        {
                            text_of = Some("status");
                            text.clear();
                        }
                        _ => {}
                    }
                }
                Some(Token::Text(t)) if text_of.is_some() => text.push_str(t),
                Some(Token::Ref(name)) if text_of.is_some() => {
                    text.push(resolve(name).ok_or(ConferenceInfoError::Invalid("unknown entity"))?);
                }
                Some(Token::End(name)) => {
                    path.pop();
                    if let (Some(which), Some(u)) = (text_of.take(), user.as_mut()) {
                        let value = std::mem::take(&mut text).trim().to_owned();
                        match which {
                            "display" => u.display = Some(value),
                            _ => u.status = value,
                        }
                    }
                    if local_name(name) == "user" {
                        let (Some(i), Some(u)) = (info.as_mut(), user.take()) else {
                            continue;
                        };
                        if i.users.len() >= MAX_USERS {
                            return Err(ConferenceInfoError::TooManyUsers);
                        }
                        i.users.push(u);
                    }
                }
                None => break,
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
                    state: ElementState::Full,
                },
                ConferenceUser {
                    entity: "sip:1003@127.0.0.1".into(),
                    display: None,
                    status: "dialing-out".into(),
                    state: ElementState::Full,
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

    fn doc(version: u32, state: &str, users: &str) -> ConferenceInfo {
        let xml = format!(
            "<conference-info entity='sip:c@x' state='{state}' version='{version}'><users>{users}</users></conference-info>"
        );
        ConferenceInfo::parse(&xml).unwrap()
    }

    fn user(entity: &str, state: &str, status: &str) -> String {
        format!("<user entity='{entity}' state='{state}'><endpoint><status>{status}</status></endpoint></user>")
    }

    fn statuses(info: &ConferenceInfo) -> Vec<(&str, &str)> {
        info.users
            .iter()
            .map(|u| (u.entity.as_str(), u.status.as_str()))
            .collect()
    }

    #[test]
    fn a_version_not_newer_is_stale() {
        let full = doc(4, "full", &user("sip:a@x", "full", "connected"));
        let held = ConferenceInfo::next(None, full).unwrap();
        for got in [3, 4] {
            let late = doc(got, "full", "");
            assert_eq!(
                ConferenceInfo::next(Some(&held), late),
                Err(UpdateError::Stale { have: 4, got })
            );
        }
        let newer = ConferenceInfo::next(Some(&held), doc(9, "full", "")).unwrap();
        assert_eq!((newer.version, newer.users.len()), (9, 0));
    }

    #[test]
    fn partial_state_merges_by_entity_and_deleted_removes() {
        let users = [
            user("sip:a@x", "full", "connected"),
            user("sip:b@x", "full", "alerting"),
        ]
        .concat();
        let held = ConferenceInfo::next(None, doc(1, "full", &users)).unwrap();
        let change = [
            user("sip:b@x", "partial", "on-hold"),
            user("sip:a@x", "deleted", ""),
            user("sip:c@x", "full", "dialing-out"),
        ]
        .concat();
        let now = ConferenceInfo::next(Some(&held), doc(2, "partial", &change)).unwrap();
        assert_eq!(
            statuses(&now),
            [("sip:b@x", "on-hold"), ("sip:c@x", "dialing-out")]
        );
        assert!(now.full && now.users.iter().all(|u| u.state == ElementState::Full));
        let reparsed = ConferenceInfo::parse(&now.to_xml()).unwrap();
        assert_eq!(reparsed, now);
        assert_eq!(
            ConferenceInfo::next(None, doc(1, "partial", &change)),
            Err(UpdateError::NoFullState)
        );
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
