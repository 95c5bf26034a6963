//! Events for the CRM, worked out by comparing each new view with the last: the engine knows
//! nothing of the CRM, and the CRM hears exactly what the agent sees.

use embed::{CallEnd, CallPhase, Direction as Dir, Event, Party, PartyState, Person, Registration};
use phone::{
    Direction, Instant, LineId, LineState, LineView, Outcome, PartyStatus, PhoneView, RegStatus,
};

/// What was last told about one call.
#[derive(Debug, Clone, PartialEq)]
struct Told {
    phase: CallPhase,
    held: bool,
    remote_held: bool,
    conference: bool,
    connected_at: Option<Instant>,
    ended: bool,
}

/// Remembers what the CRM was told, to tell it only what changed.
#[derive(Debug, Default)]
pub(crate) struct Tracker {
    registration: Option<Registration>,
    calls: sip::VecMap<LineId, Told>,
    roster: Option<(bool, Vec<Party>)>,
}

impl Tracker {
    /// The events that take the CRM from what it was told to `view`, at `now`.
    pub(crate) fn observe(&mut self, view: &PhoneView, now: Instant) -> Vec<Event> {
        let mut out = Vec::new();
        let state = registration(&view.registration);
        if self.registration != Some(state) {
            self.registration = Some(state);
            out.push(Event::Registration { state });
        }
        for line in &view.lines {
            self.observe_line(line, now, &mut out);
        }
        // A line that went without showing Ended (signing out) ends for the CRM too.
        let gone: Vec<LineId> = self
            .calls
            .keys()
            .filter(|id| !view.lines.iter().any(|l| l.id == **id))
            .copied()
            .collect();
        for id in gone {
            self.calls.remove(&id);
        }
        let roster = view.conference.as_ref().map(|c| {
            let parties = c.roster.iter().map(|p| Party {
                name: p.name.clone(),
                state: party_state(p.status),
                internal: p.internal,
            });
            (c.host, parties.collect::<Vec<_>>())
        });
        let told = self.roster.as_ref().is_some_and(|(_, p)| !p.is_empty());
        if roster != self.roster && (roster.is_some() || told) {
            let (host, participants) = roster.clone().unwrap_or_default();
            out.push(Event::Participants { host, participants });
        }
        self.roster = roster;
        out
    }

    fn observe_line(&mut self, line: &LineView, now: Instant, out: &mut Vec<Event>) {
        let party = Person {
            number: line.number.clone(),
            name: line.peer.clone(),
        };
        let direction = match line.direction {
            Direction::Outgoing => Dir::Outgoing,
            Direction::Incoming => Dir::Incoming,
        };
        let call = line.id.0;
        let phase = phase(&line.state);
        let before = self.calls.get(&line.id).cloned();
        if before.as_ref().is_some_and(|t| t.ended) {
            return;
        }
        if before.is_none() && phase == CallPhase::Incoming {
            out.push(Event::IncomingCall {
                call,
                caller: party.clone(),
            });
        }
        let connected_at = line
            .connected_at
            .or(before.as_ref().and_then(|t| t.connected_at));
        let now_told = Told {
            phase,
            held: line.held,
            remote_held: line.remote_held,
            conference: line.in_conference,
            connected_at,
            ended: false,
        };
        if before.as_ref() != Some(&now_told) {
            out.push(Event::CallState {
                call,
                phase,
                direction,
                party: party.clone(),
                held: line.held,
                remote_held: line.remote_held,
                conference: line.in_conference,
            });
        }
        let ended = if let LineState::Ended(outcome) = &line.state {
            let talked = connected_at.map_or(0, |t| now.saturating_duration_since(t).as_millis());
            out.push(Event::CallEnded {
                call,
                direction,
                party,
                duration_ms: u32::try_from(talked).unwrap_or(u32::MAX),
                outcome: call_end(outcome),
            });
            true
        } else {
            false
        };
        self.calls.insert(line.id, Told { ended, ..now_told });
    }
}

fn registration(status: &RegStatus) -> Registration {
    match status {
        RegStatus::SignedOut => Registration::SignedOut,
        RegStatus::Registering => Registration::Registering,
        RegStatus::Registered => Registration::Registered,
        RegStatus::Failed(_) => Registration::Failed,
        RegStatus::SigningOut => Registration::SigningOut,
    }
}

fn phase(state: &LineState) -> CallPhase {
    match state {
        LineState::Dialing => CallPhase::Dialing,
        LineState::Ringing => CallPhase::Ringing,
        LineState::Incoming => CallPhase::Incoming,
        LineState::Answering => CallPhase::Answering,
        LineState::Connected => CallPhase::Connected,
        LineState::Ended(_) => CallPhase::Ended,
    }
}

fn call_end(outcome: &Outcome) -> CallEnd {
    match outcome {
        Outcome::HungUp => CallEnd::HungUp,
        Outcome::Declined => CallEnd::Declined,
        Outcome::Busy => CallEnd::Busy,
        Outcome::NotFound => CallEnd::NotFound,
        Outcome::NoAnswer => CallEnd::NoAnswer,
        Outcome::Missed => CallEnd::Missed,
        Outcome::Failed(_) => CallEnd::Failed,
    }
}

fn party_state(status: PartyStatus) -> PartyState {
    match status {
        PartyStatus::DialingOut => PartyState::DialingOut,
        PartyStatus::Alerting => PartyState::Alerting,
        PartyStatus::Connected => PartyState::Connected,
        PartyStatus::OnHold => PartyState::OnHold,
        PartyStatus::Disconnected => PartyState::Disconnected,
        _ => PartyState::Other,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use phone::{ConferenceView, Control, MediaHealth, Participant};

    fn line(state: LineState, connected_at: Option<Instant>) -> LineView {
        LineView {
            id: LineId(3),
            peer: "Bea".into(),
            number: "2002".into(),
            direction: Direction::Incoming,
            can_answer: state == LineState::Incoming,
            state,
            held: false,
            remote_held: false,
            reconnecting: false,
            in_conference: false,
            port: 1,
            internal: true,
            connected_at,
            media: MediaHealth::Connected,
            quality: None,
            can_hang_up: true,
            hold: Control::ON,
            retrieve: Control::ON,
            disconnect: Control::ON,
            transfer: Control::ON,
            dtmf_received: String::new(),
        }
    }

    fn view(lines: Vec<LineView>) -> PhoneView {
        let mut v = PhoneView::signed_out();
        v.registration = RegStatus::Registered;
        v.line = lines.last().cloned();
        v.lines = lines;
        v
    }

    fn types(events: &[Event]) -> Vec<&'static str> {
        events
            .iter()
            .map(|e| match e {
                Event::Registration { .. } => "registration",
                Event::IncomingCall { .. } => "incoming_call",
                Event::CallState { .. } => "call_state",
                Event::Participants { .. } => "participants",
                Event::CallEnded { .. } => "call_ended",
                _ => "other",
            })
            .collect()
    }

    #[test]
    fn a_call_from_ringing_to_its_end() {
        let t0 = Instant::now();
        let mut tr = Tracker::default();
        assert_eq!(types(&tr.observe(&view(vec![]), t0)), ["registration"]);
        let ringing = view(vec![line(LineState::Incoming, None)]);
        let first = tr.observe(&ringing, t0);
        assert_eq!(types(&first), ["incoming_call", "call_state"]);
        assert!(
            matches!(&first[0], Event::IncomingCall { call: 3, caller } if caller.number == "2002")
        );
        assert!(
            tr.observe(&ringing, t0).is_empty(),
            "nothing changed, nothing told"
        );
        let talking = view(vec![line(LineState::Connected, Some(t0))]);
        assert_eq!(types(&tr.observe(&talking, t0)), ["call_state"]);
        let mut ended = line(LineState::Ended(Outcome::HungUp), None);
        ended.can_hang_up = false;
        let later = t0 + Duration::from_millis(2500);
        let end = tr.observe(&view(vec![ended.clone()]), later);
        assert_eq!(types(&end), ["call_state", "call_ended"]);
        assert!(matches!(
            end[1],
            Event::CallEnded {
                duration_ms: 2500,
                outcome: CallEnd::HungUp,
                direction: Dir::Incoming,
                ..
            }
        ));
        assert!(
            tr.observe(&view(vec![ended]), later).is_empty(),
            "ended once"
        );
    }

    #[test]
    fn participants_are_told_when_they_change_and_when_the_conference_ends() {
        let t0 = Instant::now();
        let mut tr = Tracker::default();
        let mut v = view(vec![]);
        tr.observe(&v, t0);
        v.conference = Some(ConferenceView {
            host: true,
            participants: 3,
            bridging: false,
            held: false,
            roster: vec![Participant {
                name: "Bea".into(),
                status: PartyStatus::Connected,
                leg: None,
                quality: None,
                internal: true,
                host: false,
            }],
        });
        let ev = tr.observe(&v, t0);
        assert!(
            matches!(&ev[..], [Event::Participants { host: true, participants }] if participants.len() == 1)
        );
        v.conference = None;
        let ev = tr.observe(&v, t0);
        assert!(
            matches!(&ev[..], [Event::Participants { participants, .. }] if participants.is_empty())
        );
        assert!(tr.observe(&v, t0).is_empty());
    }
}
