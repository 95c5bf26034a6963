//! RFC 4575 §4.1 on a participant: a conference-info NOTIFY whose version is not newer than
//! the last one applied is discarded; partial state is merged by entity into the last full
//! state, and a user marked `deleted` leaves the list. The call itself never changes.

mod common;

use common::{Net, B, C, H};
use phone::{Input, LineState, Participant};
use sip::{ConferenceInfo, Message, Request};

fn roster(net: &Net, agent: usize) -> Vec<Participant> {
    net.view(agent)
        .conference
        .map(|c| c.roster)
        .unwrap_or_default()
}

fn statuses(net: &Net, agent: usize) -> Vec<(String, String)> {
    let mut rows: Vec<_> = roster(net, agent)
        .into_iter()
        .map(|p| (p.name, p.status.token().to_owned()))
        .collect();
    rows.sort();
    rows
}

/// The last conference NOTIFY the focus sent to `agent`.
fn last_notify(net: &Net, agent: usize) -> Request {
    let frame = net
        .delivered
        .iter()
        .rev()
        .find(|(to, f)| *to == agent && f.starts_with("NOTIFY ") && f.contains("<conference-info"))
        .map(|(_, f)| f.clone())
        .expect("a conference NOTIFY reached the participant");
    match Message::parse(frame.as_bytes()).unwrap() {
        Message::Request(r) => r,
        Message::Response(_) => unreachable!(),
    }
}

/// The same NOTIFY with a new CSeq, branch and body.
fn notify_with(template: &Request, n: u32, body: String) -> Vec<u8> {
    let mut req = template.clone();
    let cseq = req.headers.cseq().unwrap();
    req.headers
        .set("CSeq", format!("{} {}", cseq.seq + n, cseq.method));
    let via = req
        .headers
        .get("Via")
        .unwrap()
        .replace("branch=", "branch=z9hG4bKcrafted");
    req.headers.set("Via", via);
    req.body = body.into_bytes();
    req.to_bytes()
}

fn doc(version: u32, state: &str, users: &str) -> String {
    format!(
        "<conference-info xmlns=\"urn:ietf:params:xml:ns:conference-info\" entity=\"sip:focus@x.invalid\" state=\"{state}\" version=\"{version}\"><users>{users}</users></conference-info>"
    )
}

fn user(entity: &str, state: &str, status: &str) -> String {
    format!(
        "<user entity=\"{entity}\" state=\"{state}\"><endpoint entity=\"{entity}\"><status>{status}</status></endpoint></user>"
    )
}

#[test]
fn stale_notifies_are_discarded_and_partial_ones_merged() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.single_step_conference(H, &[B, C]);
    let before = statuses(&net, B);
    assert_eq!(before.len(), 2, "{before:?}");
    let template = last_notify(&net, B);
    let held = ConferenceInfo::parse(std::str::from_utf8(&template.body).unwrap()).unwrap();
    let carol = held
        .users
        .iter()
        .find(|u| u.entity.contains("1003"))
        .expect("the focus lists 1003")
        .entity
        .clone();
    let v = held.version;

    // A late NOTIFY (same version, and an older one) listing nobody changes nothing.
    for (n, version) in [(1, v), (2, v - 1)] {
        let stale = notify_with(&template, n, doc(version, "full", ""));
        net.input(B, Input::Frame(stale));
        net.settle();
        assert_eq!(statuses(&net, B), before, "version {version} was applied");
    }

    // A partial NOTIFY changes only the user it names.
    let hold = user(&carol, "partial", "on-hold");
    net.input(
        B,
        Input::Frame(notify_with(&template, 3, doc(v + 1, "partial", &hold))),
    );
    net.settle();
    let rows = statuses(&net, B);
    assert_eq!(rows.len(), 2, "{rows:?}");
    let status = |rows: &[(String, String)], who: &str| {
        rows.iter()
            .find(|(name, _)| name.contains(who))
            .map(|(_, s)| s.clone())
    };
    assert_eq!(status(&rows, "1003").as_deref(), Some("on-hold"));
    assert_eq!(status(&rows, "1001").as_deref(), Some("connected"));

    // `deleted` removes the user; a stale partial adding it back is discarded.
    let gone = user(&carol, "deleted", "");
    net.input(
        B,
        Input::Frame(notify_with(&template, 4, doc(v + 2, "partial", &gone))),
    );
    net.settle();
    let back = user(&carol, "full", "connected");
    net.input(
        B,
        Input::Frame(notify_with(&template, 5, doc(v + 2, "partial", &back))),
    );
    net.settle();
    let rows = statuses(&net, B);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(status(&rows, "1001").as_deref(), Some("connected"));

    // None of it touched a call.
    for agent in [H, B, C] {
        assert!(
            net.lines(agent)
                .iter()
                .all(|l| l.state == LineState::Connected),
            "{agent}: {:?}",
            net.lines(agent)
        );
    }
    net.assert_hearing(
        &[H, B, C],
        &[(H, B), (B, H), (H, C), (C, H), (B, C), (C, B)],
    );
}
