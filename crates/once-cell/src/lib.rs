//! `once_cell::sync::OnceCell` over [`std::sync::OnceLock`], for nnnoiseless (see Cargo.toml).
//! On wasm32 without threads, std's `OnceLock` is a flag; once_cell's own waits for other
//! threads with std's thread handles, which a worklet never has.
#![warn(missing_docs)]

/// Thread-safe cells written once.
pub mod sync {
    use std::sync::OnceLock;

    /// A cell written at most once, then read by shared reference.
    #[derive(Debug, Default)]
    pub struct OnceCell<T>(OnceLock<T>);

    impl<T> OnceCell<T> {
        /// An empty cell.
        pub const fn new() -> Self {
            Self(OnceLock::new())
        }

        /// The value, if the cell has been written.
        pub fn get(&self) -> Option<&T> {
            self.0.get()
        }

        /// Writes `value` if the cell is empty; gives it back if it was not.
        pub fn set(&self, value: T) -> Result<(), T> {
            self.0.set(value)
        }

        /// The value, written first by `init` if the cell is empty.
        pub fn get_or_init(&self, init: impl FnOnce() -> T) -> &T {
            self.0.get_or_init(init)
        }
    }

    #[cfg(test)]
    mod tests {
        use super::OnceCell;

        #[test]
        fn written_once() {
            static CELL: OnceCell<u32> = OnceCell::new();
            assert_eq!(CELL.get(), None);
            assert_eq!(CELL.set(1), Ok(()));
            assert_eq!(CELL.set(2), Err(2), "a second value is handed back");
            assert_eq!(CELL.get_or_init(|| 3), &1);
            assert_eq!(CELL.get(), Some(&1));
        }

        #[test]
        fn racing_writers_agree_on_one_value() {
            let cell = OnceCell::new();
            std::thread::scope(|s| {
                for i in 0..8 {
                    let cell = &cell;
                    s.spawn(move || {
                        let _ = cell.set(i);
                    });
                }
            });
            let winner = *cell.get().unwrap();
            assert!(winner < 8);
            assert_eq!(cell.get_or_init(|| 99), &winner);
        }
    }
}
