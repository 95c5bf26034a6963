//! Carries out the engine's media instructions with WebRTC and the mixer worklet. Policy
//! (what rings where, which tone plan, when a closed leg's port is free) is the engine's;
//! this only executes it and reports back what the browser says.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use phone::{Input, LineId, MediaAction, MediaError, MixMatrix, PeerState as EnginePeerState};
use wasm_bindgen_futures::spawn_local;

use crate::audio::AudioEngine;
use crate::peer::{IceServer, PeerSession, PeerState};
use crate::runtime::Runtime;
use crate::worklet_msg::WorkletMsg;

/// A line's peer connection and the mixer port its audio uses.
type Legs = HashMap<LineId, (Rc<PeerSession>, u32)>;

#[derive(Clone)]
pub(crate) struct Media {
    audio: AudioEngine,
    /// The mix applied last, so only changed tones go to the worklet.
    applied: Rc<RefCell<Option<MixMatrix>>>,
    ice: Rc<Vec<IceServer>>,
    peers: Rc<RefCell<Legs>>,
}

fn report(runtime: &Runtime, line: LineId, result: Result<String, MediaError>) {
    runtime.handle(match result {
        Ok(sdp) => Input::LocalSdp { line, sdp },
        Err(error) => Input::MediaFailed { line, error },
    });
}

impl Media {
    pub(crate) fn new(audio: AudioEngine, ice: Vec<IceServer>) -> Self {
        Self {
            audio,
            applied: Rc::default(),
            ice: Rc::new(ice),
            peers: Rc::default(),
        }
    }

    pub(crate) fn apply(&self, action: MediaAction, runtime: &Runtime) {
        let runtime = runtime.clone();
        match action {
            MediaAction::CreateOffer { line, port } => {
                let this = self.clone();
                spawn_local(async move {
                    let result = match this.new_peer(line, port, &runtime) {
                        Ok(peer) => peer
                            .create_offer()
                            .await
                            .map_err(|_| MediaError::LocalDescription),
                        Err(e) => Err(e),
                    };
                    report(&runtime, line, result);
                });
            }
            MediaAction::CreateAnswer { line, port, offer } => {
                let this = self.clone();
                spawn_local(async move {
                    let result = match this.new_peer(line, port, &runtime) {
                        Ok(peer) => peer
                            .answer_offer(&offer)
                            .await
                            .map_err(|_| MediaError::RemoteDescription),
                        Err(e) => Err(e),
                    };
                    report(&runtime, line, result);
                });
            }
            MediaAction::RestartIce { line } => {
                let Some(peer) = self.peer(line) else { return };
                spawn_local(async move {
                    let result = peer.restart_ice().await.map_err(|_| MediaError::Ice);
                    report(&runtime, line, result);
                });
            }
            MediaAction::AnswerReoffer { line, offer, hold } => {
                let Some(peer) = self.peer(line) else { return };
                spawn_local(async move {
                    let result = peer
                        .answer_reoffer(&offer, hold)
                        .await
                        .map_err(|_| MediaError::RemoteDescription);
                    report(&runtime, line, result);
                });
            }
            MediaAction::ApplyEarlyAnswer { line, answer } => {
                let Some(peer) = self.peer(line) else { return };
                spawn_local(async move {
                    // Early media is a nicety: if the browser refuses it, ringback still plays
                    // and the final answer decides.
                    if let Err(e) = peer.apply_provisional_answer(&answer).await {
                        crate::error::console_warn(&format!("early media: {e}"));
                    }
                });
            }
            MediaAction::ApplyAnswer { line, answer } => {
                let Some(peer) = self.peer(line) else { return };
                spawn_local(async move {
                    if peer.apply_answer(&answer).await.is_err() {
                        let error = MediaError::RemoteDescription;
                        runtime.handle(Input::MediaFailed { line, error });
                    }
                });
            }
            MediaAction::SendDtmf { line, digit } => {
                let Some(peer) = self.peer(line) else { return };
                if let Err(e) = peer.insert_dtmf(digit) {
                    crate::error::console_warn(&format!("DTMF: {e}"));
                }
            }
            MediaAction::Close { line, port } => {
                if let Some((peer, _)) = self.peers.borrow_mut().remove(&line) {
                    peer.close();
                }
                if let Ok(port) = u32::try_from(port) {
                    self.audio.detach_remote(port);
                }
            }
            MediaAction::Mix(matrix) => self.mix(matrix),
            _ => {}
        }
    }

    fn mix(&self, matrix: MixMatrix) {
        self.audio.post(&WorkletMsg::Matrix {
            gains: &matrix.gains,
        });
        let mut applied = self.applied.borrow_mut();
        let before = applied.take();
        let region = matrix.region;
        let ringer_before = before.as_ref().and_then(|m| m.ringer);
        if matrix.ringer != ringer_before || before.as_ref().is_some_and(|m| m.region != region) {
            match matrix.ringer {
                Some(tone) => self.audio.play_ringer(tone, region),
                None => self.audio.post(&WorkletMsg::RingerStop),
            }
        }
        for (port, tone) in matrix.tones.iter().enumerate() {
            let was = before.as_ref().and_then(|m| m.tone(port));
            if was == *tone && before.as_ref().is_some_and(|m| m.region == region) {
                continue;
            }
            let port = port as u32;
            self.audio.post(&match tone {
                Some(tone) => WorkletMsg::Tone {
                    port,
                    tone: *tone,
                    region,
                },
                None => WorkletMsg::ToneStop { port },
            });
        }
        *applied = Some(matrix);
    }

    /// The audio engine, for device choice.
    pub(crate) fn audio(&self) -> AudioEngine {
        self.audio.clone()
    }

    /// `(rms, peak)` per mixer port, for speaking indicators.
    pub(crate) fn levels(&self) -> Vec<(f32, f32)> {
        self.audio.levels()
    }

    /// Every leg's peer connection, for the quality readings.
    pub(crate) fn legs(&self) -> Vec<(LineId, Rc<PeerSession>)> {
        self.peers
            .borrow()
            .iter()
            .map(|(line, (peer, _))| (*line, peer.clone()))
            .collect()
    }

    fn peer(&self, line: LineId) -> Option<Rc<PeerSession>> {
        self.peers.borrow().get(&line).map(|(p, _)| p.clone())
    }

    fn new_peer(
        &self,
        line: LineId,
        port: usize,
        runtime: &Runtime,
    ) -> Result<Rc<PeerSession>, MediaError> {
        let port = u32::try_from(port).map_err(|_| MediaError::PeerConnection)?;
        let track = self
            .audio
            .outgoing_track(port)
            .ok_or(MediaError::PeerConnection)?;
        let audio = self.audio.clone();
        let peer = PeerSession::new(&self.ice, &track, move |stream| {
            if let Err(e) = audio.attach_remote(port, &stream) {
                crate::error::console_warn(&format!("remote audio: {e}"));
            }
        })
        .map_err(|_| MediaError::PeerConnection)?;
        let weak = runtime.downgrade();
        peer.on_state_change(move |state| {
            let state = match state {
                PeerState::Connecting => EnginePeerState::Connecting,
                PeerState::Connected => EnginePeerState::Connected,
                PeerState::Disconnected => EnginePeerState::Disconnected,
                PeerState::Failed => EnginePeerState::Failed,
                _ => return,
            };
            weak.handle(Input::PeerState { line, state });
        });
        let peer = Rc::new(peer);
        self.peers.borrow_mut().insert(line, (peer.clone(), port));
        Ok(peer)
    }

    pub(crate) fn close_all(&self) {
        for (_, (peer, port)) in self.peers.borrow_mut().drain() {
            peer.close();
            self.audio.detach_remote(port);
        }
        self.audio.close();
    }
}
