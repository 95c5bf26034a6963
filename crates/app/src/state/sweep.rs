//! Dead subscribers out of the signals that outlive a call.
//!
//! reactive_graph 0.2 (Leptos 0.8) removes a subscriber from a signal's list only when that
//! subscriber runs again: a view's effect that is dropped with its view (a call card's
//! controls, an incoming-call row) stays in the list of every signal it read, and keeps its
//! allocation alive through the list's weak reference, for as long as the signal lives
//! (`tachys` drops a render effect without clearing its sources, and a signal's notify walks
//! a copy of its list). For the signals of the whole session, that was every control of
//! every call: about 230 dead subscribers, 20-30 KB of Wasm heap per call in the soak.
//!
//! [`sweep`] empties such a signal's list right after notifying it: the live subscribers it
//! has just marked run again (effects run later, from the executor; memos when next read)
//! and subscribe anew, the dead ones never do. So a signal set with [`set_swept`] keeps only
//! its live subscribers; one that rarely changes (the language) is swept when a call ends.

use leptos::prelude::*;
use leptos::reactive::graph::Source;

/// Notifies `signal`'s subscribers, then forgets them all: the live ones subscribe again
/// when they run.
pub(crate) fn sweep<T: Send + Sync + 'static>(signal: RwSignal<T>) {
    signal.notify();
    signal.clear_subscribers();
}

/// `signal.set(value)`, keeping only the subscribers still alive.
pub(crate) fn set_swept<T: Send + Sync + 'static>(signal: RwSignal<T>, value: T) {
    signal.set(value);
    signal.clear_subscribers();
}
