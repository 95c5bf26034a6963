//! The words the agent reads. English for now; Spanish arrives with the agent desktop (E6).

use phone::{LineState, Outcome, RegStatus};

/// Registration status as shown in the header.
pub(crate) fn registration(status: &RegStatus) -> String {
    match status {
        RegStatus::SignedOut => "Signed out".into(),
        RegStatus::Registering => "Registering…".into(),
        RegStatus::Registered => "Registered".into(),
        RegStatus::Failed(why) => format!("Not registered: {why}"),
    }
}

/// A line's state in one or two words.
pub(crate) fn line_state(state: &LineState) -> String {
    match state {
        LineState::Dialing => "Dialing".into(),
        LineState::Ringing => "Ringing".into(),
        LineState::Incoming => "Incoming".into(),
        LineState::Answering => "Connecting".into(),
        LineState::Connected => "Connected".into(),
        LineState::Ended(outcome) => match outcome {
            Outcome::HungUp => "Ended".into(),
            Outcome::Declined => "Declined".into(),
            Outcome::Busy => "Busy".into(),
            Outcome::NotFound => "Number not found".into(),
            Outcome::NoAnswer => "No answer".into(),
            Outcome::Missed => "Missed".into(),
            Outcome::Failed(why) => format!("Failed: {why}"),
        },
    }
}

/// What the call area says with no call.
pub(crate) const IDLE: &str = "Idle";

/// `mm:ss` (or `h:mm:ss`) of a call that has lasted `secs` seconds.
pub(crate) fn duration(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration(0), "00:00");
        assert_eq!(duration(75), "01:15");
        assert_eq!(duration(3725), "1:02:05");
    }
}
