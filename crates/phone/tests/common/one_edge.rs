//! Two agents behind one edge proxy, as the tests of outages and restarts of that edge start.

use phone::Command;

use super::{Net, Proxy};

/// The one edge of these tests.
pub const EDGE: &str = "ws://edge1.sip.test";

impl Net {
    /// Agents 1001 (0) and 1002 (1), both with `EDGE` as their only server and signed in
    /// through it, `caller` calling the other, who answers. `proxy` sets the proxy up first
    /// (GRUUs, Contacts bound to flows).
    pub fn call_on_one_edge(caller: usize, proxy: impl FnOnce(&mut Proxy)) -> Self {
        let mut net = Self::new(&["1001", "1002"]);
        proxy(&mut net.proxy);
        for i in [0, 1] {
            net.configure(i, |c| c.edges = vec![EDGE.to_owned()]);
            net.command(i, Command::SignIn);
        }
        net.settle();
        net.call(caller, 1 - caller);
        net
    }
}
