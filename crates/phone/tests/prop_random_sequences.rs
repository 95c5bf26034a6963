//! Random sequences of commands and remote events on four agents: the engine never panics,
//! never leaves a live line that no control can reach (E4), and no mix ever lets anyone hear
//! themselves, directly or round a loop through other mixers.

mod common;

use std::time::Duration;

use common::Net;
use phone::{Command, Input, LineState};
use proptest::prelude::*;

const USERS: [&str; 4] = ["1001", "1002", "1003", "1004"];

#[derive(Debug, Clone)]
enum Step {
    Dial(usize, usize),
    DialConference(usize, usize),
    Answer(usize),
    Decline(usize),
    HangUp(usize),
    HangUpLine(usize, usize),
    Hold(usize, usize),
    Retrieve(usize, usize),
    Merge(usize),
    ConfirmMerge(usize),
    CancelMerge(usize),
    Disconnect(usize, usize),
    EndConference(usize),
    Leave(usize),
    TransportBounce(usize),
    Wait(u64),
}

fn step() -> impl Strategy<Value = Step> {
    let a = 0..USERS.len();
    let k = 0..3usize;
    prop_oneof![
        3 => (a.clone(), a.clone()).prop_map(|(x, y)| Step::Dial(x, y)),
        2 => (a.clone(), a.clone()).prop_map(|(x, y)| Step::DialConference(x, y)),
        4 => a.clone().prop_map(Step::Answer),
        1 => a.clone().prop_map(Step::Decline),
        1 => a.clone().prop_map(Step::HangUp),
        1 => (a.clone(), k.clone()).prop_map(|(x, i)| Step::HangUpLine(x, i)),
        2 => (a.clone(), k.clone()).prop_map(|(x, i)| Step::Hold(x, i)),
        2 => (a.clone(), k.clone()).prop_map(|(x, i)| Step::Retrieve(x, i)),
        2 => a.clone().prop_map(Step::Merge),
        1 => a.clone().prop_map(Step::ConfirmMerge),
        1 => a.clone().prop_map(Step::CancelMerge),
        1 => (a.clone(), k).prop_map(|(x, i)| Step::Disconnect(x, i)),
        1 => a.clone().prop_map(Step::EndConference),
        1 => a.clone().prop_map(Step::Leave),
        1 => a.prop_map(Step::TransportBounce),
        1 => (0u64..40).prop_map(Step::Wait),
    ]
}

fn nth_line(net: &Net, agent: usize, k: usize) -> Option<phone::LineId> {
    net.lines(agent).get(k).map(|l| l.id)
}

fn apply(net: &mut Net, s: &Step) {
    let cmd = |c| Some(Input::Command(c));
    let input = match *s {
        Step::Dial(_, b) => cmd(Command::Dial(USERS[b].into())),
        Step::DialConference(_, b) => cmd(Command::DialConference(USERS[b].into())),
        Step::Answer(_) => cmd(Command::Answer),
        Step::Decline(_) => cmd(Command::Decline),
        Step::HangUp(_) => cmd(Command::HangUp),
        Step::Merge(_) => cmd(Command::Merge),
        Step::ConfirmMerge(_) => cmd(Command::ConfirmMerge),
        Step::CancelMerge(_) => cmd(Command::CancelMerge),
        Step::EndConference(_) => cmd(Command::EndConference),
        Step::Leave(_) => cmd(Command::Leave),
        Step::HangUpLine(a, k) => nth_line(net, a, k).and_then(|l| cmd(Command::HangUpLine(l))),
        Step::Hold(a, k) => nth_line(net, a, k).and_then(|l| cmd(Command::Hold(l))),
        Step::Retrieve(a, k) => nth_line(net, a, k).and_then(|l| cmd(Command::Retrieve(l))),
        Step::Disconnect(a, k) => nth_line(net, a, k).and_then(|l| cmd(Command::Disconnect(l))),
        Step::TransportBounce(a) => {
            net.input(a, Input::TransportDown);
            Some(Input::TransportUp)
        }
        Step::Wait(secs) => {
            net.run_for(Duration::from_secs(secs));
            None
        }
    };
    let agent = match *s {
        Step::Dial(a, _) | Step::DialConference(a, _) => a,
        Step::Answer(a)
        | Step::Decline(a)
        | Step::HangUp(a)
        | Step::Merge(a)
        | Step::ConfirmMerge(a)
        | Step::CancelMerge(a)
        | Step::EndConference(a)
        | Step::Leave(a)
        | Step::TransportBounce(a) => a,
        Step::HangUpLine(a, _)
        | Step::Hold(a, _)
        | Step::Retrieve(a, _)
        | Step::Disconnect(a, _) => a,
        Step::Wait(_) => 0,
    };
    if let Some(input) = input {
        net.input(agent, input);
    }
    net.settle();
}

fn check(net: &Net) {
    let all: Vec<usize> = (0..USERS.len()).collect();
    for &a in &all {
        assert!(!net.hears(a, a), "{} hears itself", USERS[a]);
        let mix = net.agents[a].phone.mix();
        for p in 0..mix.gains.len() {
            assert!(
                !mix.hears(p, p),
                "{}: port {p} fed back to itself",
                USERS[a]
            );
        }
        for line in net.lines(a) {
            // E4: a live line can always be reached, at least to end it.
            assert!(line.can_hang_up, "{}: {line:?}", USERS[a]);
            if line.state == LineState::Connected {
                // Held: it can be retrieved; talking: it can be held.
                assert!(
                    if line.held {
                        line.retrieve.enabled
                    } else {
                        line.hold.enabled
                    },
                    "{}: {line:?}",
                    USERS[a]
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_sequences_keep_every_invariant(steps in proptest::collection::vec(step(), 1..24)) {
        let mut net = Net::new(&USERS);
        net.sign_in_all();
        for s in &steps {
            apply(&mut net, s);
            check(&net);
        }
        // Whatever happened, everyone can hang up everything and ends idle.
        for a in 0..USERS.len() {
            for l in net.lines(a) {
                net.command(a, Command::HangUpLine(l.id));
            }
            net.settle();
        }
        net.run_for(Duration::from_secs(40));
        for (a, user) in USERS.iter().enumerate() {
            prop_assert!(net.lines(a).is_empty(), "{user} still has {:?}", net.lines(a));
        }
    }
}
