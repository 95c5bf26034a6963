//! The agent's softphone: Leptos components that draw the engine's view and send its
//! commands, through the `web` runtime. Words come from `i18n`.
#![forbid(unsafe_code)]
// Leptos' `#[component]` macro emits `pub` props types for `pub(crate)` components.
#![allow(unreachable_pub)]

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
