//! `sip-lint FILE...`: checks each file as one SIP message received over WebSocket.
//!
//! Prints one line per file, `OK <method or status> <Call-ID>` or `ERR <reason>`, and exits
//! with 0 only if every file is a valid message.

use std::io::Write as _;
use std::process::ExitCode;

fn main() -> ExitCode {
    let files: Vec<_> = std::env::args_os().skip(1).collect();
    if files.is_empty() {
        let _ = writeln!(std::io::stderr(), "usage: sip-lint FILE...");
        return ExitCode::from(2);
    }
    let mut all_ok = true;
    let mut out = std::io::stdout().lock();
    for file in files {
        let line = match std::fs::read(&file) {
            Ok(bytes) => match sip::lint(&bytes) {
                Ok(what) => format!("OK {what}"),
                Err(e) => {
                    all_ok = false;
                    format!("ERR {e}")
                }
            },
            Err(e) => {
                all_ok = false;
                format!("ERR {}: {e}", std::path::Path::new(&file).display())
            }
        };
        // A closed pipe (`sip-lint ... | head`) is not worth a panic.
        if writeln!(out, "{line}").is_err() {
            break;
        }
    }
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
