//! `Shown`: Leptos' `Show` without its type parameters.
//!
//! `Show<W, C>` is generic over its condition and its children, so each of the app's 25 uses
//! was its own copy of the memo, the render effect and the `Either` of the two branches.
//! Here the condition is a boxed function and both branches are `AnyView`, so that code is
//! made once; what stays per use is its own children's view.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::reactive::computed::ArcMemo;

/// A `Shown` condition: any `Fn() -> bool`, boxed so every use is the same type.
#[derive(Clone)]
pub(crate) struct When(Arc<dyn Fn() -> bool + Send + Sync>);

impl<F: Fn() -> bool + Send + Sync + 'static> From<F> for When {
    fn from(f: F) -> Self {
        Self(Arc::new(f))
    }
}

/// The children while `when` holds, else the fallback (nothing unless given); as `Show`,
/// the condition is memoized, so a branch is redrawn only when it flips.
#[component]
pub(crate) fn Shown(
    children: ChildrenFn,
    #[prop(into)] when: When,
    #[prop(optional, into)] fallback: ViewFn,
) -> impl IntoView {
    let shown = ArcMemo::new(move |_| (when.0)());
    move || {
        if shown.get() {
            children()
        } else {
            fallback.run()
        }
    }
}
