'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { requireOut } = require('./helpers.js');
const { initializationOptions, serverArgs, needsRestart, CONFIG_SECTION } = requireOut('settings');

function config(values) {
  return { get: (k) => values[k] };
}

test('settings: initializationOptions default to all hints on', () => {
  assert.deepEqual(initializationOptions(config({})), {
    inlayHints: { enabled: true, streams: true, interfaces: true, paths: true },
  });
});

test('settings: initializationOptions pass every inlay-hint setting through', () => {
  const opts = initializationOptions(config({
    'inlayHints.enabled': false, 'inlayHints.streams': true, 'inlayHints.interfaces': false, 'inlayHints.paths': false,
  }));
  assert.deepEqual(opts, { inlayHints: { enabled: false, streams: true, interfaces: false, paths: false } });
  assert.equal(JSON.stringify(initializationOptions(config({}))), '{"inlayHints":{"enabled":true,"streams":true,"interfaces":true,"paths":true}}');
  // A non-boolean (a hand-edited settings.json) falls back to the default.
  assert.equal(initializationOptions(config({ 'inlayHints.paths': 'no' })).inlayHints.paths, true);
});

test('settings: server arguments are `serve` plus blazes.server.args', () => {
  assert.deepEqual(serverArgs(config({})), ['serve']);
  assert.deepEqual(serverArgs(config({ 'server.args': ['--log', '/tmp/l', 3] })), ['serve', '--log', '/tmp/l']);
  assert.equal(CONFIG_SECTION, 'blazes');
});

test('settings: only the binary and its arguments need a restart', () => {
  assert.equal(needsRestart((s) => s === 'blazes.server.path'), true);
  assert.equal(needsRestart((s) => s === 'blazes.server.args'), true);
  assert.equal(needsRestart((s) => s === 'blazes.inlayHints.paths'), false);
});
