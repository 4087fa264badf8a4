'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { requireOut } = require('./helpers.js');
const { RestartPolicy, createErrorHandler, DEFAULT_MAX_RESTARTS, DEFAULT_WINDOW_MS } = requireOut('restartPolicy');

const enums = { CloseAction: { DoNotRestart: 1, Restart: 2 }, ErrorAction: { Continue: 1, Shutdown: 2 } };

test('restart policy: at most 5 restarts in 3 minutes', () => {
  assert.equal(DEFAULT_MAX_RESTARTS, 5);
  assert.equal(DEFAULT_WINDOW_MS, 180000);
  let t = 0;
  const p = new RestartPolicy({ now: () => t });
  for (let i = 0; i < 5; i++) { assert.equal(p.onCrash(), true, `crash ${i + 1} restarts`); t += 10000; }
  assert.equal(p.onCrash(), false, 'the sixth crash within 3 minutes stops');
});

test('restart policy: crashes older than the window are forgotten', () => {
  let t = 0;
  const p = new RestartPolicy({ now: () => t });
  for (let i = 0; i < 5; i++) { assert.equal(p.onCrash(), true); t += 40000; } // 0..160 s
  t = 230000; // the first two (0 s, 40 s) are now out of the window
  assert.equal(p.onCrash(), true);
  assert.equal(p.recentCrashes, 4);
  p.reset();
  assert.equal(p.recentCrashes, 0);
});

test('restart policy: the error handler restarts, then gives up with a message', () => {
  let t = 0;
  const giveUps = [];
  const restarts = [];
  const h = createErrorHandler(new RestartPolicy({ now: () => t }), enums, (m) => giveUps.push(m), (n) => restarts.push(n));
  for (let i = 0; i < 5; i++) assert.deepEqual(h.closed(), { action: enums.CloseAction.Restart, handled: true });
  assert.deepEqual(restarts, [1, 2, 3, 4, 5]);
  assert.deepEqual(h.closed(), { action: enums.CloseAction.DoNotRestart, handled: true });
  assert.equal(giveUps.length, 1);
  assert.match(giveUps[0], /crashed 6 times in the last 3 minutes/);
  assert.match(giveUps[0], /Restart Server/);
  assert.equal(h.error(new Error('x'), undefined, 1).action, enums.ErrorAction.Continue);
  assert.equal(h.error(new Error('x'), undefined, 4).action, enums.ErrorAction.Shutdown);
});
