//! C11, E3: every participant is listed in the Contact Info panel of every internal
//! participant, with its state, through the conference event package (RFC 4575).

mod common;

use common::Net;
use phone::{Command, Participant};

const H: usize = 0;
const B: usize = 1;
const C: usize = 2;
const D: usize = 3;

fn roster(net: &Net, agent: usize) -> Vec<Participant> {
    net.view(agent)
        .conference
        .map(|c| c.roster)
        .unwrap_or_default()
}

fn status_of(roster: &[Participant], user: &str) -> Option<String> {
    roster
        .iter()
        .find(|p| p.name.contains(user))
        .map(|p| p.status.token().to_owned())
}

#[test]
fn c11_host_and_participants_list_everyone_with_their_state() {
    let mut net = Net::new(&["1001", "1002", "1003", "1004"]);
    net.single_step_conference(H, &[B, C]);
    // The host lists itself and both parties.
    let host = roster(&net, H);
    assert_eq!(host.len(), 3, "{host:?}");
    assert!(
        host.iter().all(|p| p.internal),
        "every agent is on the same domain"
    );
    assert!(net.view(H).lines.iter().all(|l| l.internal));
    // Each participant lists the host and the other party (not itself).
    for (p, other) in [(B, "1003"), (C, "1002")] {
        let r = roster(&net, p);
        assert_eq!(r.len(), 2, "{r:?}");
        assert_eq!(status_of(&r, "1001").as_deref(), Some("connected"));
        assert_eq!(status_of(&r, other).as_deref(), Some("connected"));
    }
    // E3: a party being dialled shows as such everywhere, and then as connected.
    net.command(H, Command::DialConference("1004".into()));
    net.settle();
    assert_eq!(
        status_of(&roster(&net, B), "1004").as_deref(),
        Some("alerting")
    );
    net.command(D, Command::Answer);
    net.settle();
    for p in [B, C, D] {
        let r = roster(&net, p);
        assert_eq!(r.len(), 3, "{}: {r:?}", net.agents[p].user);
        assert!(
            r.iter().all(|x| x.status == phone::PartyStatus::Connected),
            "{r:?}"
        );
    }
}

#[test]
fn c11_a_held_conference_shows_its_parties_on_hold() {
    let mut net = Net::new(&["1001", "1002", "1003", "1004"]);
    net.single_step_conference(H, &[B, C]);
    net.call(H, D); // the conference goes on hold for the consultation
    assert_eq!(
        status_of(&roster(&net, B), "1003").as_deref(),
        Some("on-hold")
    );
    assert_eq!(
        status_of(&roster(&net, H), "1002").as_deref(),
        Some("on-hold")
    );
}

#[test]
fn c11_names_are_plain_text() {
    // Display names travel as XML text and reach the view unchanged, never as markup.
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.single_step_conference(H, &[B, C]);
    assert!(roster(&net, B).iter().any(|p| p.name == "1003"));
}
