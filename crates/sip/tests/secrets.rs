//! Secrets stay out of `Debug`: the account settings and the user agent can be logged.

use sip::{UaConfig, UserAgent};

const PASSWORD: &str = "s3cret-Passw0rd";

fn cfg() -> UaConfig {
    UaConfig {
        aor: "sip:alice@example.test".parse().unwrap(),
        display_name: Some("Alice".into()),
        auth_user: "alice".into(),
        password: PASSWORD.into(),
        register_expires: 600,
        instance_id: "urn:uuid:00000000-0000-4000-8000-000000000001".into(),
        user_agent: "test".into(),
        seed: 1,
    }
}

#[test]
fn debug_never_prints_the_password() {
    let cfg = cfg();
    let shown = format!("{cfg:?} {cfg:#?}");
    assert!(!shown.contains(PASSWORD), "{shown}");
    assert!(shown.contains("alice"), "the rest is still there: {shown}");
    let ua = UserAgent::new(cfg);
    let shown = format!("{ua:?}");
    assert!(!shown.contains(PASSWORD), "{shown}");
}
