//! What a desk phone hears, taken from its audio player: a FIFO that baresip's ALSA player
//! writes into (an ALSA `file` PCM over `null`, xtask/src/baresip.rs), read here at 8000
//! samples a second as a sound card would, which also paces the player.
//!
//! Its recording filter cannot do this: baresip 1.0 drops its decode filters at the first
//! re-offer that changes the direction (hold) and never sets them up again during the call,
//! while it starts a new player after every re-offer, so the player's output goes on.
//!
//! One raw file (8 kHz, 16-bit, mono) per stretch of playing, `heard-<ms>.raw`: `<ms>` (since
//! the epoch) is when its first sample was played, so sample `i` was heard at `ms + i / 8`.

use std::fs::{self, File, OpenOptions};
use std::io::{self, ErrorKind, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use nix::fcntl::{fcntl, FcntlArg, OFlag};
use nix::sys::stat::Mode;

use crate::util::{Context, Result};

/// Bytes per second of 8 kHz 16-bit mono.
const RATE_BYTES: u64 = 16_000;
/// 20 ms of it: one ptime of the player.
const BLOCK: usize = 320;
const BLOCK_TIME: Duration = Duration::from_millis(20);
/// The smallest pipe Linux makes (a page): the less it holds, the less the player runs ahead.
const PIPE_BYTES: i32 = 4096;
/// baresip's ALSA player asks for four periods of buffer, which the `file` PCM holds back.
const ALSA_BUFFER_BYTES: u64 = 4 * BLOCK as u64;

/// The reader; dropping it ends the thread (after the desk phone is stopped).
pub(crate) struct Ear {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Ear {
    /// Makes the FIFO at `fifo` and reads it on a thread, writing into `dir`.
    pub(crate) fn start(fifo: &Path, dir: &Path) -> Result<Self> {
        let _ = fs::remove_file(fifo);
        nix::unistd::mkfifo(fifo, Mode::S_IRUSR | Mode::S_IWUSR)
            .context(format_args!("mkfifo {}", fifo.display()))?;
        let stop = Arc::new(AtomicBool::new(false));
        let (f, d, s) = (fifo.to_path_buf(), dir.to_path_buf(), Arc::clone(&stop));
        let thread = thread::spawn(move || listen(&f, &d, &s));
        Ok(Self {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for Ear {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn listen(fifo: &Path, dir: &Path, stop: &AtomicBool) {
    while !stop.load(Ordering::SeqCst) {
        if let Err(e) = stretch(fifo, dir, stop) {
            eprintln!("desk phone ear {}: {e}", fifo.display());
            thread::sleep(Duration::from_millis(100));
        }
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// One stretch of playing: from the player's first bytes until no player has the FIFO open.
fn stretch(fifo: &Path, dir: &Path, stop: &AtomicBool) -> io::Result<()> {
    // Opened without waiting for a writer, so the pipe exists (and is made small) before the
    // player fills it; until a player opens its end, a read finds nothing.
    let mut pipe = OpenOptions::new()
        .read(true)
        .custom_flags(OFlag::O_NONBLOCK.bits())
        .open(fifo)?;
    let held = fcntl(&pipe, FcntlArg::F_SETPIPE_SZ(PIPE_BYTES)).unwrap_or(65_536);
    let mut block = [0u8; BLOCK];
    let first = loop {
        if stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        match pipe.read(&mut block) {
            Ok(0) => thread::sleep(Duration::from_millis(10)),
            Ok(n) => break n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                thread::sleep(Duration::from_millis(10));
            }
            Err(e) => return Err(e),
        }
    };
    fcntl(&pipe, FcntlArg::F_SETFL(OFlag::empty()))?;
    pipe.read_exact(&mut block[first..])?;
    // The player runs ahead of what is read by what the pipe and its own buffer hold.
    let ahead_bytes = u64::try_from(held).unwrap_or(65_536) + ALSA_BUFFER_BYTES;
    let start = now_ms().saturating_sub(ahead_bytes * 1000 / RATE_BYTES);
    let path: PathBuf = dir.join(format!("heard-{start}.raw"));
    let mut out = File::create(&path)?;
    let t0 = Instant::now();
    let mut blocks: u32 = 0;
    loop {
        out.write_all(&block)?;
        blocks += 1;
        // Read at the rate of a sound card: a block every 20 ms of this stretch.
        if let Some(wait) = (t0 + BLOCK_TIME * blocks).checked_duration_since(Instant::now()) {
            thread::sleep(wait);
        }
        match pipe.read_exact(&mut block) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A player's bytes arrive whole and in order, paced at 16 000 bytes a second.
    #[test]
    fn reads_a_stretch_at_the_rate_of_a_sound_card() {
        let dir = std::env::temp_dir().join(format!("desk-ear-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("ear.fifo");
        let ear = Ear::start(&fifo, &dir).unwrap();
        let sent: Vec<u8> = (0..BLOCK * 25).map(|i| (i % 251) as u8).collect();
        let t0 = Instant::now();
        // the player's side: open (once the ear has the FIFO open) and write it all at once
        let mut player = OpenOptions::new().write(true).open(&fifo).unwrap();
        player.write_all(&sent).unwrap();
        drop(player);
        let file = loop {
            let heard: Vec<PathBuf> = fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "raw"))
                .collect();
            // the stretch is over once a read of the FIFO has found it closed
            if let [one] = heard.as_slice() {
                if fs::read(one).unwrap().len() == sent.len() {
                    break one.clone();
                }
            }
            thread::sleep(Duration::from_millis(20));
        };
        let paced = t0.elapsed();
        drop(ear);
        assert_eq!(fs::read(&file).unwrap(), sent);
        // 25 blocks of 20 ms: the last is read after 24 waits
        assert!(
            paced >= BLOCK_TIME * 24,
            "read in {paced:?}, faster than real time"
        );
        let _ = fs::remove_dir_all(&dir);
    }
}
