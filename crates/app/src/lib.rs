//! The agent's softphone: Leptos components that draw the engine's view and send its
//! commands, through the `web` runtime. Words come from `i18n`.
#![forbid(unsafe_code)]
// Leptos' `#[component]` macro emits `pub` props types for `pub(crate)` components.
#![allow(unreachable_pub)]

mod components;
mod i18n;
mod state;

pub use components::App;
