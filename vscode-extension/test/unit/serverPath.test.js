'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { requireOut } = require('./helpers.js');
const { resolveServerPath, ServerNotFoundError, INSTALL_COMMAND, goBinDirs } = requireOut('serverPath');

function env(files, over = {}) {
  return {
    platform: 'linux',
    env: { PATH: '/usr/local/bin:/usr/bin' },
    homedir: '/home/u',
    isExecutable: (p) => files.includes(p),
    ...over,
  };
}

test('serverPath: default `blazes` is found on PATH', () => {
  assert.equal(resolveServerPath(undefined, env(['/usr/bin/blazes'])), '/usr/bin/blazes');
  assert.equal(resolveServerPath('', env(['/usr/bin/blazes'])), '/usr/bin/blazes');
  assert.equal(resolveServerPath('  blazes ', env(['/usr/local/bin/blazes', '/usr/bin/blazes'])), '/usr/local/bin/blazes');
});

test('serverPath: falls back to the Go bin directories go install writes to', () => {
  assert.equal(resolveServerPath('blazes', env(['/home/u/go/bin/blazes'])), '/home/u/go/bin/blazes');
  const e = env(['/opt/gobin/blazes'], { env: { PATH: '/usr/bin', GOBIN: '/opt/gobin' } });
  assert.equal(resolveServerPath(undefined, e), '/opt/gobin/blazes');
  const g = env(['/gp2/bin/blazes'], { env: { PATH: '/usr/bin', GOPATH: '/gp1:/gp2' } });
  assert.equal(resolveServerPath(undefined, g), '/gp2/bin/blazes');
  assert.deepEqual(goBinDirs(g), ['/gp1/bin', '/gp2/bin', '/home/u/go/bin']);
});

test('serverPath: explicit paths, ~, ${workspaceFolder}, relative', () => {
  assert.equal(resolveServerPath('/opt/blazes', env(['/opt/blazes'])), '/opt/blazes');
  assert.equal(resolveServerPath('~/bin/blazes', env(['/home/u/bin/blazes'])), '/home/u/bin/blazes');
  const ws = env(['/ws/bin/blazes'], { workspaceFolder: '/ws' });
  assert.equal(resolveServerPath('${workspaceFolder}/bin/blazes', ws), '/ws/bin/blazes');
  assert.equal(resolveServerPath('./bin/blazes', ws), '/ws/bin/blazes');
  assert.equal(resolveServerPath('${env:TOOLS}/blazes', env(['/tools/blazes'], { env: { TOOLS: '/tools' } })), '/tools/blazes');
});

test('serverPath: Windows adds PATHEXT', () => {
  const w = { platform: 'win32', env: { PATH: 'C:\\go\\bin;C:\\x', PATHEXT: '.EXE;.CMD' }, homedir: 'C:\\Users\\u', isExecutable: (p) => p === 'C:\\x\\blazes.exe' };
  assert.equal(resolveServerPath('blazes', w), 'C:\\x\\blazes.exe');
});

test('serverPath: a missing binary is a clear error naming the install command', () => {
  let err;
  try { resolveServerPath(undefined, env([])); } catch (e) { err = e; }
  assert.ok(err instanceof ServerNotFoundError, 'throws ServerNotFoundError');
  assert.match(err.message, /`blazes`\) was not found on PATH/);
  assert.ok(err.message.includes(INSTALL_COMMAND), err.message);
  assert.equal(INSTALL_COMMAND, 'go install ./cmd/blazes');
  assert.match(err.message, /from a clone of the Blazes repository/);
  assert.doesNotMatch(err.message, /@latest/, 'no module version is published to install from');
  assert.match(err.message, /blazes\.server\.path/);
  assert.ok(err.searched.includes('/usr/bin') && err.searched.includes('/home/u/go/bin'));
});

test('serverPath: a configured path that does not exist says so', () => {
  assert.throws(
    () => resolveServerPath('/nope/blazes', env([])),
    (e) => e instanceof ServerNotFoundError && /is set to "\/nope\/blazes", but there is no executable file there/.test(e.message) && e.message.includes(INSTALL_COMMAND),
  );
});
