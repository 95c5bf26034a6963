//! Carries out the engine's media instructions with WebRTC and the mixer worklet. Policy
//! (what rings where, which tone plan, when a closed leg's port is free) is the engine's;
//! this only executes it and reports back what the browser says.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Promise};
use phone::{Input, LineId, MediaAction, MediaError, MixMatrix, PeerState as EnginePeerState};
use sip::VecMap;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{spawn_local, JsFuture};

use crate::audio::AudioEngine;
use crate::peer::{IceServer, PeerSession, PeerState};
use crate::runtime::Runtime;
use crate::spare::{Spares, Use};
use crate::worklet_msg::WorkletMsg;

/// A line's peer connection and the mixer port its audio uses. A few lines at most: a sorted
/// Vec, whose code the engine already has, rather than a HashMap and its hasher.
type Legs = VecMap<LineId, (Rc<PeerSession>, u32)>;

/// The audio engine, which starts beside signalling: registration does not wait for the
/// microphone, the AudioContext and the worklet, only a call's media does.
enum AudioSlot {
    /// Starting; `ready` resolves when it has started or failed.
    Starting {
        ready: Promise,
        resolve: Function,
    },
    Ready(AudioEngine),
    Failed,
    /// Signed out.
    Closed,
}

#[derive(Clone)]
pub(crate) struct Media {
    audio: Rc<RefCell<AudioSlot>>,
    /// The mix applied last, so only changed tones go to the worklet.
    applied: Rc<RefCell<Option<MixMatrix>>>,
    /// The mix the engine wants, kept while the audio is starting.
    wanted: Rc<RefCell<Option<MixMatrix>>>,
    ice: Rc<Vec<IceServer>>,
    peers: Rc<RefCell<Legs>>,
    /// Lines whose connection waits for the audio; a line closed meanwhile gets none.
    waiting: Rc<RefCell<VecMap<LineId, ()>>>,
    /// The next calls' connections, ready before the calls exist.
    spares: Rc<Spares>,
}

fn report(runtime: &Runtime, line: LineId, result: Result<String, MediaError>) {
    runtime.handle(match result {
        Ok(sdp) => Input::LocalSdp { line, sdp },
        Err(error) => Input::MediaFailed { line, error },
    });
}

impl Media {
    /// Media whose audio is still starting ([`audio_started`](Self::audio_started) follows);
    /// [`start_spares`](Self::start_spares) makes the first spare connections.
    pub(crate) fn new(ice: Vec<IceServer>) -> Self {
        let mut resolve = None;
        let ready = Promise::new(&mut |res, _| resolve = Some(res));
        let audio = match resolve {
            Some(resolve) => AudioSlot::Starting { ready, resolve },
            None => AudioSlot::Failed,
        };
        let ice = Rc::new(ice);
        Self {
            audio: Rc::new(RefCell::new(audio)),
            applied: Rc::default(),
            wanted: Rc::default(),
            spares: Spares::new(ice.clone()),
            ice,
            peers: Rc::default(),
            waiting: Rc::default(),
        }
    }

    /// The audio has started (`Some`) or failed (`None`): calls may have media now, and
    /// the mix asked for meanwhile is applied.
    pub(crate) fn audio_started(&self, engine: Option<AudioEngine>) {
        let before = {
            let mut slot = self.audio.borrow_mut();
            if matches!(*slot, AudioSlot::Closed) {
                // Signed out while it started.
                if let Some(engine) = engine {
                    engine.close();
                }
                return;
            }
            std::mem::replace(
                &mut *slot,
                match engine {
                    Some(engine) => AudioSlot::Ready(engine),
                    None => AudioSlot::Failed,
                },
            )
        };
        if let AudioSlot::Starting { resolve, .. } = before {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
        if let Some(matrix) = self.wanted.borrow_mut().take() {
            self.mix(matrix);
        }
    }

    /// The audio engine, once started.
    pub(crate) fn audio(&self) -> Option<AudioEngine> {
        match &*self.audio.borrow() {
            AudioSlot::Ready(engine) => Some(engine.clone()),
            _ => None,
        }
    }

    /// The audio engine, waiting for it if it is starting; `None` if it failed.
    async fn audio_ready(&self) -> Option<AudioEngine> {
        let ready = match &*self.audio.borrow() {
            AudioSlot::Starting { ready, .. } => ready.clone(),
            AudioSlot::Ready(engine) => return Some(engine.clone()),
            AudioSlot::Failed | AudioSlot::Closed => return None,
        };
        let _ = JsFuture::from(ready).await;
        self.audio()
    }

    /// Makes the spare connections calls start from (after the WebSocket: making one takes
    /// the main thread a few ms). Nothing once [`close_all`](Self::close_all) has run.
    pub(crate) fn start_spares(&self) {
        self.spares.start();
    }

    /// A line's new connection on `port`, once the audio is there to feed it; `None` if
    /// the line was closed while the audio started (nobody waits for an answer then).
    async fn peer_for_call(
        &self,
        line: LineId,
        port: usize,
        spare: Use,
        runtime: &Runtime,
    ) -> Result<Option<Rc<PeerSession>>, MediaError> {
        let audio = match self.audio() {
            Some(audio) => audio,
            None => {
                self.waiting.borrow_mut().insert(line, ());
                let audio = self.audio_ready().await;
                if self.waiting.borrow_mut().remove(&line).is_none() {
                    return Ok(None);
                }
                audio.ok_or(MediaError::PeerConnection)?
            }
        };
        self.new_peer(&audio, line, port, spare, runtime).map(Some)
    }

    pub(crate) fn apply(&self, action: MediaAction, runtime: &Runtime) {
        let runtime = runtime.clone();
        match action {
            MediaAction::CreateOffer { line, port } => {
                let this = self.clone();
                spawn_local(async move {
                    let result = match this.peer_for_call(line, port, Use::Place, &runtime).await {
                        Ok(Some(peer)) => peer
                            .create_offer()
                            .await
                            .map_err(|_| MediaError::LocalDescription),
                        Ok(None) => return,
                        Err(e) => Err(e),
                    };
                    report(&runtime, line, result);
                });
            }
            MediaAction::CreateAnswer { line, port, offer } => {
                let this = self.clone();
                spawn_local(async move {
                    let result = match this.peer_for_call(line, port, Use::Answer, &runtime).await {
                        Ok(Some(peer)) => peer
                            .answer_offer(&offer)
                            .await
                            .map_err(|_| MediaError::RemoteDescription),
                        Ok(None) => return,
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
                self.waiting.borrow_mut().remove(&line);
                if let Some((peer, _)) = self.peers.borrow_mut().remove(&line) {
                    peer.close();
                }
                if let (Ok(port), Some(audio)) = (u32::try_from(port), self.audio()) {
                    audio.detach_remote(port);
                }
            }
            MediaAction::Mix(matrix) => self.mix(matrix),
            _ => {}
        }
    }

    fn mix(&self, matrix: MixMatrix) {
        let Some(audio) = self.audio() else {
            *self.wanted.borrow_mut() = Some(matrix);
            return;
        };
        audio.post(&WorkletMsg::Matrix {
            gains: &matrix.gains,
        });
        let mut applied = self.applied.borrow_mut();
        let before = applied.take();
        let region = matrix.region;
        let ringer_before = before.as_ref().and_then(|m| m.ringer);
        if matrix.ringer != ringer_before || before.as_ref().is_some_and(|m| m.region != region) {
            match matrix.ringer {
                Some(tone) => audio.play_ringer(tone, region),
                None => audio.post(&WorkletMsg::RingerStop),
            }
        }
        for (port, tone) in matrix.tones.iter().enumerate() {
            let was = before.as_ref().and_then(|m| m.tone(port));
            if was == *tone && before.as_ref().is_some_and(|m| m.region == region) {
                continue;
            }
            let port = port as u32;
            audio.post(&match tone {
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

    /// `(rms, peak)` per mixer port, for speaking indicators (none while the audio starts).
    pub(crate) fn levels(&self) -> Vec<(f32, f32)> {
        self.audio().map(|a| a.levels()).unwrap_or_default()
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
        audio: &AudioEngine,
        line: LineId,
        port: usize,
        spare: Use,
        runtime: &Runtime,
    ) -> Result<Rc<PeerSession>, MediaError> {
        let port = u32::try_from(port).map_err(|_| MediaError::PeerConnection)?;
        let track = audio
            .outgoing_track(port)
            .ok_or(MediaError::PeerConnection)?;
        let audio = audio.clone();
        let on_remote = move |stream| {
            if let Err(e) = audio.attach_remote(port, &stream) {
                crate::error::console_warn(&format!("remote audio: {e}"));
            }
        };
        let peer = match self.spares.take(spare) {
            Some(spare) => PeerSession::from_spare(spare, &track, on_remote),
            None => PeerSession::new(&self.ice, &track, on_remote),
        }
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
        let audio = self.audio();
        let peers = std::mem::take(&mut *self.peers.borrow_mut());
        for (_, (peer, port)) in &peers {
            peer.close();
            if let Some(audio) = &audio {
                audio.detach_remote(*port);
            }
        }
        *self.waiting.borrow_mut() = VecMap::new();
        self.spares.close();
        let before = std::mem::replace(&mut *self.audio.borrow_mut(), AudioSlot::Closed);
        match before {
            AudioSlot::Ready(engine) => engine.close(),
            // Whoever waits for it hears there is none.
            AudioSlot::Starting { resolve, .. } => {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
            AudioSlot::Failed | AudioSlot::Closed => {}
        }
    }
}
