//! Session descriptions (RFC 8866): a small strict model with a parser and a printer that
//! round-trip, and the few helpers offer/answer and hold need (RFC 3264, RFC 6337).
//!
//! Known line types are checked for order and syntax; attributes are kept as `name[:value]`
//! in their order, so whatever the stack does not read passes through unchanged.

mod error;
mod parse;

use core::fmt;
use core::str::FromStr;

pub use error::SdpError;

/// Largest description accepted, in bytes.
pub const MAX_BYTES: usize = 32 * 1024;
/// Most lines accepted.
pub const MAX_LINES: usize = 1024;
/// Most media descriptions accepted.
pub const MAX_MEDIA: usize = 32;

/// A session description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionDescription {
    /// `o=`.
    pub origin: Origin,
    /// `s=`.
    pub session_name: String,
    /// `i=`.
    pub info: Option<String>,
    /// `u=`.
    pub uri: Option<String>,
    /// `e=` lines.
    pub emails: Vec<String>,
    /// `p=` lines.
    pub phones: Vec<String>,
    /// The session-level `c=`.
    pub connection: Option<Connection>,
    /// `b=` lines, raw.
    pub bandwidths: Vec<String>,
    /// `t=` lines with their `r=` lines; at least one.
    pub times: Vec<Timing>,
    /// `z=`, raw.
    pub zone: Option<String>,
    /// `k=`, raw (obsolete, kept to round-trip).
    pub key: Option<String>,
    /// Session-level `a=` lines, in order.
    pub attributes: Vec<Attribute>,
    /// `m=` sections, in order.
    pub media: Vec<Media>,
}

/// `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// `-` when there is none.
    pub username: String,
    /// A numeric string, kept as text (Chrome's are 19 digits).
    pub session_id: String,
    /// Incremented on each new offer (RFC 3264 §8).
    pub session_version: u64,
    /// `IN`.
    pub net_type: String,
    /// `IP4` or `IP6`.
    pub addr_type: String,
    /// The address.
    pub address: String,
}

/// `c=<nettype> <addrtype> <connection-address>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// `IN`.
    pub net_type: String,
    /// `IP4` or `IP6`.
    pub addr_type: String,
    /// The address (with `/ttl` or `/count` for multicast, as received).
    pub address: String,
}

/// `t=<start> <stop>` and its `r=` lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timing {
    /// NTP start time; 0 for unbounded.
    pub start: u64,
    /// NTP stop time; 0 for unbounded.
    pub stop: u64,
    /// `r=` lines, raw.
    pub repeats: Vec<String>,
}

/// `a=<name>[:<value>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The attribute name (a token).
    pub name: String,
    /// The value after `:`, if any.
    pub value: Option<String>,
}

/// One media description: the `m=` line and the lines under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// `audio`, `video`, `application`, ...
    pub kind: String,
    /// The transport port; 0 rejects or disables the stream (RFC 3264 §6).
    pub port: u16,
    /// The `/<number of ports>` after the port.
    pub port_count: Option<u16>,
    /// `RTP/AVP`, `UDP/TLS/RTP/SAVPF`, ...
    pub proto: String,
    /// Media formats (RTP payload types for RTP protocols).
    pub formats: Vec<String>,
    /// `i=`.
    pub info: Option<String>,
    /// `c=` lines.
    pub connections: Vec<Connection>,
    /// `b=` lines, raw.
    pub bandwidths: Vec<String>,
    /// `k=`, raw.
    pub key: Option<String>,
    /// `a=` lines, in order.
    pub attributes: Vec<Attribute>,
}

/// The stream direction attributes (RFC 8866 §6.7, RFC 3264 §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// `a=sendrecv`, the default.
    SendRecv,
    /// `a=sendonly`: what a UA offers to put the other side on hold (RFC 6337 §5.3).
    SendOnly,
    /// `a=recvonly`.
    RecvOnly,
    /// `a=inactive`.
    Inactive,
}

impl Direction {
    /// The attribute name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SendRecv => "sendrecv",
            Self::SendOnly => "sendonly",
            Self::RecvOnly => "recvonly",
            Self::Inactive => "inactive",
        }
    }

    /// The direction named by an attribute, if it is one.
    pub fn from_attribute(name: &str) -> Option<Self> {
        Some(match name {
            "sendrecv" => Self::SendRecv,
            "sendonly" => Self::SendOnly,
            "recvonly" => Self::RecvOnly,
            "inactive" => Self::Inactive,
            _ => return None,
        })
    }

    /// The direction an answer takes for this offered one, when the answerer is willing to
    /// do everything offered (RFC 3264 §6.1).
    pub fn answer(self) -> Self {
        match self {
            Self::SendOnly => Self::RecvOnly,
            Self::RecvOnly => Self::SendOnly,
            d => d,
        }
    }

    /// Whether media flows towards whoever wrote this direction.
    pub fn receives(self) -> bool {
        matches!(self, Self::SendRecv | Self::RecvOnly)
    }

    /// Whether whoever wrote this direction sends media.
    pub fn sends(self) -> bool {
        matches!(self, Self::SendRecv | Self::SendOnly)
    }
}

/// A codec from the format list and its `a=rtpmap` (RFC 8866 §6.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Codec {
    /// The RTP payload type.
    pub payload_type: u8,
    /// The encoding name as written (`opus`, `PCMU`, `telephone-event`).
    pub name: String,
    /// The clock rate in Hz.
    pub clock_rate: u32,
    /// The channel count for audio, if given.
    pub channels: Option<u16>,
}

/// Codecs of static payload types that need no rtpmap (RFC 3551 table 4).
fn static_codec(pt: u8) -> Option<(&'static str, u32)> {
    Some(match pt {
        0 => ("PCMU", 8000),
        3 => ("GSM", 8000),
        4 => ("G723", 8000),
        8 => ("PCMA", 8000),
        9 => ("G722", 8000),
        13 => ("CN", 8000),
        18 => ("G729", 8000),
        _ => return None,
    })
}

fn find<'a>(attrs: &'a [Attribute], name: &str) -> Option<&'a Attribute> {
    attrs.iter().find(|a| a.name == name)
}

fn direction_of(attrs: &[Attribute]) -> Option<Direction> {
    attrs
        .iter()
        .find_map(|a| Direction::from_attribute(&a.name))
}

/// Replaces the direction attribute in place, or appends one.
fn set_direction_in(attrs: &mut Vec<Attribute>, d: Direction) {
    let new = Attribute::flag(d.as_str());
    match attrs
        .iter()
        .position(|a| Direction::from_attribute(&a.name).is_some())
    {
        Some(i) => {
            attrs[i] = new;
            let mut n = 0;
            attrs.retain(|a| {
                n += 1;
                n - 1 <= i || Direction::from_attribute(&a.name).is_none()
            });
        }
        None => attrs.push(new),
    }
}

impl Attribute {
    /// A property attribute such as `a=sendonly`.
    pub fn flag(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            value: None,
        }
    }

    /// A value attribute such as `a=mid:0`.
    pub fn value(name: &str, value: &str) -> Self {
        Self {
            name: name.to_owned(),
            value: Some(value.to_owned()),
        }
    }
}

impl SessionDescription {
    /// Parses a description (CRLF or bare LF line ends).
    pub fn parse(bytes: &[u8]) -> Result<Self, SdpError> {
        parse::parse(bytes)
    }

    /// The first session-level attribute `name`.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        find(&self.attributes, name)
    }

    /// The session-level direction attribute, if any.
    pub fn direction(&self) -> Option<Direction> {
        direction_of(&self.attributes)
    }

    /// Sets the session-level direction, replacing any there.
    pub fn set_direction(&mut self, d: Direction) {
        set_direction_in(&mut self.attributes, d);
    }

    /// The direction that applies to media `i`: its own, else the session's, else sendrecv.
    pub fn media_direction(&self, i: usize) -> Option<Direction> {
        let m = self.media.get(i)?;
        Some(
            m.direction()
                .or_else(|| self.direction())
                .unwrap_or(Direction::SendRecv),
        )
    }

    /// Puts `d` on every media description and removes a session-level direction, so no
    /// stream is left with an inherited one (RFC 6337 §5.3 hold and resume).
    pub fn set_all_directions(&mut self, d: Direction) {
        self.attributes
            .retain(|a| Direction::from_attribute(&a.name).is_none());
        for m in &mut self.media {
            m.set_direction(d);
        }
    }

    /// The address media `i` is sent to: its own `c=`, else the session's.
    pub fn connection_address(&self, i: usize) -> Option<&str> {
        let m = self.media.get(i)?;
        m.connections
            .first()
            .or(self.connection.as_ref())
            .map(|c| c.address.as_str())
    }

    /// `a=ice-ufrag` and `a=ice-pwd` for media `i`: its own, else the session's (RFC 8839).
    pub fn ice_credentials(&self, i: usize) -> Option<(&str, &str)> {
        let m = self.media.get(i)?;
        let get = |name| {
            m.attribute(name)
                .or_else(|| self.attribute(name))
                .and_then(|a| a.value.as_deref())
        };
        Some((get("ice-ufrag")?, get("ice-pwd")?))
    }

    /// The wire form, CRLF line ends.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.to_string().into_bytes()
    }
}

impl Media {
    /// The first attribute `name`.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        find(&self.attributes, name)
    }

    /// This media's own direction attribute, if any.
    pub fn direction(&self) -> Option<Direction> {
        direction_of(&self.attributes)
    }

    /// Sets this media's direction, replacing any there.
    pub fn set_direction(&mut self, d: Direction) {
        set_direction_in(&mut self.attributes, d);
    }

    /// Whether the port is 0 (a rejected or removed stream).
    pub fn is_rejected(&self) -> bool {
        self.port == 0
    }

    /// The codecs in the order of the format list (preference order, RFC 3264 §5.1): each
    /// numeric format with its `a=rtpmap`, or a well-known static payload type without one.
    /// Formats with neither are skipped.
    pub fn codecs(&self) -> Vec<Codec> {
        self.formats
            .iter()
            .filter_map(|f| {
                let pt: u8 = f.parse().ok()?;
                let rtpmap = self.attributes.iter().find_map(|a| {
                    let v = a.value.as_deref().filter(|_| a.name == "rtpmap")?;
                    let (p, enc) = v.split_once(' ')?;
                    (p.parse::<u8>().ok()? == pt).then_some(enc)
                });
                if let Some(enc) = rtpmap {
                    let mut it = enc.trim().split('/');
                    let name = it.next().filter(|n| !n.is_empty())?;
                    let clock_rate = it.next()?.parse().ok()?;
                    let channels = match it.next() {
                        Some(c) => Some(c.parse().ok()?),
                        None => None,
                    };
                    return Some(Codec {
                        payload_type: pt,
                        name: name.to_owned(),
                        clock_rate,
                        channels,
                    });
                }
                let (name, clock_rate) = static_codec(pt)?;
                Some(Codec {
                    payload_type: pt,
                    name: name.to_owned(),
                    clock_rate,
                    channels: None,
                })
            })
            .collect()
    }
}

impl FromStr for SessionDescription {
    type Err = SdpError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s.as_bytes())
    }
}

impl fmt::Display for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.net_type, self.addr_type, self.address)
    }
}

impl fmt::Display for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(v) => write!(f, "{}:{v}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

fn line(f: &mut fmt::Formatter<'_>, kind: char, v: &dyn fmt::Display) -> fmt::Result {
    write!(f, "{kind}={v}\r\n")
}

impl fmt::Display for Media {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "m={} {}", self.kind, self.port)?;
        if let Some(n) = self.port_count {
            write!(f, "/{n}")?;
        }
        write!(f, " {}", self.proto)?;
        for fmt in &self.formats {
            write!(f, " {fmt}")?;
        }
        f.write_str("\r\n")?;
        if let Some(i) = &self.info {
            line(f, 'i', i)?;
        }
        for c in &self.connections {
            line(f, 'c', c)?;
        }
        for b in &self.bandwidths {
            line(f, 'b', b)?;
        }
        if let Some(k) = &self.key {
            line(f, 'k', k)?;
        }
        for a in &self.attributes {
            line(f, 'a', a)?;
        }
        Ok(())
    }
}

/// Prints the lines in RFC 8866 §5 order with CRLF ends.
impl fmt::Display for SessionDescription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let o = &self.origin;
        line(f, 'v', &0)?;
        line(
            f,
            'o',
            &format_args!(
                "{} {} {} {} {} {}",
                o.username, o.session_id, o.session_version, o.net_type, o.addr_type, o.address
            ),
        )?;
        line(f, 's', &self.session_name)?;
        if let Some(i) = &self.info {
            line(f, 'i', i)?;
        }
        if let Some(u) = &self.uri {
            line(f, 'u', u)?;
        }
        for e in &self.emails {
            line(f, 'e', e)?;
        }
        for p in &self.phones {
            line(f, 'p', p)?;
        }
        if let Some(c) = &self.connection {
            line(f, 'c', c)?;
        }
        for b in &self.bandwidths {
            line(f, 'b', b)?;
        }
        for t in &self.times {
            line(f, 't', &format_args!("{} {}", t.start, t.stop))?;
            for r in &t.repeats {
                line(f, 'r', r)?;
            }
        }
        if let Some(z) = &self.zone {
            line(f, 'z', z)?;
        }
        if let Some(k) = &self.key {
            line(f, 'k', k)?;
        }
        for a in &self.attributes {
            line(f, 'a', a)?;
        }
        for m in &self.media {
            m.fmt(f)?;
        }
        Ok(())
    }
}
