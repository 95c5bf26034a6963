// A `node --test` reporter for `cargo xtask`: one line per test, `<outcome>\t<"file: name">`,
// so xtask adds up what node knows (pass, fail, skip, todo, cancelled) from events rather
// than from the wording of the human report. A tab and a JSON-quoted name keep the line
// trivial to split in Rust without a JSON parser.
//
// The outcome follows the order node's own summary counts in (skip, then todo, then
// cancelled, then fail), so the totals match its `ℹ pass` ... `ℹ todo` lines; suites are
// not tests there either. xtask's unit tests (xtask/src/tally/node.rs) run this file on
// outcomes.mjs and compare with node's summary, so a node that counts differently shows up.
import path from 'node:path';

// A test that timed out, or was still running when its parent ended: node calls both
// "cancelled" and fails the run for them.
const CANCELLED = new Set(['testTimeoutFailure', 'cancelledByParent']);

export default async function* tally(source) {
  for await (const { type, data } of source) {
    if (type !== 'test:pass' && type !== 'test:fail') continue;
    if (data.details?.type === 'suite') continue;
    const file = data.file ? `${path.basename(data.file)}: ` : '';
    yield `${outcome(type, data)}\t${JSON.stringify(file + data.name)}\n`;
  }
}

function outcome(type, data) {
  if (data.skip) return 'skip';
  if (data.todo) return 'todo';
  if (type === 'test:pass') return 'pass';
  return CANCELLED.has(data.details?.error?.failureType) ? 'cancelled' : 'fail';
}
