//! Carries out the engine's media instructions with WebRTC and the mixer worklet.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use phone::{Input, LineId, MediaAction, Tone};
use wasm_bindgen_futures::spawn_local;
use web::{AudioEngine, IceServer, PeerSession};

use super::Driver;

/// A line's peer connection and the mixer port its audio uses.
type Legs = HashMap<LineId, (Rc<PeerSession>, u32)>;

/// Call-progress tones in their North American form; a regional setting comes with the
/// agent desktop's settings page.
const TONE_REGION: &str = "na";

/// How long a closed leg lingers before its audio is cut and its connection closed: the
/// mixer's 5 ms ramps finish and the last, faded-out packets leave, so that neither end hears
/// the leg stop mid-waveform (a click).
const CLOSE_GRACE_MS: u32 = 60;

#[derive(Clone)]
pub(crate) struct Media {
    audio: AudioEngine,
    /// The tone each output plays now, so only changes go to the worklet.
    tones: Rc<RefCell<Vec<Option<Tone>>>>,
    /// Whether the ringer rings now.
    ringing: Rc<Cell<bool>>,
    ice: Rc<Vec<IceServer>>,
    peers: Rc<RefCell<Legs>>,
    /// Per mixer port, how many legs have used it: a lingering close only detaches the port
    /// if no new leg took it meanwhile.
    generations: Rc<RefCell<HashMap<u32, u64>>>,
}

/// `stun:host:3478 turn:user:pass@host` style lists are out of scope: plain URLs only, and
/// TURN credentials come from the server's config in a later issue.
fn parse_ice(list: &str) -> Vec<IceServer> {
    list.split([' ', ',', '\n'])
        .map(str::trim)
        .filter(|s| s.starts_with("stun:") || s.starts_with("turn:") || s.starts_with("turns:"))
        .map(|url| IceServer {
            urls: vec![url.to_owned()],
            username: None,
            credential: None,
        })
        .collect()
}

impl Media {
    pub(crate) fn new(audio: AudioEngine, ice_servers: &str) -> Self {
        Self {
            audio,
            tones: Rc::default(),
            ringing: Rc::default(),
            ice: Rc::new(parse_ice(ice_servers)),
            peers: Rc::default(),
            generations: Rc::default(),
        }
    }

    pub(crate) fn apply(&self, action: MediaAction, driver: Driver) {
        match action {
            MediaAction::CreateOffer { line, port } => {
                let this = self.clone();
                spawn_local(async move {
                    let result = match this.new_peer(line, port) {
                        Ok(peer) => peer.create_offer().await.map_err(|e| e.to_string()),
                        Err(e) => Err(e),
                    };
                    driver.handle(local_sdp(line, result));
                });
            }
            MediaAction::CreateAnswer { line, port, offer } => {
                let this = self.clone();
                spawn_local(async move {
                    let result = match this.new_peer(line, port) {
                        Ok(peer) => peer.answer_offer(&offer).await.map_err(|e| e.to_string()),
                        Err(e) => Err(e),
                    };
                    driver.handle(local_sdp(line, result));
                });
            }
            MediaAction::ApplyEarlyAnswer { line, answer } => {
                let Some(peer) = self.peer(line) else { return };
                spawn_local(async move {
                    // Early media is a nicety: if the browser refuses it, ringback still plays
                    // and the final answer decides.
                    if let Err(e) = peer.apply_provisional_answer(&answer).await {
                        web_sys::console::warn_1(&format!("early media: {e}").into());
                    }
                });
            }
            MediaAction::ApplyAnswer { line, answer } => {
                let Some(peer) = self.peer(line) else { return };
                spawn_local(async move {
                    if let Err(e) = peer.apply_answer(&answer).await {
                        driver.handle(Input::MediaFailed {
                            line,
                            reason: e.to_string(),
                        });
                    }
                });
            }
            MediaAction::Close { line } => {
                let Some((peer, port)) = self.peers.borrow_mut().remove(&line) else {
                    return;
                };
                let generation = self.generation(port);
                let this = self.clone();
                spawn_local(async move {
                    web::sleep(CLOSE_GRACE_MS).await;
                    peer.close();
                    if this.generation(port) == generation {
                        this.audio.detach_remote(port);
                    }
                });
            }
            MediaAction::Mix(matrix) => {
                self.audio.set_matrix(&matrix.gains);
                self.set_tones(&matrix.tones);
            }
            _ => {}
        }
    }

    /// The agent's incoming ring (port 0's `Ring`) goes to the ringer, which may be another
    /// device than the speaker; every other tone to its output.
    fn set_tones(&self, wanted: &[Option<Tone>]) {
        let ring = wanted.first() == Some(&Some(Tone::Ring));
        if ring != self.ringing.replace(ring) {
            if ring {
                self.audio.play_ringer(tone_name(Tone::Ring), TONE_REGION);
            } else {
                self.audio.stop_ringer();
            }
        }
        let mut wanted = wanted.to_vec();
        if ring {
            wanted[0] = None;
        }
        let mut playing = self.tones.borrow_mut();
        playing.resize(wanted.len(), None);
        for (port, (now, want)) in playing.iter_mut().zip(&wanted).enumerate() {
            if now == want {
                continue;
            }
            let port = port as u32;
            match want {
                Some(tone) => self.audio.play_tone(port, tone_name(*tone), TONE_REGION),
                None => self.audio.stop_tone(port),
            }
            *now = *want;
        }
    }

    /// The audio engine, for device choice.
    pub(crate) fn audio(&self) -> AudioEngine {
        self.audio.clone()
    }

    /// `(rms, peak)` per mixer port, for speaking indicators.
    pub(crate) fn levels(&self) -> Vec<(f32, f32)> {
        self.audio.levels()
    }

    fn peer(&self, line: LineId) -> Option<Rc<PeerSession>> {
        self.peers.borrow().get(&line).map(|(p, _)| p.clone())
    }

    fn generation(&self, port: u32) -> u64 {
        self.generations.borrow().get(&port).copied().unwrap_or(0)
    }

    fn new_peer(&self, line: LineId, port: usize) -> Result<Rc<PeerSession>, String> {
        let port = u32::try_from(port).map_err(|_| "no such mixer port".to_owned())?;
        *self.generations.borrow_mut().entry(port).or_insert(0) += 1;
        let track = self
            .audio
            .outgoing_track(port)
            .ok_or_else(|| format!("mixer has no port {port}"))?;
        let audio = self.audio.clone();
        let peer = PeerSession::new(&self.ice, &track, move |stream| {
            if let Err(e) = audio.attach_remote(port, &stream) {
                web_sys::console::warn_1(&format!("remote audio: {e}").into());
            }
        })
        .map_err(|e| e.to_string())?;
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

fn tone_name(tone: Tone) -> &'static str {
    match tone {
        Tone::Ringback => "ringback",
        Tone::Busy => "busy",
        Tone::Reorder => "reorder",
        Tone::Ring => "ring",
        Tone::CallWaiting => "call-waiting",
    }
}

fn local_sdp(line: LineId, result: Result<String, String>) -> Input {
    match result {
        Ok(sdp) => Input::LocalSdp { line, sdp },
        Err(reason) => Input::MediaFailed { line, reason },
    }
}
