//! The browser's word on each leg's media path, and the re-negotiations the browser makes for
//! us: an ICE restart after the path failed, and the answer to the far end's re-offer.

use sip::CallId;
use web_time::Instant;

use super::line::MediaOp;
use super::{MediaAction, Phone};
use crate::quality::{CallQuality, LegStats, QualityLevel};
use crate::view::{LineId, LineState, MediaHealth, Outcome};
use crate::words::{Failure, MediaError, Notice};

impl Phone {
    /// A failed path on a call that still has its dialog gets an ICE restart (a re-INVITE
    /// with new ICE credentials); with nothing to restart, the leg is shown as failed.
    pub(super) fn peer_state(&mut self, id: LineId, state: super::PeerState) {
        let Some(line) = self.lines.get_mut(&id).filter(|l| l.live()) else {
            return;
        };
        use super::PeerState as P;
        line.media = match state {
            P::Connecting if line.media == MediaHealth::Restarting => MediaHealth::Restarting,
            P::Connecting => MediaHealth::Connecting,
            P::Connected => MediaHealth::Connected,
            P::Disconnected => MediaHealth::Interrupted,
            P::Failed => {
                let restartable = line.connected()
                    && line.call.is_some_and(|c| !self.ua.renegotiating(c))
                    && !line.hold.changing()
                    && line.media_op.is_none();
                if restartable {
                    line.media_op = Some(MediaOp::IceRestart);
                    line.media = MediaHealth::Restarting;
                    self.media(MediaAction::RestartIce { line: id });
                } else if line.media != MediaHealth::Restarting {
                    line.media = MediaHealth::Failed;
                }
                return self.changed();
            }
        };
        self.changed();
    }

    /// The browser's measurements of a connected leg: rate it, and tell the agent once when
    /// it turns poor (not again every report while it stays poor). An interval with no
    /// packets either way (held, or the path down) says nothing about quality: skipped.
    pub(super) fn leg_stats(&mut self, id: LineId, stats: &LegStats) {
        let Some(line) = self.lines.get_mut(&id).filter(|l| l.connected()) else {
            return;
        };
        if stats.lost == 0 && stats.received == 0 {
            return;
        }
        let before = line.quality.map(|q| q.level);
        let now = CallQuality::rate(before, stats);
        line.quality = Some(now);
        if now.level == QualityLevel::Poor && before != Some(QualityLevel::Poor) {
            self.notice = Some(Notice::PoorQuality {
                party: line.peer.clone(),
                mos_centi: now.mos_centi,
            });
        }
        self.changed();
    }

    /// The browser's SDP for media work on a connected call.
    pub(super) fn media_op_sdp(&mut self, id: LineId, op: MediaOp, sdp: String, now: Instant) {
        let Some(line) = self.lines.get_mut(&id) else {
            return;
        };
        let Some(call) = line.call else { return };
        line.local_sdp = Some(sdp.clone());
        match op {
            MediaOp::IceRestart => {
                if self.ua.reinvite(call, sdp, now).is_err() {
                    line.media_op = None;
                    line.media = MediaHealth::Failed;
                }
            }
            MediaOp::Reanswer => {
                line.media_op = None;
                let _ = self.ua.answer_reoffer(call, sdp, now);
            }
        }
    }

    /// Our re-INVITE was answered: an ICE restart's answer goes to the peer connection.
    pub(super) fn restart_answered(&mut self, call: CallId, answer: String) -> bool {
        let Some(line) = self.line_of(call).and_then(|id| self.lines.get_mut(&id)) else {
            return false;
        };
        if line.media_op != Some(MediaOp::IceRestart) {
            return false;
        }
        line.media_op = None;
        let id = line.id;
        self.media(MediaAction::ApplyAnswer { line: id, answer });
        true
    }

    /// Our ICE restart was refused: the path stays failed; the agent sees it and decides.
    pub(super) fn restart_refused(&mut self, call: CallId) -> bool {
        let Some(line) = self.line_of(call).and_then(|id| self.lines.get_mut(&id)) else {
            return false;
        };
        if line.media_op != Some(MediaOp::IceRestart) {
            return false;
        }
        line.media_op = None;
        line.media = MediaHealth::Failed;
        self.notice = Some(Notice::MediaRestartFailed {
            party: line.peer.clone(),
        });
        true
    }

    /// The browser could not do the media work: a call still being set up fails; an
    /// established one keeps its dialog, and its leg is shown as failed.
    pub(super) fn media_failed(&mut self, id: LineId, error: MediaError, now: Instant) {
        let Some(line) = self.lines.get_mut(&id).filter(|l| l.live()) else {
            return;
        };
        if let Some(op) = line.media_op.take() {
            line.media = MediaHealth::Failed;
            if let (MediaOp::Reanswer, Some(call)) = (op, line.call) {
                let _ = self.ua.reject_reoffer(call, 488);
            }
            return;
        }
        let call = line.call;
        let answering = line.state == LineState::Answering;
        match call {
            Some(call) if answering => {
                let _ = self.ua.reject(call, 488, now);
            }
            Some(call) => {
                let _ = self.ua.hangup(call, now);
            }
            None => {}
        }
        self.end_line(id, Outcome::Failed(Failure::Media(error)), now);
    }
}
