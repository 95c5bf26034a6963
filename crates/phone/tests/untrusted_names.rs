//! A caller chooses its display name: the agent sees it capped and without the bidi or
//! control characters that could make it read as someone else.

mod common;

use common::Net;
use phone::{Command, LineState};

const A: usize = 0;
const B: usize = 1;

#[test]
fn a_spoofing_display_name_is_shown_capped_and_stripped() {
    let mut net = Net::new(&["1001", "1002"]);
    let name = format!(
        "Bank\u{202E}4321\u{202C} support\u{2066}{}",
        "!".repeat(300)
    );
    net.configure(A, |c| c.ua.display_name = Some(name.clone()));
    net.sign_in_all();
    net.command(A, Command::Dial("1002".into()));
    net.settle();
    let line = net.view(B).line.expect("B rings");
    assert_eq!(line.state, LineState::Incoming);
    assert!(
        line.peer.starts_with("Bank4321 support!"),
        "{:?}",
        line.peer
    );
    assert_eq!(line.peer.chars().count(), sip::MAX_DISPLAY_CHARS);
    assert!(
        !line
            .peer
            .chars()
            .any(|c| c.is_control() || ('\u{202A}'..='\u{202E}').contains(&c)),
        "{:?}",
        line.peer
    );
}
