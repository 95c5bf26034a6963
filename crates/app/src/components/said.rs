//! A fixed label as text that follows the agent's language.
//!
//! Each `{move || l(Label::..)}` in a view was its own closure type, so its own boxed
//! function and vtable; the same text through `said` is one closure type for every label.

use std::sync::{Arc, Mutex};

use leptos::prelude::*;

use crate::i18n::{label, Label, Lang};

/// What a view renders for a reactive label: Leptos' shared form of `{move || ..}`, giving
/// an owned `String` like the app's other reactive texts, so that no text or attribute of
/// the app is drawn through a `&str` of its own.
pub(crate) type Said = Arc<Mutex<dyn FnMut() -> String + Send>>;

/// The label in `lang`, redrawn when the language changes; usable as a child or an
/// attribute value.
pub(crate) fn said(lang: RwSignal<Lang>, what: Label) -> Said {
    Arc::new(Mutex::new(move || label(lang.get(), what).to_owned()))
}
