use super::*;
use crate::components::Fields;

#[test]
fn the_screen_is_the_apps_form_in_each_language() {
    for lang in Lang::ALL {
        let html = screen(lang);
        assert!(
            html.starts_with(r#"<main id="shell" class="phone">"#),
            "{html}"
        );
        for (testid, _, _) in STORED {
            assert!(
                html.contains(&format!("data-testid=\"{testid}\"")),
                "{testid}: {html}"
            );
        }
        for word in [Label::Title, Label::SignIn, Label::Password, Label::Server] {
            assert!(
                html.contains(label(lang, word)),
                "{word:?} in {lang:?}: {html}"
            );
        }
        assert!(html.contains(&i18n::registration(lang, &RegStatus::SignedOut)));
        // The help as the app opens it, held in a template for the "?" of the shell.
        let help = html
            .find("<template data-help=\"\">")
            .expect("the help's template");
        assert!(
            html[help..].contains(label(lang, Label::ShortcutsList)),
            "{html}"
        );
        // The password never goes into a URL, even if no script ever ran.
        assert!(
            html.contains(r#"method="post""#) && !html.contains("action="),
            "{html}"
        );
    }
}

#[test]
fn the_fields_show_the_fresh_settings() {
    let html = screen(Lang::En);
    let fresh = Settings::fresh();
    assert!(
        html.contains(&format!("value=\"{}\"", fresh.sip_uri)),
        "{html}"
    );
    assert!(
        html.contains(&format!("value=\"{}\"", fresh.ws_url)),
        "{html}"
    );
}

/// The script fills the form from `STORED` as `Settings::load` reads storage: one key at a
/// time, each must land in the field of that testid and nowhere else.
#[test]
fn stored_keys_fill_the_fields_the_app_loads_them_into() {
    Owner::new().with(|| {
        let fresh = Fields::new(Settings::fresh()).settings();
        for (testid, key, secret) in STORED {
            let store = |k: &str| {
                if k == key {
                    Some("typed".to_owned())
                } else if secret && k == REMEMBERED.0 {
                    Some(REMEMBERED.1.to_owned())
                } else {
                    None
                }
            };
            let fields = Fields::new(Settings::from_store(store));
            for (id, value) in fields.texts() {
                let want = if id == testid {
                    "typed".to_owned()
                } else {
                    get(&fresh, id)
                };
                assert_eq!(value.get_untracked(), want, "{key} -> {id}");
            }
            if secret {
                let unremembered = |k: &str| (k == key).then(|| "typed".to_owned());
                let fields = Fields::new(Settings::from_store(unremembered));
                assert!(
                    fields
                        .texts()
                        .iter()
                        .all(|(_, v)| v.get_untracked() != "typed"),
                    "{key}"
                );
            }
        }
    });
}

fn get(s: &Settings, testid: &str) -> String {
    Owner::new().with(|| {
        Fields::new(s.clone())
            .texts()
            .into_iter()
            .find(|(id, _)| *id == testid)
            .map(|(_, v)| v.get_untracked())
            .unwrap_or_default()
    })
}

#[test]
fn the_config_names_the_apps_keys_and_words() {
    let c = config();
    assert!(c.contains("\"softphone.lang\""), "{c}");
    assert!(c.contains("\"Iniciando sesión…\""), "{c}");
    // What it says if the app's code is slow or never comes, in each language, from i18n.
    for lang in Lang::ALL {
        for what in [Loading::Slow, Loading::Failed, Loading::Reload] {
            assert!(
                c.contains(&json(loading(lang, what))),
                "{what:?} {lang:?}: {c}"
            );
        }
    }
    assert!(c.contains(&format!("\"slowMs\":{SLOW_MS}")), "{c}");
    assert!(
        c.contains("[\"password\",\"softphone.password\",true]"),
        "{c}"
    );
    assert_eq!(json("a\"<\\"), "\"a\\\"\\u003c\\\\\"");
}

#[test]
fn the_script_goes_in_without_its_comments() {
    let body = body("// why\n(c) => {\n  // more why\n  run(c);\n};\n");
    assert!(
        body.contains("<script>((c) => {\nrun(c);\n})({\"id\":\"shell\","),
        "{body}"
    );
    assert_eq!(body.matches("<template id=\"shell-es\">").count(), 1);
}
