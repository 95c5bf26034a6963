//! The SDP parser: one pass over the lines, checking the RFC 8866 §5 order.

use super::{
    Attribute, Connection, Media, Origin, SdpError, SessionDescription, Timing, MAX_BYTES,
    MAX_LINES, MAX_MEDIA,
};
use crate::parse::text::{digits, is_token};

/// Where a line type may appear in the session part: its rank, and whether it may repeat.
fn session_rank(kind: char) -> Option<(u8, bool)> {
    Some(match kind {
        'v' => (0, false),
        'o' => (1, false),
        's' => (2, false),
        'i' => (3, false),
        'u' => (4, false),
        'e' => (5, true),
        'p' => (6, true),
        'c' => (7, false),
        'b' => (8, true),
        't' | 'r' => (9, true),
        'z' => (10, false),
        'k' => (11, false),
        'a' => (12, true),
        _ => return None,
    })
}

/// The same for the lines under an `m=`.
fn media_rank(kind: char) -> Option<(u8, bool)> {
    Some(match kind {
        'm' => (0, false),
        'i' => (1, false),
        'c' => (2, true),
        'b' => (3, true),
        'k' => (4, false),
        'a' => (5, true),
        _ => return None,
    })
}

fn connection(v: &str) -> Result<Connection, &'static str> {
    let mut it = v.split(' ');
    match (it.next(), it.next(), it.next(), it.next()) {
        (Some(n), Some(t), Some(a), None) if is_token(n) && is_token(t) && !a.is_empty() => {
            Ok(Connection {
                net_type: n.to_owned(),
                addr_type: t.to_owned(),
                address: a.to_owned(),
            })
        }
        _ => Err("c= is not `<nettype> <addrtype> <address>`"),
    }
}

fn origin(v: &str) -> Result<Origin, &'static str> {
    let f: Vec<&str> = v.split(' ').collect();
    let [user, id, version, net, addr_type, addr] = f[..] else {
        return Err("o= does not have six fields");
    };
    if user.is_empty() || addr.is_empty() || !is_token(net) || !is_token(addr_type) {
        return Err("o= has an empty or bad field");
    }
    if digits::<u128>(id).is_none() {
        return Err("o= session id is not a number");
    }
    Ok(Origin {
        username: user.to_owned(),
        session_id: id.to_owned(),
        session_version: digits(version).ok_or("o= session version is not a number")?,
        net_type: net.to_owned(),
        addr_type: addr_type.to_owned(),
        address: addr.to_owned(),
    })
}

fn timing(v: &str) -> Result<Timing, &'static str> {
    let bad = "t= is not `<start> <stop>`";
    let (a, b) = v.split_once(' ').ok_or(bad)?;
    Ok(Timing {
        start: digits(a).ok_or(bad)?,
        stop: digits(b).ok_or(bad)?,
        repeats: Vec::new(),
    })
}

fn media(v: &str) -> Result<Media, &'static str> {
    let mut it = v.split(' ');
    let (Some(kind), Some(port), Some(proto)) = (it.next(), it.next(), it.next()) else {
        return Err("m= is not `<media> <port> <proto> <fmt> ...`");
    };
    let formats: Vec<String> = it.map(str::to_owned).collect();
    if !is_token(kind) || proto.is_empty() || formats.is_empty() {
        return Err("m= is not `<media> <port> <proto> <fmt> ...`");
    }
    if !proto.split('/').all(is_token) || !formats.iter().all(|f| is_token(f)) {
        return Err("m= has a bad protocol or format");
    }
    let (port, count) = match port.split_once('/') {
        Some((p, n)) => (p, Some(digits(n).ok_or("m= has a bad port count")?)),
        None => (port, None),
    };
    Ok(Media {
        kind: kind.to_owned(),
        port: digits(port).ok_or("m= has a bad port")?,
        port_count: count,
        proto: proto.to_owned(),
        formats,
        info: None,
        connections: Vec::new(),
        bandwidths: Vec::new(),
        key: None,
        attributes: Vec::new(),
    })
}

fn attribute(v: &str) -> Result<Attribute, &'static str> {
    let (name, value) = match v.split_once(':') {
        Some((n, v)) => (n, Some(v.to_owned())),
        None => (v, None),
    };
    if !is_token(name) {
        return Err("attribute name is not a token");
    }
    Ok(Attribute {
        name: name.to_owned(),
        value,
    })
}

fn raw(v: &str) -> Result<String, &'static str> {
    if v.is_empty() {
        return Err("empty value");
    }
    Ok(v.to_owned())
}

pub(super) fn parse(bytes: &[u8]) -> Result<SessionDescription, SdpError> {
    if bytes.len() > MAX_BYTES {
        return Err(SdpError::TooLarge {
            size: bytes.len(),
            limit: MAX_BYTES,
        });
    }
    let text = core::str::from_utf8(bytes).map_err(|e| SdpError::NotUtf8 {
        offset: e.valid_up_to(),
    })?;
    // One line end after the last line; blank lines are allowed only at the very end.
    let text = text.trim_end_matches(['\r', '\n']);
    let mut sd = SessionDescription {
        origin: Origin {
            username: String::new(),
            session_id: String::new(),
            session_version: 0,
            net_type: String::new(),
            addr_type: String::new(),
            address: String::new(),
        },
        session_name: String::new(),
        info: None,
        uri: None,
        emails: Vec::new(),
        phones: Vec::new(),
        connection: None,
        bandwidths: Vec::new(),
        times: Vec::new(),
        zone: None,
        key: None,
        attributes: Vec::new(),
        media: Vec::new(),
    };
    let (mut seen_v, mut seen_o, mut seen_s) = (false, false, false);
    // The rank of the previous line within the current section, if any.
    let mut prev: Option<(u8, char)> = None;
    for (idx, l) in text.split('\n').enumerate() {
        let n = idx + 1;
        if n > MAX_LINES {
            return Err(SdpError::TooMany {
                what: "lines",
                limit: MAX_LINES,
            });
        }
        let bad = |reason| SdpError::BadLine { line: n, reason };
        let l = l.strip_suffix('\r').unwrap_or(l);
        let b = l.as_bytes();
        if b.len() < 2 || b[1] != b'=' || !b[0].is_ascii_lowercase() {
            return Err(bad("not `<type>=<value>`"));
        }
        if l.bytes().any(|b| b == b'\r' || b == 0) {
            return Err(bad("CR or NUL inside a line"));
        }
        let kind = b[0] as char;
        let v = &l[2..];
        if kind == 'm' {
            if sd.media.len() == MAX_MEDIA {
                return Err(SdpError::TooMany {
                    what: "media descriptions",
                    limit: MAX_MEDIA,
                });
            }
            if sd.times.is_empty() {
                return Err(SdpError::Missing("t="));
            }
            sd.media.push(media(v).map_err(bad)?);
            prev = Some((0, 'm'));
            continue;
        }
        let in_media = !sd.media.is_empty();
        let rank = if in_media {
            media_rank(kind)
        } else {
            session_rank(kind)
        };
        // RFC 8866 §5: a description with a type letter the parser does not know is ignored
        // whole; session-only letters inside a media section are out of order.
        let Some((rank, repeats)) = rank else {
            return Err(match session_rank(kind) {
                Some(_) => SdpError::OutOfOrder { line: n, kind },
                None => bad("unknown line type"),
            });
        };
        if let Some((p, pk)) = prev {
            let dup = p == rank && !repeats;
            let r_after_t = kind == 'r' && !matches!(pk, 't' | 'r');
            if rank < p || dup || r_after_t {
                return Err(SdpError::OutOfOrder { line: n, kind });
            }
        } else if kind != 'v' {
            return Err(SdpError::Missing("v="));
        }
        prev = Some((rank, kind));
        if let Some(m) = sd.media.last_mut() {
            match kind {
                'i' => m.info = Some(raw(v).map_err(bad)?),
                'c' => m.connections.push(connection(v).map_err(bad)?),
                'b' => m.bandwidths.push(raw(v).map_err(bad)?),
                'k' => m.key = Some(raw(v).map_err(bad)?),
                _ => m.attributes.push(attribute(v).map_err(bad)?),
            }
            continue;
        }
        match kind {
            'v' => {
                if v != "0" {
                    return Err(bad("version is not 0"));
                }
                seen_v = true;
            }
            'o' => {
                sd.origin = origin(v).map_err(bad)?;
                seen_o = true;
            }
            's' => {
                sd.session_name = raw(v).map_err(|_| bad("s= is empty"))?;
                seen_s = true;
            }
            'i' => sd.info = Some(raw(v).map_err(bad)?),
            'u' => sd.uri = Some(raw(v).map_err(bad)?),
            'e' => sd.emails.push(raw(v).map_err(bad)?),
            'p' => sd.phones.push(raw(v).map_err(bad)?),
            'c' => sd.connection = Some(connection(v).map_err(bad)?),
            'b' => sd.bandwidths.push(raw(v).map_err(bad)?),
            't' => sd.times.push(timing(v).map_err(bad)?),
            'r' => {
                let r = raw(v).map_err(bad)?;
                if let Some(t) = sd.times.last_mut() {
                    t.repeats.push(r);
                }
            }
            'z' => sd.zone = Some(raw(v).map_err(bad)?),
            'k' => sd.key = Some(raw(v).map_err(bad)?),
            _ => sd.attributes.push(attribute(v).map_err(bad)?),
        }
        if !seen_o && kind != 'v' {
            return Err(SdpError::Missing("o="));
        }
        if !seen_s && !matches!(kind, 'v' | 'o') {
            return Err(SdpError::Missing("s="));
        }
    }
    for (seen, what) in [(seen_v, "v="), (seen_o, "o="), (seen_s, "s=")] {
        if !seen {
            return Err(SdpError::Missing(what));
        }
    }
    if sd.times.is_empty() {
        return Err(SdpError::Missing("t="));
    }
    if sd.connection.is_none() && sd.media.iter().any(|m| m.connections.is_empty()) {
        return Err(SdpError::Missing("c="));
    }
    Ok(sd)
}
