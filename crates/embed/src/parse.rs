//! Reading a command from untrusted text: limits first, then the envelope, then the command,
//! so every refusal says why and carries the id whenever the id could be read.

use crate::json::{self, Value};
use crate::{Command, DirectoryEntry, ErrorReason, Language, Request, VERSION};

/// The largest message read, in bytes of JSON text: room for a Directory of a few thousand
/// entries, and a bound on the work one message can cause.
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024;

/// The longest correlation id, in characters.
pub const MAX_ID_CHARS: usize = 64;

/// The most Directory entries one `set_directory` carries.
const MAX_DIRECTORY: usize = 5000;
/// The longest number, name, address or password field, in characters.
const MAX_FIELD_CHARS: usize = 256;
/// The most DTMF digits one command sends.
const MAX_DIGITS: usize = 32;

/// A message that is not a command this phone carries out, and the reply it gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// The command's id, when it could be read.
    pub id: Option<String>,
    /// Why.
    pub reason: ErrorReason,
}

/// Reads one message from the CRM. Never panics; the reader's nesting limit (127, serde_json's)
/// bounds recursion, [`MAX_MESSAGE_BYTES`] the rest.
pub fn parse_request(text: &str) -> Result<Request, Rejected> {
    let reject = |id: Option<String>, reason| Err(Rejected { id, reason });
    if text.len() > MAX_MESSAGE_BYTES {
        return reject(None, ErrorReason::TooLarge);
    }
    let Some(envelope @ Value::Object(_)) = json::parse(text) else {
        return reject(None, ErrorReason::Malformed);
    };
    let id = match envelope.get("id") {
        Some(Value::String(id)) if id.chars().count() <= MAX_ID_CHARS => id.clone(),
        _ => return reject(None, ErrorReason::Malformed),
    };
    let Some(version) = envelope.get("softphone").and_then(Value::as_u64) else {
        return reject(Some(id), ErrorReason::Malformed);
    };
    if version != u64::from(VERSION) {
        return reject(Some(id), ErrorReason::UnsupportedVersion);
    }
    let Some(command) = envelope.get("command") else {
        return reject(Some(id), ErrorReason::Malformed);
    };
    let Some(kind) = command.get("type").and_then(Value::as_str) else {
        return reject(Some(id), ErrorReason::Malformed);
    };
    if !Command::TYPES.contains(&kind) {
        return reject(Some(id), ErrorReason::UnknownCommand);
    }
    match decode(kind, command) {
        Some(command) if within_limits(&command) => Ok(Request {
            softphone: VERSION,
            id,
            command,
        }),
        _ => reject(Some(id), ErrorReason::BadArguments),
    }
}

/// The command of type `kind` from its JSON object, reading exactly what `Command`'s serde
/// derive reads (a test holds the two equal on random input). By hand because the derive of
/// an internally tagged enum, which buffers the whole object first, cost the page about
/// 28 KB of WebAssembly.
fn decode(kind: &str, c: &Value) -> Option<Command> {
    let text = |k: &str| c.get(k)?.as_str().map(str::to_owned);
    let number = |v: &Value| v.as_u64().and_then(|n| u32::try_from(n).ok());
    let call = |k: &str| number(c.get(k)?);
    // `#[serde(default)]` fields: absent or null is None, anything else must read.
    let opt_call = |k: &str| match c.get(k) {
        None | Some(Value::Null) => Some(None),
        Some(v) => number(v).map(Some),
    };
    let opt_bool = |k: &str| match c.get(k) {
        None | Some(Value::Null) => Some(None),
        Some(v) => v.as_bool().map(Some),
    };
    Some(match kind {
        "sign_in" => Command::SignIn {
            sip_uri: text("sip_uri")?,
            password: text("password")?,
            servers: text("servers")?,
        },
        "dial" => Command::Dial {
            number: text("number")?,
            single_step: opt_bool("single_step")?,
        },
        "answer" => Command::Answer {
            call: opt_call("call")?,
        },
        "decline" => Command::Decline,
        "hang_up" => Command::HangUp {
            call: opt_call("call")?,
        },
        "hold" => Command::Hold {
            call: opt_call("call")?,
        },
        "retrieve" => Command::Retrieve {
            call: call("call")?,
        },
        "mute" => Command::Mute {
            on: c.get("on")?.as_bool()?,
        },
        "dtmf" => Command::Dtmf {
            digits: text("digits")?,
        },
        "blind_transfer" => Command::BlindTransfer {
            call: opt_call("call")?,
            number: text("number")?,
        },
        "attended_transfer" => Command::AttendedTransfer {
            call: call("call")?,
            to: call("to")?,
        },
        "merge" => Command::Merge,
        "set_directory" => Command::SetDirectory {
            entries: c
                .get("entries")?
                .as_array()?
                .iter()
                .map(|e| {
                    Some(DirectoryEntry {
                        name: e.get("name")?.as_str()?.to_owned(),
                        number: e.get("number")?.as_str()?.to_owned(),
                    })
                })
                .collect::<Option<_>>()?,
        },
        "set_language" => Command::SetLanguage {
            language: match c.get("language")?.as_str()? {
                "en" => Language::En,
                "es" => Language::Es,
                _ => return None,
            },
        },
        _ => return None,
    })
}

/// Field sizes a person could type; anything longer is not a phone number.
fn within_limits(command: &Command) -> bool {
    let short = |s: &str| s.chars().count() <= MAX_FIELD_CHARS;
    match command {
        Command::SignIn {
            sip_uri,
            password,
            servers,
        } => short(sip_uri) && short(password) && short(servers),
        Command::Dial { number, .. } | Command::BlindTransfer { number, .. } => {
            !number.trim().is_empty() && short(number)
        }
        Command::Dtmf { digits } => {
            !digits.is_empty()
                && digits.chars().count() <= MAX_DIGITS
                && digits
                    .chars()
                    .all(|c| matches!(c, '0'..='9' | '*' | '#' | 'A'..='D'))
        }
        Command::SetDirectory { entries } => {
            entries.len() <= MAX_DIRECTORY
                && entries.iter().all(|e| short(&e.name) && short(&e.number))
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(text: &str) -> (Option<String>, ErrorReason) {
        let r = parse_request(text).unwrap_err();
        (r.id, r.reason)
    }

    #[test]
    fn a_dial_reads() {
        let r =
            parse_request(r#"{"softphone":1,"id":"a","command":{"type":"dial","number":"2002"}}"#)
                .unwrap();
        assert_eq!(r.id, "a");
        assert_eq!(
            r.command,
            Command::Dial {
                number: "2002".into(),
                single_step: None
            }
        );
    }

    #[test]
    fn each_refusal_says_why() {
        let id = Some("x".to_owned());
        assert_eq!(reason("{not json"), (None, ErrorReason::Malformed));
        assert_eq!(reason("[1,2]"), (None, ErrorReason::Malformed));
        assert_eq!(
            reason(r#"{"softphone":1,"command":{"type":"merge"}}"#),
            (None, ErrorReason::Malformed)
        );
        assert_eq!(
            reason(r#"{"softphone":2,"id":"x","command":{"type":"merge"}}"#),
            (id.clone(), ErrorReason::UnsupportedVersion)
        );
        assert_eq!(
            reason(r#"{"softphone":"1","id":"x","command":{"type":"merge"}}"#),
            (id.clone(), ErrorReason::Malformed)
        );
        assert_eq!(
            reason(r#"{"softphone":1,"id":"x","command":{"type":"launch"}}"#),
            (id.clone(), ErrorReason::UnknownCommand)
        );
        assert_eq!(
            reason(r#"{"softphone":1,"id":"x","command":{"type":"dial"}}"#),
            (id.clone(), ErrorReason::BadArguments)
        );
        assert_eq!(
            reason(r#"{"softphone":1,"id":"x","command":{"type":"dtmf","digits":"12x"}}"#),
            (id, ErrorReason::BadArguments)
        );
        let long_id = format!(
            r#"{{"softphone":1,"id":"{}","command":{{"type":"merge"}}}}"#,
            "i".repeat(65)
        );
        assert_eq!(reason(&long_id), (None, ErrorReason::Malformed));
    }

    #[test]
    fn size_is_checked_before_anything_is_read() {
        let big = format!(
            r#"{{"softphone":1,"id":"x","pad":"{}"}}"#,
            " ".repeat(MAX_MESSAGE_BYTES)
        );
        assert_eq!(reason(&big), (None, ErrorReason::TooLarge));
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(reason(&deep), (None, ErrorReason::Malformed));
    }
}
