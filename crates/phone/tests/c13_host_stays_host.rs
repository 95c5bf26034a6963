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
    }
}
