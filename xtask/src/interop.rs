//! `cargo xtask interop`: our SIP stack (crates/interop, native, over a real WebSocket)
//! against peers no one here wrote, SIPp over UDP and JsSIP in node, through Kamailio.

use crate::kamailio::{Kamailio, WS_URL};
use crate::util::{cmd, Result};

pub(crate) fn run_interop() -> Result {
    let kamailio = Kamailio::start()?;
    let mut test = cmd("cargo");
    // --no-fail-fast: a failing test binary must not leave the others unrun and uncounted
    test.args([
        "test",
        "--no-fail-fast",
        "-p",
        "interop",
        "--",
        "--nocapture",
    ])
    .env("SOFTPHONE_WS_URL", WS_URL);
    let result = crate::tally::run_cargo_test(&mut test);
    if result.is_err() {
        println!("interop: Kamailio's log: {}", kamailio.log.display());
    }
    drop(kamailio);
    result
}
