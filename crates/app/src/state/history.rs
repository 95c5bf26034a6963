//! Recents: the call history, kept in this browser (newest first), with missed calls marked
//! until the agent has seen them.

use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::JsValue;
use web::{Direction, LineId, LineState, LineView, Outcome};

use super::{load, storage};

const KEY: &str = "softphone.recents";
/// Enough for a shift; older calls fall off.
const KEEP: usize = 200;

/// One ended call.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CallRecord {
    pub(crate) peer: String,
    /// What redials it.
    pub(crate) number: String,
    pub(crate) incoming: bool,
    /// The result's words come from i18n at display time; stored as a stable token.
    pub(crate) result: CallResult,
    /// Seconds talked (0 when never connected).
    pub(crate) seconds: u64,
    /// When it started, milliseconds since the epoch.
    pub(crate) at_ms: f64,
    /// A missed call the agent has not looked at yet.
    pub(crate) unseen: bool,
}

/// How a call in Recents ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallResult {
    Answered,
    Missed,
    Declined,
    Busy,
    NotFound,
    NoAnswer,
    Failed,
}

impl CallResult {
    const ALL: [(Self, &'static str); 7] = [
        (Self::Answered, "answered"),
        (Self::Missed, "missed"),
        (Self::Declined, "declined"),
        (Self::Busy, "busy"),
        (Self::NotFound, "not-found"),
        (Self::NoAnswer, "no-answer"),
        (Self::Failed, "failed"),
    ];

    pub(crate) fn token(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(r, _)| *r == self)
            .map_or("failed", |(_, t)| t)
    }

    fn from_token(t: &str) -> Self {
        Self::ALL
            .iter()
            .find(|(_, tok)| *tok == t)
            .map_or(Self::Failed, |(r, _)| *r)
    }

    fn of(line: &LineView) -> Self {
        match &line.state {
            _ if line.connected_at.is_some() => Self::Answered,
            LineState::Ended(Outcome::Missed) => Self::Missed,
            LineState::Ended(Outcome::Declined) => Self::Declined,
            LineState::Ended(Outcome::Busy) => Self::Busy,
            LineState::Ended(Outcome::NotFound) => Self::NotFound,
            LineState::Ended(Outcome::NoAnswer) => Self::NoAnswer,
            LineState::Ended(Outcome::HungUp) if line.direction == Direction::Incoming => {
                Self::Missed
            }
            LineState::Ended(Outcome::HungUp) => Self::NoAnswer,
            _ => Self::Failed,
        }
    }
}

/// The history and the lines already written to it.
#[derive(Debug, Clone, Default)]
pub(crate) struct History {
    pub(crate) calls: Vec<CallRecord>,
    /// Lines of this sign-in already recorded (they linger on screen a while).
    recorded: Vec<LineId>,
    /// When each live line was first seen, for the start time.
    started: Vec<(LineId, f64)>,
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
}

impl History {
    /// What this browser remembers.
    pub(crate) fn load() -> Self {
        let calls = load(KEY)
            .and_then(|text| JSON::parse(&text).ok())
            .map(|v| {
                Array::from(&v)
                    .iter()
                    .filter_map(|o| record_of(&o))
                    .collect()
            })
            .unwrap_or_default();
        Self {
            calls,
            ..Self::default()
        }
    }

    fn save(&self) {
        let list: Array = self.calls.iter().map(|c| JsValue::from(to_js(c))).collect();
        if let (Some(s), Ok(text)) = (storage(), JSON::stringify(&list)) {
            let _ = s.set_item(KEY, &String::from(text));
        }
    }

    /// Notes new lines and records the ones that ended. Returns whether anything changed.
    pub(crate) fn observe(&mut self, lines: &[LineView]) -> bool {
        let mut changed = false;
        for line in lines {
            if !self.started.iter().any(|(id, _)| *id == line.id) {
                self.started.push((line.id, now_ms()));
            }
            let ended = matches!(line.state, LineState::Ended(_));
            if !ended || self.recorded.contains(&line.id) {
                continue;
            }
            self.recorded.push(line.id);
            let at_ms = self
                .started
                .iter()
                .find(|(id, _)| *id == line.id)
                .map_or_else(now_ms, |(_, t)| *t);
            let seconds = line.connected_at.map_or(0, |t| {
                web::Instant::now().saturating_duration_since(t).as_secs()
            });
            let result = CallResult::of(line);
            self.calls.insert(
                0,
                CallRecord {
                    peer: line.peer.clone(),
                    number: line.number.clone(),
                    incoming: line.direction == Direction::Incoming,
                    result,
                    seconds,
                    at_ms,
                    unseen: result == CallResult::Missed,
                },
            );
            changed = true;
        }
        // A line gone from the view is over for good: what was kept for it can go too.
        self.recorded.retain(|id| lines.iter().any(|l| l.id == *id));
        self.started
            .retain(|(id, _)| lines.iter().any(|l| l.id == *id));
        if changed {
            self.calls.truncate(KEEP);
            self.save();
        }
        changed
    }

    /// Missed calls not yet seen.
    pub(crate) fn unseen(&self) -> usize {
        self.calls.iter().filter(|c| c.unseen).count()
    }

    /// The agent looked at Recents.
    pub(crate) fn mark_seen(&mut self) {
        if self.unseen() > 0 {
            self.calls.iter_mut().for_each(|c| c.unseen = false);
            self.save();
        }
    }
}

fn to_js(c: &CallRecord) -> Object {
    let o = Object::new();
    let put = |k: &str, v: JsValue| {
        let _ = Reflect::set(&o, &JsValue::from_str(k), &v);
    };
    put("peer", c.peer.as_str().into());
    put("number", c.number.as_str().into());
    put("incoming", c.incoming.into());
    put("result", c.result.token().into());
    put("seconds", (c.seconds as f64).into());
    put("at", c.at_ms.into());
    put("unseen", c.unseen.into());
    o
}

fn record_of(o: &JsValue) -> Option<CallRecord> {
    Some(CallRecord {
        peer: get(o, "peer").as_string()?,
        number: get(o, "number").as_string()?,
        incoming: get(o, "incoming").as_bool()?,
        result: CallResult::from_token(&get(o, "result").as_string()?),
        seconds: get(o, "seconds").as_f64()?.max(0.0) as u64,
        at_ms: get(o, "at").as_f64()?,
        unseen: get(o, "unseen").as_bool().unwrap_or(false),
    })
}
