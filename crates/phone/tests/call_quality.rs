//! Call quality per participant: the browser reports each leg's loss, jitter and round trip
//! every 2 s; the host's Contact Info rows and call card show good / fair / poor with the
//! figures, and the agent is told once when a leg turns poor.

mod common;

use std::time::Duration;

use common::{Net, B, C, H};
use phone::{Input, LegStats, LineId, Notice, QualityLevel};

const EVERY: Duration = Duration::from_secs(2);

fn clean() -> LegStats {
    LegStats {
        lost: 0,
        received: 100,
        jitter: Duration::from_millis(3),
        rtt: Some(Duration::from_millis(30)),
    }
}

/// `percent` of the interval's 100 packets lost.
fn lossy(percent: u32) -> LegStats {
    LegStats {
        lost: percent,
        received: 100 - percent,
        ..clean()
    }
}

fn report(net: &mut Net, agent: usize, line: LineId, stats: LegStats) {
    net.input(agent, Input::LegStats { line, stats });
}

fn row_level(net: &Net, agent: usize, user: &str) -> Option<QualityLevel> {
    net.view(agent)
        .conference
        .expect("a conference")
        .roster
        .into_iter()
        .find(|p| p.name.contains(user))
        .and_then(|p| p.quality)
        .map(|q| q.level)
}

#[test]
fn one_lossy_participant_turns_poor_the_others_stay_good() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.merge_three(H, B, C);
    let to_b = net.line_to(H, "1002").id;
    let to_c = net.line_to(H, "1003").id;
    assert_eq!(
        row_level(&net, H, "1002"),
        None,
        "no figure before a report"
    );

    for _ in 0..3 {
        report(&mut net, H, to_b, clean());
        report(&mut net, H, to_c, clean());
        net.run_for(EVERY);
    }
    assert_eq!(row_level(&net, H, "1002"), Some(QualityLevel::Good));
    assert_eq!(row_level(&net, H, "1003"), Some(QualityLevel::Good));
    assert_eq!(net.view(H).notice, None);

    // B's packets start getting lost: 20 % is poor (R well under 60).
    report(&mut net, H, to_b, lossy(20));
    report(&mut net, H, to_c, clean());
    assert_eq!(row_level(&net, H, "1002"), Some(QualityLevel::Poor));
    assert_eq!(row_level(&net, H, "1003"), Some(QualityLevel::Good));
    let q = net.line_to(H, "1002").quality.expect("figures on the line");
    assert_eq!(q.loss_centi_percent, 2000);
    assert_eq!(q.rtt_ms, Some(30));
    assert_eq!(q.jitter_ms, 3);
    assert!(q.mos_centi < 310, "{q:?}");
    match net.view(H).notice {
        Some(Notice::PoorQuality { party, mos_centi }) => {
            assert!(party.contains("1002"), "{party}");
            assert_eq!(mos_centi, q.mos_centi);
        }
        other => panic!("expected a poor-quality notice, got {other:?}"),
    }
}

#[test]
fn the_notice_comes_once_and_the_level_does_not_flap() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    net.call(H, B);
    let line = net.line_to(H, "1002").id;
    let level = |net: &Net| net.line_to(H, "1002").quality.map(|q| q.level);

    report(&mut net, H, line, lossy(20));
    assert_eq!(level(&net), Some(QualityLevel::Poor));
    assert!(matches!(
        net.view(H).notice,
        Some(Notice::PoorQuality { .. })
    ));
    // The agent does something else; the leg stays poor: no second notice.
    net.command(H, phone::Command::Mute(true));
    assert_eq!(net.view(H).notice, None);
    net.run_for(EVERY);
    report(&mut net, H, line, lossy(18));
    assert_eq!(net.view(H).notice, None, "still poor: told once");

    // Loss just under the poor threshold (R a little over 60): not enough to climb back.
    let r = |s: LegStats| s.e_model().r_factor();
    let edge = (0..30)
        .map(lossy)
        .find(|s| r(*s) >= 60.0 && r(*s) < 65.0)
        .expect("a loss with R in 60..65");
    for _ in 0..5 {
        net.run_for(EVERY);
        report(&mut net, H, line, edge);
        assert_eq!(level(&net), Some(QualityLevel::Poor), "R {}", r(edge));
    }
    // Clearly better: fair, then good.
    let fair = (0..30)
        .map(lossy)
        .find(|s| r(*s) >= 66.0 && r(*s) < 78.0)
        .expect("a loss with R in 66..78");
    net.run_for(EVERY);
    report(&mut net, H, line, fair);
    assert_eq!(level(&net), Some(QualityLevel::Fair));
    net.run_for(EVERY);
    report(&mut net, H, line, clean());
    assert_eq!(level(&net), Some(QualityLevel::Good));
    // Poor again later: a new notice.
    net.run_for(EVERY);
    report(&mut net, H, line, lossy(25));
    assert!(matches!(
        net.view(H).notice,
        Some(Notice::PoorQuality { .. })
    ));
}

#[test]
fn an_interval_without_packets_and_unknown_lines_change_nothing() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    net.call(H, B);
    let line = net.line_to(H, "1002").id;
    report(&mut net, H, line, clean());
    let before = net.line_to(H, "1002").quality;
    // Held, or the path down: no packets either way says nothing about quality.
    report(
        &mut net,
        H,
        line,
        LegStats {
            lost: 0,
            received: 0,
            jitter: Duration::ZERO,
            rtt: None,
        },
    );
    assert_eq!(net.line_to(H, "1002").quality, before);
    // A report for a line that does not exist is ignored, not a panic.
    report(&mut net, H, LineId(999), lossy(50));
    assert_eq!(net.view(H).notice, None);
    // Ringing lines get no rating: only connected legs carry audio to rate.
    net.command(B, phone::Command::HangUp);
    net.settle();
    report(&mut net, H, line, lossy(50));
    assert!(net.view(H).lines.iter().all(|l| l.quality.is_none()));
}
