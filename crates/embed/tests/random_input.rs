//! Whatever a page posts, reading it never panics: random text, random JSON, and random
//! commands with their fields shuffled.

use embed::{parse_request, Command};
use proptest::prelude::*;
use serde_json::Value;

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        prop::sample::select(Command::TYPES.to_vec()).prop_map(Value::from),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "softphone",
                    "id",
                    "command",
                    "type",
                    "number",
                    "call",
                    "digits",
                    "entries",
                    "on",
                    "to",
                    "language",
                    "x"
                ])
                .prop_map(str::to_owned),
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn random_text_never_panics(text in ".{0,256}") {
        let _ = parse_request(&text);
    }

    #[test]
    fn random_json_never_panics(value in json()) {
        let _ = parse_request(&value.to_string());
    }

    /// The hand-written reader and `Command`'s serde derive (what the TypeScript types are
    /// generated from) agree on every input.
    #[test]
    fn the_reader_agrees_with_the_serde_types(command in json()) {
        let text = serde_json::json!({"softphone": 1, "id": "1", "command": command}).to_string();
        let ours = parse_request(&text).ok().map(|r| r.command);
        let serde = serde_json::from_value::<Command>(command).ok();
        // Ours also applies size limits (too long, bad digits): it may refuse more, never less.
        if let Some(ours) = ours {
            prop_assert_eq!(Some(ours), serde);
        }
    }

    #[test]
    fn random_commands_in_a_valid_envelope_never_panic(command in json(), id in "[a-z0-9]{0,8}") {
        let text = serde_json::json!({"softphone": 1, "id": id, "command": command}).to_string();
        if let Ok(request) = parse_request(&text) {
            prop_assert_eq!(request.id, id);
        }
    }
}
