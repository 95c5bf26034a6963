//! The few SDP edits the engine makes itself: the direction attribute for hold and resume
//! (RFC 6337) and the o= version that must grow with every new offer (RFC 3264 §8).

/// A media direction attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// `a=sendrecv`
    SendRecv,
    /// `a=sendonly`: we hold the peer.
    SendOnly,
    /// `a=recvonly`
    RecvOnly,
    /// `a=inactive`
    Inactive,
}

impl Direction {
    fn attr(self) -> &'static str {
        match self {
            Self::SendRecv => "a=sendrecv",
            Self::SendOnly => "a=sendonly",
            Self::RecvOnly => "a=recvonly",
            Self::Inactive => "a=inactive",
        }
    }

    fn from_attr(line: &str) -> Option<Self> {
        match line.trim() {
            "a=sendrecv" => Some(Self::SendRecv),
            "a=sendonly" => Some(Self::SendOnly),
            "a=recvonly" => Some(Self::RecvOnly),
            "a=inactive" => Some(Self::Inactive),
            _ => None,
        }
    }

    /// The answer's direction to an offer with `self` when we do or do not hold the peer
    /// (RFC 3264 §6.1, RFC 6337): we always send unless the peer is inactive or recvonly
    /// would make no sense; we receive only while we do not hold.
    pub(crate) fn answer(self, we_hold: bool) -> Self {
        match (self, we_hold) {
            (Self::SendRecv, false) => Self::SendRecv,
            (Self::SendRecv, true) | (Self::RecvOnly, _) => Self::SendOnly,
            (Self::SendOnly, false) => Self::RecvOnly,
            (Self::SendOnly, true) | (Self::Inactive, _) => Self::Inactive,
        }
    }

    /// Whether an offer with this direction puts the answerer on hold (RFC 6337 §5.3).
    pub(crate) fn holds_answerer(self) -> bool {
        matches!(self, Self::SendOnly | Self::Inactive)
    }
}

/// The direction of the first audio section (else of the session; sendrecv by default).
pub(crate) fn direction(sdp: &str) -> Direction {
    let mut session = None;
    let mut in_media = false;
    for line in sdp.lines() {
        if line.starts_with("m=") {
            if in_media {
                break;
            }
            in_media = true;
            continue;
        }
        if let Some(d) = Direction::from_attr(line) {
            if in_media {
                return d;
            }
            session = Some(d);
        }
    }
    session.unwrap_or(Direction::SendRecv)
}

/// `sdp` with every direction attribute replaced by `dir` (one per media section) and the
/// o= session version set to `version`.
pub(crate) fn with_direction(sdp: &str, dir: Direction, version: u64) -> String {
    let mut out = String::with_capacity(sdp.len() + 16);
    let mut in_media = false;
    for line in sdp.lines() {
        if Direction::from_attr(line).is_some() {
            continue;
        }
        if line.starts_with("m=") {
            if in_media {
                out.push_str(dir.attr());
                out.push_str("\r\n");
            }
            in_media = true;
        }
        if let Some(rest) = line.strip_prefix("o=") {
            let mut f: Vec<&str> = rest.split(' ').collect();
            let v = version.to_string();
            if f.len() >= 3 {
                f[2] = &v;
                out.push_str("o=");
                out.push_str(&f.join(" "));
                out.push_str("\r\n");
                continue;
            }
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    if in_media {
        out.push_str(dir.attr());
        out.push_str("\r\n");
    }
    out
}

/// The o= session version of `sdp` (0 if absent).
pub(crate) fn version(sdp: &str) -> u64 {
    sdp.lines()
        .find_map(|l| l.strip_prefix("o="))
        .and_then(|o| o.split(' ').nth(2))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFER: &str = "v=0\r\no=- 4611 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\na=sendrecv\r\n";

    #[test]
    fn hold_and_resume_rewrite_direction_and_version() {
        let held = with_direction(OFFER, Direction::SendOnly, 3);
        assert_eq!(direction(&held), Direction::SendOnly);
        assert_eq!(version(&held), 3);
        assert_eq!(held.matches("a=send").count(), 1);
        let resumed = with_direction(&held, Direction::SendRecv, 4);
        assert_eq!(direction(&resumed), Direction::SendRecv);
        assert!(resumed.contains("a=rtpmap:111 opus/48000/2\r\n"));
    }

    #[test]
    fn answers_follow_rfc_3264() {
        assert_eq!(Direction::SendOnly.answer(false), Direction::RecvOnly);
        assert_eq!(Direction::SendOnly.answer(true), Direction::Inactive);
        assert_eq!(Direction::Inactive.answer(false), Direction::Inactive);
        assert_eq!(Direction::SendRecv.answer(true), Direction::SendOnly);
        assert_eq!(Direction::SendRecv.answer(false), Direction::SendRecv);
        assert_eq!(direction("v=0\r\n"), Direction::SendRecv);
    }
}
