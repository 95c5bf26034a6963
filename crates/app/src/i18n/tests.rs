use super::*;
use web::{Outcome, Unsent};

#[test]
fn durations() {
    assert_eq!(duration(0), "00:00");
    assert_eq!(duration(75), "01:15");
    assert_eq!(duration(3725), "1:02:05");
}

#[test]
fn languages_from_browser_tags() {
    assert_eq!(Lang::from_tag("es-MX"), Lang::Es);
    assert_eq!(Lang::from_tag("ES"), Lang::Es);
    assert_eq!(Lang::from_tag("en-GB"), Lang::En);
    assert_eq!(Lang::from_tag(""), Lang::En);
}

#[test]
fn the_spec_labels_in_spanish() {
    // spec/CONFERENCE.md gives these Spanish labels.
    assert_eq!(label(Lang::Es, Label::Merge), "Unir");
    assert_eq!(label(Lang::Es, Label::EndCall), "Finalizar llamada");
    assert_eq!(label(Lang::Es, Label::Retrieve), "Recuperar");
    assert_eq!(label(Lang::Es, Label::StartCall), "Iniciar llamada");
    assert_eq!(
        label(Lang::Es, Label::SingleStep),
        "Iniciar conferencia de un solo paso"
    );
    assert_eq!(
        label(Lang::Es, Label::EndConference),
        "Finalizar conferencia"
    );
    assert_eq!(label(Lang::Es, Label::Leave), "Dejar");
}

#[test]
fn every_reason_is_worded_with_its_rule_in_both_languages() {
    let reasons = [
        Reason::NotRegistered,
        Reason::LinesBusy,
        Reason::NotHoldable,
        Reason::NotOnHold,
        Reason::MergeNeedsConsultation,
        Reason::OnlyHostDisconnects,
        Reason::NotParticipant,
        Reason::OnlyHostEnds,
        Reason::NotInConference,
        Reason::LeaveNeedsThree { count: 4 },
        Reason::NotConnected,
        Reason::NotTransferable,
    ];
    for lang in Lang::ALL {
        for r in reasons {
            let text = reason(lang, r);
            assert!(text.ends_with(&format!("({})", r.rule())), "{text}");
            assert!(text.len() > r.rule().len() + 8, "{text}");
        }
    }
    assert!(reason(Lang::En, Reason::LeaveNeedsThree { count: 4 }).contains('4'));
    assert!(reason(Lang::Es, Reason::LeaveNeedsThree { count: 4 }).contains('4'));
}

#[test]
fn notices_carry_their_data() {
    let n = Notice::HoldFailed {
        party: "Alice".into(),
        status: 488,
    };
    for lang in Lang::ALL {
        let text = notice(lang, &n);
        assert!(text.contains("Alice") && text.contains("488"), "{text}");
    }
    assert_ne!(notice(Lang::En, &n), notice(Lang::Es, &n));
}

#[test]
fn a_request_never_sent_names_what_whom_and_the_limit() {
    let secs = web::HELD_LIMIT.as_secs().to_string();
    for what in [
        Unsent::HangUp,
        Unsent::Hold,
        Unsent::Retrieve,
        Unsent::Transfer,
        Unsent::Dtmf,
        Unsent::Call,
    ] {
        let n = Notice::NotSent {
            party: "Alice".into(),
            what,
        };
        let [en, es] = [Lang::En, Lang::Es].map(|lang| notice(lang, &n));
        for text in [&en, &es] {
            assert!(text.contains("Alice") && text.contains(&secs), "{text}");
        }
        assert_ne!(en, es);
    }
    let hold = |what| {
        notice(
            Lang::En,
            &Notice::NotSent {
                party: "Alice".into(),
                what,
            },
        )
    };
    assert_ne!(hold(Unsent::Hold), hold(Unsent::HangUp));
}

#[test]
fn the_states_the_browser_tests_read_stay_english() {
    let en = |s: LineState| line_state(Lang::En, &s);
    assert_eq!(en(LineState::Connected), "Connected");
    assert_eq!(en(LineState::Incoming), "Incoming");
    assert_eq!(en(LineState::Ended(Outcome::Declined)), "Declined");
    assert_eq!(en(LineState::Ended(Outcome::HungUp)), "Ended");
    assert_eq!(registration(Lang::En, &RegStatus::Registered), "Registered");
    assert_eq!(
        registration(Lang::Es, &RegStatus::Failed(RegFailure::ConnectionLost)),
        "Sin registro: se perdió la conexión con el servidor"
    );
}

#[test]
fn a_frame_without_the_microphone_is_explained_in_both_languages() {
    let e = SignInError::MicrophoneBlockedByFrame;
    assert!(sign_in_error(Lang::En, &e).contains("allow=\"microphone\""));
    assert!(sign_in_error(Lang::Es, &e).contains("allow=\"microphone\""));
    assert!(sign_in_error(Lang::Es, &e).contains("micrófono"));
}

#[test]
fn call_quality_is_worded_with_its_figures_in_both_languages() {
    let q = CallQuality {
        level: QualityLevel::Poor,
        mos_centi: 287,
        loss_centi_percent: 1250,
        jitter_ms: 14,
        rtt_ms: Some(180),
    };
    assert_eq!(
        quality(Lang::En, &q),
        "Call quality poor: estimated MOS 2.87, packet loss 12.50 %, jitter 14 ms, round trip 180 ms"
    );
    assert_eq!(
        quality(Lang::Es, &q),
        "Calidad de la llamada mala: MOS estimado 2,87, pérdida de paquetes 12,50 %, jitter 14 ms, ida y vuelta 180 ms"
    );
    let unknown = CallQuality { rtt_ms: None, ..q };
    assert!(quality(Lang::En, &unknown).ends_with("round trip not measured yet"));
    assert!(quality(Lang::Es, &unknown).ends_with("ida y vuelta aún sin medir"));
    for level in [QualityLevel::Good, QualityLevel::Fair, QualityLevel::Poor] {
        assert_ne!(
            quality_level(Lang::En, level),
            quality_level(Lang::Es, level)
        );
    }
    let n = Notice::PoorQuality {
        party: "Bea".into(),
        mos_centi: 305,
    };
    assert!(notice(Lang::En, &n).contains("Bea") && notice(Lang::En, &n).contains("3.05"));
    assert!(notice(Lang::Es, &n).contains("Bea") && notice(Lang::Es, &n).contains("3,05"));
    assert_eq!(centi(7, '.'), "0.07");
}

#[test]
fn the_bridge_notice_names_the_button_that_ends_it() {
    for lang in Lang::ALL {
        let text = notice(lang, &Notice::Bridging { status: None });
        let button = label(lang, Label::EndConference);
        assert!(text.contains(button), "{text} names {button}");
    }
}
