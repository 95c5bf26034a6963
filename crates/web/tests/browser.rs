//! The runtime's browser parts in headless Chromium (`cargo xtask test` runs these with
//! wasm-bindgen-test-runner): two peer sessions on one page negotiate, one restarts ICE, the
//! other holds it, and every answer the browser makes is a real answer.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web::{Account, DeviceChoice, PeerSession, PeerState, Runtime, SignInError, SparePeer};
use web_sys::{AudioContext, MediaStreamTrack};

wasm_bindgen_test_configure!(run_in_browser);

/// A silent outgoing track from an AudioContext, so no microphone is needed.
fn track(ctx: &AudioContext) -> MediaStreamTrack {
    let dest = ctx.create_media_stream_destination().unwrap();
    dest.stream().get_audio_tracks().get(0).unchecked_into()
}

fn attr<'a>(sdp: &'a str, name: &str) -> Vec<&'a str> {
    sdp.lines()
        .filter_map(|l| l.strip_prefix(&format!("a={name}")))
        .map(|v| v.trim_start_matches(':'))
        .collect()
}

fn direction(sdp: &str) -> &str {
    ["sendrecv", "sendonly", "recvonly", "inactive"]
        .into_iter()
        .find(|d| sdp.lines().any(|l| l == format!("a={d}")))
        .unwrap_or("none")
}

/// Until `peer`'s connection is up (the runner's own limit ends a test that hangs).
async fn connected(peer: &PeerSession) {
    let mut resolve = None;
    let up = js_sys::Promise::new(&mut |res, _| resolve = Some(res));
    let resolve = resolve.unwrap();
    let done = resolve.clone();
    peer.on_state_change(move |state| {
        if state == PeerState::Connected {
            let _ = done.call0(&wasm_bindgen::JsValue::UNDEFINED);
        }
    });
    if peer.state() == PeerState::Connected {
        let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
    }
    wasm_bindgen_futures::JsFuture::from(up).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_call_on_an_offering_spare_sends_the_offer_made_ahead_and_connects() {
    let ctx = AudioContext::new().unwrap();
    // Made, and its offer set, before the call has a track to send.
    let spare = SparePeer::offering(&[]).unwrap();
    let a = PeerSession::from_spare(spare, &track(&ctx), |_| {}).unwrap();
    let b = PeerSession::new(&[], &track(&ctx), |_| {}).unwrap();
    let offer = a.create_offer().await.unwrap();
    assert_eq!(direction(&offer), "sendrecv");
    assert_eq!(offer.matches("m=audio ").count(), 1, "{offer}");
    assert!(!attr(&offer, "candidate").is_empty(), "{offer}");
    assert!(!attr(&offer, "msid").is_empty(), "{offer}");
    let answer = b.answer_offer(&offer).await.unwrap();
    assert_eq!(direction(&answer), "sendrecv");
    a.apply_answer(&answer).await.unwrap();
    connected(&a).await;
    connected(&b).await;
    // An ICE restart on it gathers anew, with new credentials.
    let again = a.restart_ice().await.unwrap();
    assert_ne!(attr(&again, "ice-ufrag"), attr(&offer, "ice-ufrag"));
    a.close();
    b.close();
}

#[wasm_bindgen_test]
async fn ice_restart_and_hold_are_real_offers_and_answers() {
    let ctx = AudioContext::new().unwrap();
    let a = PeerSession::new(&[], &track(&ctx), |_| {}).unwrap();
    let b = PeerSession::new(&[], &track(&ctx), |_| {}).unwrap();
    let offer = a.create_offer().await.unwrap();
    let answer = b.answer_offer(&offer).await.unwrap();
    a.apply_answer(&answer).await.unwrap();

    // A restarts ICE: new credentials, and B's answer goes back to A.
    let restart = a.restart_ice().await.unwrap();
    assert_ne!(attr(&restart, "ice-ufrag"), attr(&offer, "ice-ufrag"));
    let answer2 = b.answer_reoffer(&restart, false).await.unwrap();
    assert_eq!(direction(&answer2), "sendrecv");
    a.apply_answer(&answer2).await.unwrap();

    // B holds A with a sendonly offer; A's answer is recvonly with a settled DTLS role
    // (an answer may not say actpass: RFC 5763 §5).
    let hold = b
        .restart_ice()
        .await
        .unwrap()
        .replace("a=sendrecv", "a=sendonly");
    let held = a.answer_reoffer(&hold, false).await.unwrap();
    assert_eq!(direction(&held), "recvonly");
    let setup = attr(&held, "setup");
    assert!(
        setup.iter().all(|s| *s == "active" || *s == "passive"),
        "{setup:?}"
    );
    // A holds too: nothing flows either way.
    let both = b
        .restart_ice()
        .await
        .unwrap()
        .replace("a=sendrecv", "a=sendonly");
    let answer3 = a.answer_reoffer(&both, true).await.unwrap();
    assert_eq!(direction(&answer3), "inactive");
    a.close();
    b.close();
}

#[wasm_bindgen_test]
async fn sign_in_refuses_clear_signalling_to_another_host_before_touching_audio() {
    let account = Account {
        sip_uri: "sip:1001@example.com".into(),
        password: "pw".into(),
        edges: "ws://edge.example.com:8088".into(),
        ..Account::default()
    };
    let result = Runtime::sign_in(&account, &DeviceChoice::default(), |_| {}, |_| {}).await;
    assert_eq!(
        result.err(),
        Some(SignInError::InsecureServer {
            url: "edge.example.com:8088".into()
        })
    );
}
