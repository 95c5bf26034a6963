//! RFC 3261 §22.3: a registered phone answers its realm's last challenge up front, so a new
//! call passes the proxy's digest check at once instead of costing a 407 round trip. Every
//! use of a nonce counts one higher (qop=auth, RFC 7616 §3.4), REGISTER and INVITE alike,
//! each with a fresh cnonce.

mod common;

use std::time::Duration;

use common::Net;
use phone::Command;

/// Two agents signed in through a proxy that checks new calls as Kamailio does.
fn checked_calls() -> Net {
    let mut net = Net::new(&["1001", "1002"]);
    net.proxy.auth.calls = true;
    net.sign_in_all();
    net
}

#[test]
fn a_call_placed_after_registration_is_not_challenged() {
    let mut net = checked_calls();
    net.call(0, 1);
    assert!(
        !net.proxy
            .auth
            .challenges
            .iter()
            .any(|c| c.starts_with("407")),
        "{:?}",
        net.proxy.auth.challenges
    );
    assert_eq!(net.proxy.count("INVITE 1002"), 1, "one INVITE, no retry");
    net.assert_hearing(&[0, 1], &[(0, 1), (1, 0)]);
}

#[test]
fn each_use_of_the_nonce_counts_higher_with_a_fresh_cnonce() {
    let mut net = checked_calls();
    for _ in 0..2 {
        net.call(0, 1);
        net.command(0, Command::HangUp);
        net.settle();
    }
    // The registration's refresh uses the same nonce again.
    net.run_for(Duration::from_secs(600));
    let used: Vec<_> = net
        .proxy
        .auth
        .presented
        .iter()
        .filter(|p| p.user == "1001")
        .collect();
    let methods: Vec<&str> = used.iter().map(|p| p.method.as_str()).collect();
    assert_eq!(methods, ["REGISTER", "INVITE", "INVITE", "REGISTER"]);
    assert!(used.iter().all(|p| p.nonce == used[0].nonce), "{used:?}");
    let counts: Vec<u32> = used.iter().map(|p| p.nc).collect();
    assert_eq!(counts, [1, 2, 3, 4]);
    let mut cnonces: Vec<&str> = used.iter().map(|p| p.cnonce.as_str()).collect();
    cnonces.sort_unstable();
    cnonces.dedup();
    assert_eq!(cnonces.len(), 4, "a fresh cnonce each time");
    assert!(net
        .proxy
        .auth
        .challenges
        .iter()
        .all(|c| !c.contains("1002") || c.starts_with("401 REGISTER")));
}
