//! The app taking over from the page's built-in sign-in screen: what was typed, the open
//! sections, the help, the focus and a Sign in already clicked all move to the app's own.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement, HtmlInputElement};

use super::ID;
use crate::components::{Fields, REMEMBER, SECTIONS};

fn document() -> Option<Document> {
    web_sys::window()?.document()
}

fn shell() -> Option<Element> {
    document()?.get_element_by_id(ID)
}

fn by_testid(root: &Element, testid: &str) -> Option<Element> {
    root.query_selector(&format!("[data-testid=\"{testid}\"]"))
        .ok()
        .flatten()
}

fn input(root: &Element, testid: &str) -> Option<HtmlInputElement> {
    by_testid(root, testid)?.dyn_into().ok()
}

/// Fills the app's form with the shell's, which holds the remembered account (its script
/// reads the same storage, `state::STORED`) or what the agent typed over it.
pub(crate) fn carry_over(fields: &Fields) {
    let Some(shell) = shell() else { return };
    for (testid, value) in fields.texts() {
        if let Some(i) = input(&shell, testid) {
            value.set(i.value());
        }
    }
    if let Some(i) = input(&shell, REMEMBER) {
        fields.remember.set(i.checked());
    }
}

/// Whether the agent opened the shortcuts' help on the shell ("?"): the app's opens too.
pub(crate) fn help_open() -> bool {
    shell().is_some_and(|s| by_testid(&s, "shortcuts-help").is_some())
}

/// Once the app is mounted, in the same task (so no frame shows both): the sections, the
/// focus and a pending Sign in go to the app's form, and the shell goes.
pub(crate) fn hand_over() {
    let (Some(doc), Some(shell)) = (document(), shell()) else {
        return;
    };
    let Some(app) = doc
        .query_selector(&format!("main:not(#{ID})"))
        .ok()
        .flatten()
    else {
        return;
    };
    for section in SECTIONS {
        let open = |root: &Element| by_testid(root, section).and_then(|s| s.parent_element());
        if let (Some(from), Some(to)) = (open(&shell), open(&app)) {
            if from.has_attribute("open") {
                let _ = to.set_attribute("open", "");
            }
        }
    }
    let focused = doc
        .active_element()
        .filter(|e| shell.contains(Some(e)))
        .and_then(|e| e.get_attribute("data-testid").map(|id| (e, id)));
    if let Some((from, testid)) = focused {
        if let Some(to) = by_testid(&app, &testid).and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
            let _ = to.focus();
            let from = from.dyn_into::<HtmlInputElement>().ok();
            let to = to.dyn_into::<HtmlInputElement>().ok();
            if let (Some(from), Some(to)) = (from, to) {
                if let (Ok(Some(start)), Ok(Some(end))) =
                    (from.selection_start(), from.selection_end())
                {
                    let _ = to.set_selection_range(start, end);
                }
            }
        }
    }
    let pending = shell.has_attribute("data-pending");
    shell.remove();
    // The agent's click (or Enter), carried out now as if made on the app's button.
    if pending {
        if let Some(b) = by_testid(&app, "sign-in").and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
            b.click();
        }
    }
}
