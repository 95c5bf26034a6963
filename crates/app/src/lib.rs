//! The agent's softphone: Leptos components that draw the engine's view and send its
//! commands, through the `web` runtime. Words come from `i18n`.
#![forbid(unsafe_code)]
// Leptos' `#[component]` macro emits `pub` props types for `pub(crate)` components.
#![allow(unreachable_pub)]
// Natively (tests, the build-time render) views keep their full types, and the desktop's
// nests deeper than the default 128 queries allow.
#![recursion_limit = "256"]

mod components;
mod i18n;
pub mod shell;
mod state;

pub use components::App;

/// Mounts the app over the page's built-in sign-in screen ([`shell`]).
pub fn start() {
    leptos::mount::mount_to_body(App);
    shell::hand_over();
}
