//! The SDP decisions the engine makes itself, on the `sip` crate's SDP model: the direction
//! of hold and resume offers and of answers to the peer's re-offers (RFC 3264, RFC 6337),
//! and the o= version that must grow with every new offer (RFC 3264 §8).

pub(crate) use sip::sdp::Direction;
use sip::sdp::SessionDescription;

/// The direction of our answer to an offer with `offered`, when we do or do not hold the
/// peer: we always send unless the peer is inactive or recvonly would make no sense; we
/// receive only while we do not hold.
pub(crate) fn answer(offered: Direction, we_hold: bool) -> Direction {
    match (offered, we_hold) {
        (Direction::SendRecv, false) => Direction::SendRecv,
        (Direction::SendRecv, true) | (Direction::RecvOnly, _) => Direction::SendOnly,
        (Direction::SendOnly, false) => Direction::RecvOnly,
        (Direction::SendOnly, true) | (Direction::Inactive, _) => Direction::Inactive,
    }
}

/// Whether an offer with this direction puts the answerer on hold (RFC 6337 §5.3).
pub(crate) fn holds_answerer(d: Direction) -> bool {
    matches!(d, Direction::SendOnly | Direction::Inactive)
}

/// The direction of the first media section (sendrecv when there is none or the SDP does
/// not parse: nothing then says the peer holds us).
pub(crate) fn direction(sdp: &str) -> Direction {
    SessionDescription::parse(sdp.as_bytes())
        .ok()
        .and_then(|s| s.media_direction(0))
        .unwrap_or(Direction::SendRecv)
}

/// `sdp` with `dir` on every media section and the next o= version; None if `sdp` does not
/// parse (then there is no offer to make).
pub(crate) fn next_offer(sdp: &str, dir: Direction) -> Option<String> {
    let mut s = SessionDescription::parse(sdp.as_bytes()).ok()?;
    s.set_all_directions(dir);
    s.origin.session_version += 1;
    String::from_utf8(s.to_bytes()).ok()
}

/// Whether an SDP offers RFC 4733 telephone-events (`a=rtpmap:<pt> telephone-event/<rate>`).
pub(crate) fn has_telephone_event(sdp: &str) -> bool {
    sdp.lines().any(|l| {
        l.strip_prefix("a=rtpmap:")
            .and_then(|r| r.split_once(' '))
            .and_then(|(_, codec)| codec.get(..16))
            .is_some_and(|name| name.eq_ignore_ascii_case("telephone-event/"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFER: &str = "v=0\r\no=- 4611 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\na=sendrecv\r\n";

    #[test]
    fn hold_and_resume_rewrite_direction_and_version() {
        let held = next_offer(OFFER, Direction::SendOnly).unwrap();
        assert_eq!(direction(&held), Direction::SendOnly);
        assert!(held.contains("o=- 4611 3 IN IP4"));
        let resumed = next_offer(&held, Direction::SendRecv).unwrap();
        assert_eq!(direction(&resumed), Direction::SendRecv);
        assert!(resumed.contains("a=rtpmap:111 opus/48000/2\r\n"));
        assert!(next_offer("not sdp", Direction::SendOnly).is_none());
    }

    #[test]
    fn telephone_events_are_found() {
        assert!(!has_telephone_event(OFFER));
        let with = format!("{OFFER}a=rtpmap:101 telephone-event/8000\r\n");
        assert!(has_telephone_event(&with));
        assert!(!has_telephone_event("a=fmtp:101 telephone-event/8000"));
        assert!(has_telephone_event("a=rtpmap:101 Telephone-Event/8000"));
        assert!(!has_telephone_event("a=rtpmap:101 telephone-event"));
        assert!(!has_telephone_event("a=rtpmap:101 telephone-évent/8000"));
    }

    #[test]
    fn answers_follow_rfc_3264() {
        assert_eq!(answer(Direction::SendOnly, false), Direction::RecvOnly);
        assert_eq!(answer(Direction::SendOnly, true), Direction::Inactive);
        assert_eq!(answer(Direction::Inactive, false), Direction::Inactive);
        assert_eq!(answer(Direction::SendRecv, true), Direction::SendOnly);
        assert_eq!(answer(Direction::SendRecv, false), Direction::SendRecv);
        assert_eq!(direction("v=0\r\n"), Direction::SendRecv);
    }
}
