//! C13: whoever connects whom, the host stays the agent who set up the conference.

mod common;

use common::{Net, B, C, D, H};

#[test]
fn c13_the_host_stays_host_however_many_join() {
    let mut net = Net::four();
    net.single_step_conference(H, &[B, C, D]);
    let conf = net.view(H).conference.unwrap();
    assert!(conf.host);
    assert_eq!(conf.participants, 4);
    for p in [B, C, D] {
        let theirs = net.view(p).conference.unwrap();
        assert!(!theirs.host);
        assert_eq!(theirs.participants, 4, "C11: {theirs:?}");
        // Every participant's panel marks the host's row, and only that one.
        let hosts: Vec<_> = theirs.roster.iter().filter(|r| r.host).collect();
        assert_eq!(hosts.len(), 1, "{theirs:?}");
        assert!(hosts[0].name.contains("1001"), "{theirs:?}");
    }
    // In the host's own list, its own row is the host's.
    let own = &conf.roster;
    assert!(own[0].host && own[0].name.contains("1001"), "{own:?}");
    assert!(own[1..].iter().all(|r| !r.host), "{own:?}");
}
