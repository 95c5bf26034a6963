//! A dry run of the sign-in on an engine with no connection, thrown away after.
//!
//! Chromium compiles each WebAssembly function the first time it is called (lazy
//! compilation). The code the sign-in runs first (the account's checks, the engine's
//! start, the REGISTER, the registrar's answers and the digest) was compiled at the click:
//! 10-15 ms of the 15-20 before the REGISTER left, and 3 ms more at the 401 (measured with
//! and without `--js-flags=--no-wasm-lazy-compilation`). Rehearsed while the form is shown,
//! that code is ready when the agent clicks. Nothing leaves the page: the engine's frames
//! are only read here, and the registrar's answers are made from them in the page.

use std::cell::Cell;

use phone::{Command, Input, Instant, Output, Phone, PhoneView};

use crate::account::Account;

thread_local! {
    static DONE: Cell<bool> = const { Cell::new(false) };
}

/// Goes through a sign-in, once per page, on an engine of its own whose frames go nowhere:
/// the REGISTER, a challenge to it, the REGISTER with credentials, and its acceptance. Call
/// it once the sign-in form is painted: it holds the main thread while it compiles.
pub fn rehearse_sign_in() {
    if !DONE.replace(true) {
        let _ = rehearse(crate::random_seed());
    }
}

/// The rehearsal; the engine's view at its end, `None` if a step found nothing to answer.
fn rehearse(seed: u64) -> Option<PhoneView> {
    let account = Account {
        sip_uri: "sip:rehearsal@rehearsal.invalid".into(),
        password: "rehearsal".into(),
        edges: "wss://rehearsal.invalid".into(),
        ..Account::default()
    };
    let cfg = account.phone_config(seed).ok()?;
    account.ice_config().ok()?;
    let mut phone = Phone::new(cfg);
    let now = Instant::now();
    phone.handle(Input::Command(Command::SignIn), now);
    phone.handle(Input::TransportUp, now);
    let answers = [
        "401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"rehearsal.invalid\", nonce=\"0\", qop=\"auth\"",
        // The registrar lists the binding: the request's own Contact, with its expiry.
        "200 OK",
    ];
    for answer in answers {
        let response = answer_to(&last_frame(&mut phone)?, answer)?;
        phone.handle(Input::Frame(response.into_bytes()), now);
    }
    let _ = last_frame(&mut phone);
    Some(phone.view())
}

/// Drains the engine; the last frame it would have sent.
fn last_frame(phone: &mut Phone) -> Option<String> {
    let mut last = None;
    while let Some(out) = phone.poll_output() {
        if let Output::Transmit(frame) = out {
            last = Some(frame);
        }
    }
    last
}

/// A response to `request`: its headers (Via, From, To, Call-ID, CSeq, and Contact with an
/// expiry) under the status line and headers in `status`, with no body.
fn answer_to(request: &str, status: &str) -> Option<String> {
    let (_, rest) = request.split_once("\r\n")?;
    let (headers, _) = rest.split_once("\r\n\r\n")?;
    let mut answer = format!("SIP/2.0 {status}\r\n");
    for header in headers.split("\r\n") {
        let name = header.split(':').next().unwrap_or("").trim();
        let name = name.to_ascii_lowercase();
        match name.as_str() {
            "via" | "v" | "from" | "f" | "to" | "t" | "call-id" | "i" | "cseq" => {
                answer.push_str(header);
            }
            "contact" | "m" => {
                answer.push_str(header);
                answer.push_str(";expires=600");
            }
            _ => continue,
        }
        answer.push_str("\r\n");
    }
    answer.push_str("Content-Length: 0\r\n\r\n");
    Some(answer)
}

#[cfg(test)]
mod tests {
    use phone::RegStatus;

    use super::*;

    #[test]
    fn the_rehearsal_goes_all_the_way_to_registered() {
        let view = rehearse(7).expect("every step had a frame to answer");
        assert_eq!(view.registration, RegStatus::Registered);
    }

    #[test]
    fn an_answer_keeps_the_transaction_headers_and_the_binding() {
        let request = "REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/WSS a;branch=z9hG4bKb\r\n\
            Max-Forwards: 70\r\nTo: <sip:u@x>\r\nFrom: <sip:u@x>;tag=t\r\nCall-ID: c\r\n\
            CSeq: 1 REGISTER\r\nContact: <sip:u@y>\r\nContent-Length: 0\r\n\r\n";
        assert_eq!(
            answer_to(request, "200 OK").as_deref(),
            Some(
                "SIP/2.0 200 OK\r\nVia: SIP/2.0/WSS a;branch=z9hG4bKb\r\nTo: <sip:u@x>\r\n\
                 From: <sip:u@x>;tag=t\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\nContact: <sip:u@y>;expires=600\r\nContent-Length: 0\r\n\r\n"
            )
        );
    }
}
