//! Every command and event survives JSON both ways, and the wire names are the documented ones.

use embed::*;

fn every_command() -> Vec<Command> {
    vec![
        Command::SignIn {
            sip_uri: "sip:2001@127.0.0.1".into(),
            password: "pw2001".into(),
            servers: "wss://edge.example.com".into(),
        },
        Command::Dial {
            number: "2002".into(),
            single_step: None,
        },
        Command::Dial {
            number: "2003".into(),
            single_step: Some(true),
        },
        Command::Answer { call: None },
        Command::Answer { call: Some(3) },
        Command::Decline,
        Command::HangUp { call: Some(1) },
        Command::Hold { call: None },
        Command::Retrieve { call: 2 },
        Command::Mute { on: true },
        Command::Dtmf {
            digits: "12#*A".into(),
        },
        Command::BlindTransfer {
            call: Some(1),
            number: "2004".into(),
        },
        Command::AttendedTransfer { call: 1, to: 2 },
        Command::Merge,
        Command::SetDirectory {
            entries: vec![DirectoryEntry {
                name: "Ana".into(),
                number: "2005".into(),
            }],
        },
        Command::SetLanguage {
            language: Language::Es,
        },
    ]
}

fn every_event() -> Vec<Event> {
    let person = Person {
        number: "2002".into(),
        name: "Bea".into(),
    };
    vec![
        Event::Ready {
            credentials_sign_in: false,
        },
        Event::Registration {
            state: Registration::Registered,
        },
        Event::Registration {
            state: Registration::Failed,
        },
        Event::IncomingCall {
            call: 4,
            caller: person.clone(),
        },
        Event::CallState {
            call: 4,
            phase: CallPhase::Connected,
            direction: Direction::Incoming,
            party: person.clone(),
            held: true,
            remote_held: false,
            conference: false,
        },
        Event::Participants {
            host: true,
            participants: vec![Party {
                name: "Bea".into(),
                state: PartyState::OnHold,
                internal: true,
            }],
        },
        Event::CallEnded {
            call: 4,
            direction: Direction::Outgoing,
            party: person,
            duration_ms: 61_000,
            outcome: CallEnd::NoAnswer,
        },
        Event::Error {
            problem: Problem::MicrophoneBlockedByFrame,
        },
        Event::Participants {
            host: false,
            participants: vec![],
        },
        Event::IncomingCall {
            call: u32::MAX,
            caller: Person {
                number: "sip:\"q\"@a.example".into(),
                name: "Zoë \\ \u{1}\t<b>".into(),
            },
        },
    ]
}

#[test]
fn every_command_round_trips_through_the_parser() {
    let commands = every_command();
    let mut types: Vec<&str> = Vec::new();
    for (n, command) in commands.into_iter().enumerate() {
        let request = Request {
            softphone: VERSION,
            id: format!("c{n}"),
            command,
        };
        let text = serde_json::to_string(&request).unwrap();
        assert_eq!(parse_request(&text).unwrap(), request, "{text}");
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let ty = value["command"]["type"].as_str().unwrap().to_owned();
        assert!(
            Command::TYPES.contains(&ty.as_str()),
            "{ty} missing from TYPES"
        );
        types.push(Command::TYPES.iter().find(|t| **t == ty).unwrap());
    }
    // TYPES lists exactly the commands there are: none known to it is left out here.
    types.sort_unstable();
    types.dedup();
    let mut all = Command::TYPES.to_vec();
    all.sort_unstable();
    assert_eq!(types, all);
}

#[test]
fn every_event_round_trips() {
    for event in every_event() {
        let notice = Notice::new(event);
        let text = notice.to_json();
        // Written by hand: byte for byte what serde_json writes for the derive.
        assert_eq!(text, serde_json::to_string(&notice).unwrap());
        assert_eq!(
            serde_json::from_str::<Notice>(&text).unwrap(),
            notice,
            "{text}"
        );
    }
}

#[test]
fn every_reply_round_trips() {
    let replies = [
        Reply::done("1".into()),
        Reply::error(None, ErrorReason::TooLarge),
        Reply::error(Some("2".into()), ErrorReason::NotAllowed),
        Reply::sign_in_failed("3".into(), SignInProblem::InsecureServer),
    ];
    for reply in replies {
        let text = reply.to_json();
        assert_eq!(text, serde_json::to_string(&reply).unwrap());
        assert_eq!(
            serde_json::from_str::<Reply>(&text).unwrap(),
            reply,
            "{text}"
        );
    }
}

#[test]
fn the_wire_looks_as_documented() {
    assert_eq!(
        Reply::done("7".into()).to_json(),
        r#"{"softphone":1,"id":"7","result":{"status":"done"}}"#
    );
    assert_eq!(
        Reply::error(None, ErrorReason::UnknownCommand).to_json(),
        r#"{"softphone":1,"id":null,"result":{"status":"error","reason":"unknown_command"}}"#
    );
    assert_eq!(
        Reply::sign_in_failed("8".into(), SignInProblem::NoPassword).to_json(),
        r#"{"softphone":1,"id":"8","result":{"status":"error","reason":"sign_in_failed","detail":"no_password"}}"#
    );
    let incoming = Notice::new(Event::IncomingCall {
        call: 1,
        caller: Person {
            number: "2002".into(),
            name: "2002".into(),
        },
    });
    assert_eq!(
        incoming.to_json(),
        r#"{"softphone":1,"event":{"type":"incoming_call","call":1,"caller":{"number":"2002","name":"2002"}}}"#
    );
}

#[test]
fn unknown_versions_and_commands_are_refused_with_a_reason() {
    let v2 = r#"{"softphone":2,"id":"a","command":{"type":"dial","number":"1"}}"#;
    assert_eq!(
        parse_request(v2).unwrap_err(),
        Rejected {
            id: Some("a".into()),
            reason: ErrorReason::UnsupportedVersion
        }
    );
    let unknown = r#"{"softphone":1,"id":"b","command":{"type":"self_destruct"}}"#;
    assert_eq!(
        parse_request(unknown).unwrap_err(),
        Rejected {
            id: Some("b".into()),
            reason: ErrorReason::UnknownCommand
        }
    );
}
