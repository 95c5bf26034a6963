//! `Rows`: Leptos' keyed `For` made once for the whole app.
//!
//! `For` is generic over its items, keys and row views, so each of its five uses was its own
//! copy of the keyed diff and the row bookkeeping. [`rows`] turns a use's items into [`Row`]s
//! (a key behind `dyn`, a row view behind `dyn`), so one `For` serves them all; what stays
//! per use is its key's equality and hash and its own row view.

use std::any::Any;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use leptos::prelude::*;

/// A row's key: any `Eq + Hash` value, compared only with keys of its own type.
#[derive(Clone)]
pub(crate) struct RowKey(Arc<dyn Key>);

trait Key: Send + Sync {
    fn as_any(&self) -> &dyn Any;
    fn same(&self, other: &dyn Key) -> bool;
    fn hash_into(&self, state: &mut dyn Hasher);
}

impl<K: Eq + Hash + Send + Sync + 'static> Key for K {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn same(&self, other: &dyn Key) -> bool {
        other.as_any().downcast_ref::<K>() == Some(self)
    }

    fn hash_into(&self, mut state: &mut dyn Hasher) {
        self.hash(&mut state);
    }
}

impl PartialEq for RowKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.same(&*other.0)
    }
}

impl Eq for RowKey {}

impl Hash for RowKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash_into(state);
    }
}

/// One item of a list: its key, and how to draw it when it is new.
pub(crate) struct Row {
    key: RowKey,
    view: Box<dyn FnOnce() -> AnyView + Send>,
}

/// A list's rows as they are now; made by [`rows`].
pub(crate) struct RowsFn(Box<dyn Fn() -> Vec<Row> + Send>);

/// The rows of `each`'s items, keyed by `key` and drawn by `children`, as `For` takes them.
pub(crate) fn rows<T, I, K, V>(
    each: impl Fn() -> I + Send + 'static,
    key: impl Fn(&T) -> K + Send + 'static,
    children: impl Fn(T) -> V + Clone + Send + 'static,
) -> RowsFn
where
    I: IntoIterator<Item = T>,
    T: Send + 'static,
    K: Eq + Hash + Send + Sync + 'static,
    V: IntoView + 'static,
{
    RowsFn(Box::new(move || {
        each()
            .into_iter()
            .map(|item| {
                let children = children.clone();
                Row {
                    key: RowKey(Arc::new(key(&item))),
                    view: Box::new(move || children(item).into_any()),
                }
            })
            .collect()
    }))
}

/// The list: a row is drawn when its key is new and kept while its key stays, as `For`.
#[component]
pub(crate) fn Rows(each: RowsFn) -> impl IntoView {
    view! { <For each=move || (each.0)() key=|row: &Row| row.key.clone() children=|row: Row| (row.view)() /> }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::hash_map::DefaultHasher;

    fn hash(k: &RowKey) -> u64 {
        let mut h = DefaultHasher::new();
        k.hash(&mut h);
        h.finish()
    }

    #[test]
    fn keys_compare_by_value_and_type() {
        let a = RowKey(Arc::new((1u32, String::from("x"))));
        let same = RowKey(Arc::new((1u32, String::from("x"))));
        let other = RowKey(Arc::new((2u32, String::from("x"))));
        let other_type = RowKey(Arc::new(1u64));
        assert!(a == same);
        assert_eq!(hash(&a), hash(&same));
        assert!(a != other);
        assert!(a != other_type);
        assert!(RowKey(Arc::new(1u32)) != other_type);
    }
}
