// One test of every outcome node reports, for xtask's check that reporter.mjs counts what
// node's own summary counts (xtask/src/tally/node.rs). Not part of any test run.
import { describe, test } from 'node:test';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('a suite is not a test', () => {
  test('passes', () => {});
  test('fails', () => {
    throw new Error('on purpose');
  });
  test('is skipped', { skip: 'on purpose' }, () => {});
  test('is todo, and its failure does not count', { todo: true }, () => {
    throw new Error('on purpose');
  });
  test('times out', { timeout: 20 }, () => sleep(200));
  test('fails because a subtest is cancelled', async (t) => {
    await t.test('passes too', () => {});
    // not awaited: the parent ends first and cancels it
    t.test('is cancelled by its parent', () => sleep(200));
  });
});

test('skips itself', (t) => t.skip('on purpose'));
