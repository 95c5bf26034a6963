//! Two Kamailio edges on loopback, the way a deployment grows past one server
//! (`cargo xtask kamailio --cluster`, and the `fault-cluster` browser tests). Same config as
//! the single server (tests/kamailio/kamailio.cfg) with `-A WITH_CLUSTER -A EDGE<n>`:
//! registrations shared by DMQ, Path so a call reaches an agent through the edge holding its
//! WebSocket, GRUU so in-dialog requests follow an agent who moved to the other edge.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::kamailio::{Kamailio, Site, SIP_DOMAIN};
use crate::restart::Slot;
use crate::util::{bail, Result};

pub(crate) const EDGE1: Site = Site {
    name: "edge 1",
    run_subdir: "cluster-run/edge1",
    ws: "127.0.0.1:8161",
    sip: "127.0.0.11:5161",
};

pub(crate) const EDGE2: Site = Site {
    name: "edge 2",
    run_subdir: "cluster-run/edge2",
    ws: "127.0.0.1:8162",
    sip: "127.0.0.12:5162",
};

pub(crate) const EDGES: [Site; 2] = [EDGE1, EDGE2];
const EDGE1_DEFINES: &[&str] = &["WITH_CLUSTER", "EDGE1"];
const EDGE2_DEFINES: &[&str] = &["WITH_CLUSTER", "EDGE2"];

/// The agents' edge list, edge 1 first (`ws://127.0.0.1:8161 ws://127.0.0.1:8162`).
pub(crate) fn ws_urls() -> String {
    EDGES
        .iter()
        .map(|e| format!("ws://{}", e.ws))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Both edges running; dropping it stops them. Each sits in a slot the fault tests' restart
/// service may empty and fill again.
pub(crate) struct Cluster {
    pub(crate) edges: [Arc<Mutex<Option<Kamailio>>>; 2],
}

impl Cluster {
    /// Starts edge 1, then edge 2 (whose DMQ finds edge 1 at once and syncs from it).
    pub(crate) fn start() -> Result<Self> {
        let one = Kamailio::start_at(EDGE1, EDGE1_DEFINES)?;
        let two = Kamailio::start_at(EDGE2, EDGE2_DEFINES)?;
        Ok(Self {
            edges: [
                Arc::new(Mutex::new(Some(one))),
                Arc::new(Mutex::new(Some(two))),
            ],
        })
    }

    /// The edges for the restart service, edge 1 first.
    pub(crate) fn slots(&self) -> Vec<Slot> {
        vec![
            Slot {
                server: Arc::clone(&self.edges[0]),
                site: EDGE1,
                defines: EDGE1_DEFINES,
            },
            Slot {
                server: Arc::clone(&self.edges[1]),
                site: EDGE2,
                defines: EDGE2_DEFINES,
            },
        ]
    }

    /// Whether every edge is running (none killed by a test, none crashed).
    fn all_running(&self) -> bool {
        self.edges.iter().all(|e| {
            e.lock()
                .ok()
                .is_some_and(|mut k| k.as_mut().is_some_and(Kamailio::running))
        })
    }

    /// The last lines of each edge's log.
    fn log_tails(&self) -> String {
        let mut out = String::new();
        for (site, edge) in EDGES.iter().zip(&self.edges) {
            if let Ok(k) = edge.lock() {
                if let Some(k) = k.as_ref() {
                    out.push_str(&format!("--- {}:\n{}\n", site.name, k.log_tail(20)));
                }
            }
        }
        out
    }
}

/// `cargo xtask kamailio --cluster`: both edges in the foreground until Ctrl-C.
pub(crate) fn run_foreground() -> Result {
    let cluster = Cluster::start()?;
    println!("  cluster of two Kamailio edges, registrations shared (DMQ), Path + GRUU:");
    for e in EDGES {
        println!(
            "    {}: ws://{}  (SIP between edges on {}, control: kamcmd -s unix:{})",
            e.name,
            e.ws,
            e.sip,
            e.ctl().display()
        );
    }
    println!(
        "  sign in with both edges as the server list: {}",
        ws_urls()
    );
    println!(
        "  accounts: sip:1001@{SIP_DOMAIN} / 1001pw .. 1004, test users 2001..2999 / pw<user>"
    );
    println!("  Ctrl-C stops both");
    while cluster.all_running() && !crate::util::interrupted() {
        std::thread::sleep(Duration::from_millis(200));
    }
    if !cluster.all_running() {
        bail!("an edge exited; end of the logs:\n{}", cluster.log_tails());
    }
    Ok(())
}
