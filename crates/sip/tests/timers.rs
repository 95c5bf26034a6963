//! The timer table: every armed timer is named, `poll_timeout` is the earliest of them, and
//! each comes and goes with the state that owns it.

mod common;

use sip::{Timer, TIMER_64T1};
use web_time::Instant;

#[test]
fn a_register_in_flight_arms_its_transaction_timeout_and_nothing_else() {
    let now = Instant::now();
    let mut ua = common::ua("alice", 1);
    assert_eq!(
        ua.poll_timeout(),
        None,
        "nothing armed before anything happens"
    );
    ua.transport_up(now);
    ua.register(now);
    let timeout = ua
        .timer(Timer::TransactionTimeout)
        .expect("Timer F is armed");
    assert_eq!(timeout, now + TIMER_64T1);
    for t in Timer::ALL {
        if t != Timer::TransactionTimeout {
            assert_eq!(ua.timer(t), None, "{t:?}");
        }
    }
    assert_eq!(ua.poll_timeout(), Some(timeout));
}

#[test]
fn a_call_in_progress_names_its_timers() {
    let mut w = common::Wire::new(&["alice", "bob"]);
    w.call(0, 1);
    let bob = &w.uas[1];
    let armed: Vec<Timer> = Timer::ALL
        .into_iter()
        .filter(|t| bob.timer(*t).is_some())
        .collect();
    assert!(armed.contains(&Timer::SessionRefresh), "{armed:?}");
    let earliest = armed.iter().filter_map(|t| bob.timer(*t)).min();
    assert_eq!(bob.poll_timeout(), earliest);
}
