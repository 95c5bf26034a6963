//! The engine and its settings can be logged: `Debug` never prints the SIP password.

use phone::{Command, Phone, PhoneConfig};

const PASSWORD: &str = "s3cret-Passw0rd";

#[test]
fn debug_of_the_phone_and_its_config_never_prints_the_password() {
    let cfg = PhoneConfig::new(sip::UaConfig {
        aor: "sip:1001@example.test".parse().unwrap(),
        display_name: None,
        auth_user: "1001".into(),
        password: PASSWORD.into(),
        register_expires: 600,
        instance_id: "urn:uuid:00000000-0000-4000-8000-000000000001".into(),
        user_agent: "test".into(),
        seed: 1,
    });
    assert!(!format!("{cfg:?}").contains(PASSWORD));
    let mut phone = Phone::new(cfg);
    let now = phone::Instant::now();
    phone.handle(phone::Input::TransportUp, now);
    phone.handle(phone::Input::Command(Command::SignIn), now);
    let shown = format!("{phone:?}");
    assert!(!shown.contains(PASSWORD), "{shown}");
}
