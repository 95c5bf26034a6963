//! Each leg's packets as the browser counts them, read from `RTCPeerConnection.getStats()`
//! every 2 s and fed to the engine as [`Input::LegStats`]: loss over the interval (the
//! difference of the `inbound-rtp` counters), jitter, and the round trip
//! (`remote-inbound-rtp` roundTripTime, which needs the far end's RTCP receiver reports,
//! else the selected candidate pair's STUN-measured currentRoundTripTime). The engine rates
//! the quality; this only reads and subtracts.

use std::time::Duration;

use js_sys::Reflect;
use phone::{Input, LegStats, LineId};
use sip::VecMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;

use crate::error::await_promise;
use crate::peer::PeerSession;
use crate::runtime::WeakRuntime;

/// How often the legs are read.
pub(crate) const EVERY_MS: u32 = 2000;

/// The cumulative counters and the latest figures of one leg at one reading.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Reading {
    /// `inbound-rtp` packetsLost (cumulative; may go down when duplicates arrive).
    pub(crate) lost: f64,
    /// `inbound-rtp` packetsReceived (cumulative).
    pub(crate) received: f64,
    /// `inbound-rtp` jitter, seconds.
    pub(crate) jitter: f64,
    /// Round trip, seconds, when the browser has one.
    pub(crate) rtt: Option<f64>,
}

impl Reading {
    /// What happened between `before` and this reading. Counters that went backwards (a
    /// restarted stream, duplicates) count as nothing rather than wrap.
    pub(crate) fn since(&self, before: &Self) -> LegStats {
        let delta = |now: f64, then: f64| {
            let d = (now - then).max(0.0);
            if d.is_finite() {
                d.min(f64::from(u32::MAX)) as u32
            } else {
                0
            }
        };
        let secs = |s: f64| Duration::try_from_secs_f64(s).unwrap_or_default();
        LegStats {
            lost: delta(self.lost, before.lost),
            received: delta(self.received, before.received),
            jitter: secs(self.jitter),
            rtt: self.rtt.map(secs),
        }
    }
}

fn number(stat: &JsValue, key: &str) -> Option<f64> {
    Reflect::get(stat, &JsValue::from_str(key)).ok()?.as_f64()
}

fn text(stat: &JsValue, key: &str) -> Option<String> {
    Reflect::get(stat, &JsValue::from_str(key))
        .ok()?
        .as_string()
}

/// One reading of a leg; None when the browser has no audio `inbound-rtp` yet.
async fn read(peer: &PeerSession) -> Option<Reading> {
    let report = await_promise(peer.get_stats(), "getStats").await.ok()?;
    let mut inbound = None;
    let mut remote_rtt = None;
    let mut pair_rtt = None;
    // RTCStatsReport is maplike: forEach(value, key) like a Map.
    let report: js_sys::Map = report.unchecked_into();
    report.for_each(&mut |stat, _| match text(&stat, "type").as_deref() {
        Some("inbound-rtp") if text(&stat, "kind").as_deref() != Some("video") => {
            inbound = Some(Reading {
                lost: number(&stat, "packetsLost").unwrap_or(0.0),
                received: number(&stat, "packetsReceived").unwrap_or(0.0),
                jitter: number(&stat, "jitter").unwrap_or(0.0),
                rtt: None,
            });
        }
        Some("remote-inbound-rtp") => remote_rtt = number(&stat, "roundTripTime").or(remote_rtt),
        Some("candidate-pair")
            if Reflect::get(&stat, &JsValue::from_str("nominated"))
                .is_ok_and(|v| v.is_truthy())
                && text(&stat, "state").as_deref() == Some("succeeded") =>
        {
            pair_rtt = number(&stat, "currentRoundTripTime").or(pair_rtt);
        }
        _ => {}
    });
    inbound.map(|r| Reading {
        rtt: remote_rtt.or(pair_rtt),
        ..r
    })
}

/// Reads every leg of `runtime` every [`EVERY_MS`] until the runtime is gone. Legs come and
/// go between readings; a leg's first reading only sets its baseline.
pub(crate) fn watch(runtime: WeakRuntime) {
    spawn_local(async move {
        let mut last: VecMap<LineId, Reading> = VecMap::new();
        loop {
            crate::timer::sleep(EVERY_MS).await;
            let Some(legs) = runtime.legs() else { break };
            let mut now = VecMap::new();
            for (line, peer) in legs {
                let Some(reading) = read(&peer).await else {
                    continue;
                };
                if let Some(before) = last.get(&line) {
                    let stats = reading.since(before);
                    runtime.handle(Input::LegStats { line, stats });
                }
                now.insert(line, reading);
            }
            last = now;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_of_the_counters() {
        let a = Reading {
            lost: 3.0,
            received: 500.0,
            jitter: 0.004,
            rtt: None,
        };
        let b = Reading {
            lost: 8.0,
            received: 595.0,
            jitter: 0.012,
            rtt: Some(0.045),
        };
        let s = b.since(&a);
        assert_eq!((s.lost, s.received), (5, 95));
        assert_eq!(s.jitter, Duration::from_millis(12));
        assert_eq!(s.rtt, Some(Duration::from_millis(45)));
        // Counters going backwards count as nothing; nonsense figures too.
        let back = a.since(&b);
        assert_eq!((back.lost, back.received), (0, 0));
        let odd = Reading {
            lost: f64::NAN,
            received: f64::INFINITY,
            jitter: -1.0,
            rtt: Some(f64::NAN),
        };
        let s = odd.since(&a);
        assert_eq!(
            (s.lost, s.jitter, s.rtt),
            (0, Duration::ZERO, Some(Duration::ZERO))
        );
    }
}
