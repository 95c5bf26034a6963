//! Prints `www/embed/softphone.d.ts`: the TypeScript types of the message API, generated
//! from the Rust types so the two cannot drift. `cargo xtask embed-types` writes it, and
//! `cargo xtask embed-types --check` (run by `cargo xtask test`) fails when it is stale.

use embed::{
    CallEnd, CallPhase, Command, CommandResult, Direction, DirectoryEntry, ErrorReason, Event,
    Language, Notice, Party, PartyState, Person, Problem, Registration, Reply, Request,
    SignInProblem,
};
use ts_rs::{Config, TS};

fn main() {
    let cfg = Config::new();
    let decls = [
        Request::decl(&cfg),
        Command::decl(&cfg),
        DirectoryEntry::decl(&cfg),
        Language::decl(&cfg),
        Reply::decl(&cfg),
        CommandResult::decl(&cfg),
        ErrorReason::decl(&cfg),
        SignInProblem::decl(&cfg),
        Notice::decl(&cfg),
        Event::decl(&cfg),
        Registration::decl(&cfg),
        Person::decl(&cfg),
        CallPhase::decl(&cfg),
        Direction::decl(&cfg),
        CallEnd::decl(&cfg),
        Party::decl(&cfg),
        PartyState::decl(&cfg),
        Problem::decl(&cfg),
    ];
    print!(
        "// Generated from crates/embed by `cargo xtask embed-types`; do not edit.\n\
         // The softphone's postMessage API, version {}.\n\n",
        embed::VERSION
    );
    for decl in decls {
        println!("export {decl}\n");
    }
    println!(
        "/** Anything the phone posts to the CRM. */\nexport type FromPhone = Reply | Notice;"
    );
    // The SDK's own declarations, written by hand beside the generator: they use the types
    // above, and `crates/embed/tests/sdk_types.rs` checks they cover what softphone.js exports.
    print!("\n{}", include_str!("sdk.d.ts"));
}
