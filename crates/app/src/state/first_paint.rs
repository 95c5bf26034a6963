//! What a sign-in shows before the first frame after the click has been painted.
//!
//! Rendering the click's feedback ("Signing in…", "Registering…": re-renders, then style,
//! layout and paint) held the main thread just after the REGISTER left, and the registrar's
//! 401, back a millisecond later on a LAN, waited behind it (bench/startup, traced: 5 ms of
//! the 19 to Registered). Rendered in its own frame, that frame came a few milliseconds
//! after the click, still in front of the 401. So a value given before the first paint
//! after the click is kept, only the last one, and shown once that paint is done, one frame
//! later than it could have been and after the registrar has most likely answered; a value
//! that must not wait (registration settled) is shown at once, and drops the kept one.

use std::cell::{Cell, RefCell};

/// Values for the page, shown at once once it is open, kept until then.
pub(crate) struct FirstPaint<T> {
    show: Box<dyn Fn(T)>,
    urgent: fn(&T) -> bool,
    open: Cell<bool>,
    kept: RefCell<Option<T>>,
}

impl<T> FirstPaint<T> {
    /// Shows values with `show`; before [`open`](Self::open) only those for which `urgent`
    /// holds.
    pub(crate) fn new(show: impl Fn(T) + 'static, urgent: fn(&T) -> bool) -> Self {
        Self {
            show: Box::new(show),
            urgent,
            open: Cell::new(false),
            kept: RefCell::new(None),
        }
    }

    /// Shows `value` now if open or urgent, else keeps it (in place of
    /// any kept before).
    pub(crate) fn give(&self, value: T) {
        if self.open.get() || (self.urgent)(&value) {
            // Older than this one: never to be shown.
            self.kept.borrow_mut().take();
            (self.show)(value);
        } else {
            *self.kept.borrow_mut() = Some(value);
        }
    }

    /// The first paint is done: shows the value kept, if any, and every later one at once.
    pub(crate) fn open(&self) {
        self.open.set(true);
        let kept = self.kept.borrow_mut().take();
        if let Some(value) = kept {
            (self.show)(value);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::*;

    fn gate() -> (FirstPaint<u32>, Rc<RefCell<Vec<u32>>>) {
        let shown = Rc::new(RefCell::new(Vec::new()));
        let log = Rc::clone(&shown);
        let gate = FirstPaint::new(move |v| log.borrow_mut().push(v), |v| *v >= 100);
        (gate, shown)
    }

    #[test]
    fn before_it_opens_only_the_last_value_is_kept_and_shown_when_it_does() {
        let (gate, shown) = gate();
        gate.give(1);
        gate.give(2);
        assert!(shown.borrow().is_empty());
        gate.open();
        assert_eq!(*shown.borrow(), [2]);
        gate.give(3);
        assert_eq!(*shown.borrow(), [2, 3]);
    }

    #[test]
    fn an_urgent_value_goes_at_once_and_drops_the_older_one_kept() {
        let (gate, shown) = gate();
        gate.give(1);
        gate.give(100);
        assert_eq!(*shown.borrow(), [100]);
        gate.open();
        assert_eq!(
            *shown.borrow(),
            [100],
            "the older value is never shown after it"
        );
    }

    #[test]
    fn opening_with_nothing_kept_shows_nothing() {
        let (gate, shown) = gate();
        gate.open();
        assert!(shown.borrow().is_empty());
    }
}
