//! Each reply and event as the JSON text posted. The names are the serde derive's
//! (`rename_all = "snake_case"`, the tags `type` and `status`), which the TypeScript types
//! come from; `tests/schema.rs` holds every text equal to serde_json's of the same value.

use crate::json::Object;
use crate::{
    CallEnd, CallPhase, CommandResult, Direction, ErrorReason, Event, Notice, Party, PartyState,
    Person, Problem, Registration, Reply, SignInProblem,
};

/// `wire()`: the variant's name on the wire, with an exhaustive match so that a new variant
/// cannot be left out.
macro_rules! wire_names {
    ($($ty:ty { $($variant:ident => $name:literal,)* })*) => {$(
        impl $ty {
            pub(crate) const fn wire(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)*
                }
            }
        }
    )*};
}

wire_names! {
    Registration {
        SignedOut => "signed_out",
        Registering => "registering",
        Registered => "registered",
        Failed => "failed",
        SigningOut => "signing_out",
    }
    CallPhase {
        Dialing => "dialing",
        Ringing => "ringing",
        Incoming => "incoming",
        Answering => "answering",
        Connected => "connected",
        Ended => "ended",
    }
    Direction {
        Outgoing => "outgoing",
        Incoming => "incoming",
    }
    CallEnd {
        HungUp => "hung_up",
        Declined => "declined",
        Busy => "busy",
        NotFound => "not_found",
        NoAnswer => "no_answer",
        Missed => "missed",
        Failed => "failed",
    }
    PartyState {
        DialingOut => "dialing_out",
        Alerting => "alerting",
        Connected => "connected",
        OnHold => "on_hold",
        Disconnected => "disconnected",
        Other => "other",
    }
    Problem {
        MicrophoneBlockedByFrame => "microphone_blocked_by_frame",
        MicrophoneDenied => "microphone_denied",
        AudioFailed => "audio_failed",
    }
    SignInProblem {
        BadAddress => "bad_address",
        NoUser => "no_user",
        NoServer => "no_server",
        BadServer => "bad_server",
        InsecureServer => "insecure_server",
        NoPassword => "no_password",
        MicrophoneBlockedByFrame => "microphone_blocked_by_frame",
        AudioFailed => "audio_failed",
    }
    ErrorReason {
        TooLarge => "too_large",
        Malformed => "malformed",
        UnsupportedVersion => "unsupported_version",
        UnknownCommand => "unknown_command",
        BadArguments => "bad_arguments",
        NotSignedIn => "not_signed_in",
        AlreadySignedIn => "already_signed_in",
        SignInDisabled => "sign_in_disabled",
        SignInFailed => "sign_in_failed",
        NoSuchCall => "no_such_call",
        NotAllowed => "not_allowed",
    }
}

impl Reply {
    /// The JSON text posted.
    pub fn to_json(&self) -> String {
        let result = match &self.result {
            CommandResult::Done => Object::new().str("status", "done"),
            CommandResult::Error { reason, detail } => {
                let o = Object::new()
                    .str("status", "error")
                    .str("reason", reason.wire());
                match detail {
                    Some(detail) => o.str("detail", detail.wire()),
                    None => o,
                }
            }
        };
        Object::new()
            .num("softphone", self.softphone)
            .opt_str("id", self.id.as_deref())
            .raw("result", &result.end())
            .end()
    }
}

impl Notice {
    /// The JSON text posted.
    pub fn to_json(&self) -> String {
        Object::new()
            .num("softphone", self.softphone)
            .raw("event", &event(&self.event))
            .end()
    }
}

fn event(event: &Event) -> String {
    let o = |kind| Object::new().str("type", kind);
    match event {
        Event::Ready {
            credentials_sign_in,
        } => o("ready").bool("credentials_sign_in", *credentials_sign_in),
        Event::Registration { state } => o("registration").str("state", state.wire()),
        Event::IncomingCall { call, caller } => o("incoming_call")
            .num("call", *call)
            .raw("caller", &person(caller)),
        Event::CallState {
            call,
            phase,
            direction,
            party,
            held,
            remote_held,
            conference,
        } => o("call_state")
            .num("call", *call)
            .str("phase", phase.wire())
            .str("direction", direction.wire())
            .raw("party", &person(party))
            .bool("held", *held)
            .bool("remote_held", *remote_held)
            .bool("conference", *conference),
        Event::Participants { host, participants } => o("participants")
            .bool("host", *host)
            .raw("participants", &array(participants.iter().map(party))),
        Event::CallEnded {
            call,
            direction,
            party,
            duration_ms,
            outcome,
        } => o("call_ended")
            .num("call", *call)
            .str("direction", direction.wire())
            .raw("party", &person(party))
            .num("duration_ms", *duration_ms)
            .str("outcome", outcome.wire()),
        Event::Error { problem } => o("error").str("problem", problem.wire()),
    }
    .end()
}

fn person(p: &Person) -> String {
    Object::new()
        .str("number", &p.number)
        .str("name", &p.name)
        .end()
}

fn party(p: &Party) -> String {
    Object::new()
        .str("name", &p.name)
        .str("state", p.state.wire())
        .bool("internal", p.internal)
        .end()
}

fn array(items: impl Iterator<Item = String>) -> String {
    let mut out = String::from("[");
    for (n, item) in items.enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(&item);
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    /// Every unit variant's name is serde's.
    #[test]
    fn the_names_are_the_derives() {
        fn same<T: serde::Serialize>(values: &[T], wire: fn(&T) -> &'static str) {
            for v in values {
                let serde = serde_json::to_string(v).unwrap();
                let mut ours = String::new();
                json::string(&mut ours, wire(v));
                assert_eq!(ours, serde);
            }
        }
        use Registration as R;
        same(
            &[
                R::SignedOut,
                R::Registering,
                R::Registered,
                R::Failed,
                R::SigningOut,
            ],
            |v| v.wire(),
        );
        use CallPhase as C;
        same(
            &[
                C::Dialing,
                C::Ringing,
                C::Incoming,
                C::Answering,
                C::Connected,
                C::Ended,
            ],
            |v| v.wire(),
        );
        same(&[Direction::Outgoing, Direction::Incoming], |v| v.wire());
        use CallEnd as E;
        let ends = [
            E::HungUp,
            E::Declined,
            E::Busy,
            E::NotFound,
            E::NoAnswer,
            E::Missed,
            E::Failed,
        ];
        same(&ends, |v| v.wire());
        use PartyState as P;
        same(
            &[
                P::DialingOut,
                P::Alerting,
                P::Connected,
                P::OnHold,
                P::Disconnected,
                P::Other,
            ],
            |v| v.wire(),
        );
        use Problem as Pr;
        same(
            &[
                Pr::MicrophoneBlockedByFrame,
                Pr::MicrophoneDenied,
                Pr::AudioFailed,
            ],
            |v| v.wire(),
        );
        use SignInProblem as S;
        same(
            &[
                S::BadAddress,
                S::NoUser,
                S::NoServer,
                S::BadServer,
                S::InsecureServer,
                S::NoPassword,
                S::MicrophoneBlockedByFrame,
                S::AudioFailed,
            ],
            |v| v.wire(),
        );
        use ErrorReason as Er;
        same(
            &[
                Er::TooLarge,
                Er::Malformed,
                Er::UnsupportedVersion,
                Er::UnknownCommand,
                Er::BadArguments,
                Er::NotSignedIn,
                Er::AlreadySignedIn,
                Er::SignInDisabled,
                Er::SignInFailed,
                Er::NoSuchCall,
                Er::NotAllowed,
            ],
            |v| v.wire(),
        );
    }
}
