//! `effect`: Leptos' `Effect::new` made once for the whole app.
//!
//! `Effect::new` is generic over its function, so each of the app's effects was its own copy
//! of the effect's task (its future, its poll and its drop). Here every effect is the same
//! boxed function, so that task is made once; what stays per use is its own body. An effect
//! that needs its previous run keeps that in its own closure.

use leptos::prelude::*;

/// Runs `f` now and again whenever a signal it read changes, for as long as the current
/// owner lives, as `Effect::new` does.
pub(crate) fn effect(f: impl FnMut() + 'static) {
    let f: Box<dyn FnMut()> = Box::new(f);
    Effect::new(f);
}
