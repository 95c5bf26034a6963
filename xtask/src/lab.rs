//! The SIP lab of `dev` and `e2e`: rtpengine, Kamailio bridging through it where a call has a
//! non-browser side, and the baresip desk phones registered as 1100 (G.711) and 1101 (PCMU
//! only: its calls are transcoded).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::baresip::{self, DeskPhone};
use crate::kamailio::{self, Kamailio};
use crate::rtpengine::Rtpengine;
use crate::util::{root, Result};
use crate::wav;

/// How the lab's Kamailio is started, the first time and after a restart test.
pub(crate) const KAMAILIO_DEFINES: &[&str] = &["WITH_RTPENGINE"];

/// Everything running; dropping it stops the desk phones, then Kamailio, then rtpengine.
pub(crate) struct Lab {
    pub(crate) desk: DeskPhone,
    pub(crate) pcmu_desk: DeskPhone,
    /// Shared with the restart service, which may replace it mid-run.
    pub(crate) kamailio: Arc<Mutex<Option<Kamailio>>>,
    _rtpengine: Rtpengine,
}

/// The desk phone's tone, 8 kHz mono (generated, not committed).
pub(crate) fn desk_tone() -> Result<PathBuf> {
    let path = root().join(format!(
        "tests/fixtures/deskphone-{}hz-8k.wav",
        baresip::TONE_HZ
    ));
    let bytes = wav::tone_at(
        baresip::TONE_RATE,
        f64::from(baresip::TONE_HZ),
        baresip::TONE_AMP,
        baresip::TONE_SECONDS,
    );
    wav::write_if_changed(&path, &bytes)?;
    Ok(path)
}

impl Lab {
    pub(crate) fn start() -> Result<Self> {
        let tone = desk_tone()?;
        let rtpengine = Rtpengine::start()?;
        let kamailio = Kamailio::start_with(KAMAILIO_DEFINES)?;
        let run = kamailio::run_dir();
        let desk = DeskPhone::start(baresip::DESK, &run.join("baresip"), &tone)?;
        let pcmu_desk = DeskPhone::start(baresip::PCMU_DESK, &run.join("baresip-pcmu"), &tone)?;
        Ok(Self {
            desk,
            pcmu_desk,
            kamailio: Arc::new(Mutex::new(Some(kamailio))),
            _rtpengine: rtpengine,
        })
    }
}
