//! C1: the agent who connects a third party to a two-party call becomes host.

mod common;

use common::Net;

const H: usize = 0;
const B: usize = 1;
const C: usize = 2;

#[test]
fn c01_the_agent_who_connects_the_third_party_is_host() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.merge_three(H, B, C);
    let view = net.view(H);
    let conf = view.conference.expect("a conference");
    assert!(conf.host);
    assert_eq!(conf.participants, 3);
    assert!(view
        .lines
        .iter()
        .all(|l| l.in_conference && l.disconnect.enabled));
    assert!(view.controls.end_conference.enabled && view.controls.leave.enabled);
    // C11: the others learn who is in it from the host (conference event package).
    let theirs = net.view(B).conference.expect("B sees the conference");
    assert!(!theirs.host);
    assert_eq!(theirs.participants, 3);
    let names: Vec<String> = theirs.roster.iter().map(|p| p.name.clone()).collect();
    assert!(
        names.iter().any(|n| n.contains("1001")) && names.iter().any(|n| n.contains("1003")),
        "{names:?}"
    );
}
