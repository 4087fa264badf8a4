'use strict';
// The packaged extension (vscode-extension/blazes.vsix) in a real VS Code:
// code-server from npm, in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core; no downloaded browser). A user's session on a
// copy of the paper's unsealed word count:
//   - the warning squiggle under Count's `OW[word, batch]`;
//   - the Problems panel lists BLZ001;
//   - the hover over the annotation shows the finding and the derivation;
//   - the quick fix (Ctrl+.) seals the source: the warning is gone and the
//     saved file holds `seal(batch)`;
//   - "Show a witness" (Ctrl+.) opens the trace as a Markdown document and
//     the graph view with Count and its stream to Commit highlighted;
//   - "Blazes: Show Dataflow Graph" renders the graph in its webview.
// The extension starts `blazes serve` itself, through vscode-languageclient,
// with the binary named in the user settings (blazes.server.path).
//
// Environment: BLAZES_BIN (the server binary, required), BLAZES_VSIX
// (default vscode-extension/blazes.vsix), CHROMIUM_PATH (default
// /usr/bin/chromium), BLAZES_E2E_RESULTS (where screenshots and logs of a
// failure go; default e2e/vscode/test-results; BLAZES_E2E_KEEP=1 keeps them
// after a pass too). scripts/test-vscode.sh sets
// everything up.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const HERE = __dirname;
const REPO = path.resolve(HERE, '..', '..');
const CODE_SERVER = path.join(HERE, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const VSIX = path.resolve(process.env.BLAZES_VSIX || path.join(REPO, 'vscode-extension', 'blazes.vsix'));
const RESULTS = path.resolve(process.env.BLAZES_E2E_RESULTS || path.join(HERE, 'test-results'));
const SOURCE = path.join(REPO, 'testdata', 'paper', 'wordcount.blazes');

// Generous bounds for a loaded CI machine; every wait ends as soon as what
// it waits for is on the screen.
const START_TIMEOUT = 120000; // code-server up, workbench loaded
const SERVER_TIMEOUT = 60000; // the language server's first answers
const UI_TIMEOUT = 30000; // a widget after a key press

function mkdtemp(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function writeJSON(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

/** Start code-server on 127.0.0.1 (a port the system picks); resolves to its URL. */
function startCodeServer(work, log) {
  const env = {
    ...process.env,
    // code-server writes its config and logs under XDG dirs: keep them in work.
    XDG_CONFIG_HOME: path.join(work, 'xdg', 'config'),
    XDG_DATA_HOME: path.join(work, 'xdg', 'data'),
    XDG_CACHE_HOME: path.join(work, 'xdg', 'cache'),
  };
  delete env.VSCODE_IPC_HOOK_CLI;
  const args = [
    CODE_SERVER,
    '--config', path.join(work, 'config.yaml'),
    '--bind-addr', '127.0.0.1:0',
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', path.join(work, 'user-data'),
    '--extensions-dir', path.join(work, 'extensions'),
    '--log', 'info',
  ];
  fs.writeFileSync(path.join(work, 'config.yaml'), 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
  const install = spawnSync(process.execPath, [...args, '--install-extension', VSIX], { env, encoding: 'utf8', timeout: START_TIMEOUT });
  fs.appendFileSync(log, `$ code-server --install-extension ${VSIX}\n${install.stdout}${install.stderr}\n`);
  if (install.status !== 0 || !/successfully installed/.test(install.stdout + install.stderr)) {
    throw new Error(`code-server --install-extension ${VSIX} failed (status ${install.status}): ${install.stdout}${install.stderr}`);
  }
  const proc = spawn(process.execPath, [...args, path.join(work, 'ws')], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const url = new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`code-server did not start within ${START_TIMEOUT / 1000} s`)), START_TIMEOUT);
    const onData = (d) => {
      fs.appendFileSync(log, d);
      seen += d;
      const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited (${code ?? signal}) before listening; see ${log}`));
    });
  });
  return { proc, url };
}

/** Stop code-server and everything it started (extension host, blazes serve). */
async function stopCodeServer(proc) {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  try { process.kill(-proc.pid, 'SIGTERM'); } catch { return; }
  const timer = setTimeout(() => { try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ } }, 10000);
  await exited;
  clearTimeout(timer);
}

/** The extension's output channel ("Blazes": the client's messages and the
 *  server's stderr), from VS Code's logs. */
function blazesOutput(work) {
  const found = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/-Blazes\.log$/.test(e.name)) found.push(p);
    }
  };
  const logs = path.join(work, 'user-data', 'logs');
  if (fs.existsSync(logs)) walk(logs);
  return found.map((f) => fs.readFileSync(f, 'utf8')).join('\n') || '(no output)';
}

/** Waits until the focused row of list has the aria-label label. */
async function expectFocused(list, label) {
  await list.and(list.page().locator('.focused')).and(list.page().getByLabel(label, { exact: true })).waitFor({ timeout: UI_TIMEOUT });
}

/** Polls check (every 100 ms) until it returns a truthy value or ms pass; returns that value or false. */
async function until(check, ms) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The 1-based line and column of needle in text. */
function positionOf(text, needle) {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `${needle} is in the test file`);
  const before = text.slice(0, i).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

test('VS Code: squiggle, Problems, hover, witness, quick fix and graph of the packaged extension', { timeout: 600000 }, async (t) => {
  const bin = process.env.BLAZES_BIN;
  assert.ok(bin && fs.existsSync(bin), `BLAZES_BIN must name the blazes binary (got ${bin})`);
  assert.ok(fs.existsSync(VSIX), `${VSIX} is missing: run \`npm run package\` at the repository root`);
  assert.ok(fs.existsSync(CODE_SERVER), `${CODE_SERVER} is missing: run scripts/test-vscode.sh (it installs code-server)`);
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium, or set CHROMIUM_PATH`);
  const { chromium } = require('playwright-core');

  const work = mkdtemp('blazes-vscode-');
  const log = path.join(work, 'code-server.log');
  const ws = path.join(work, 'ws');
  const file = path.join(ws, 'wordcount.blazes');
  fs.mkdirSync(ws, { recursive: true });
  const original = fs.readFileSync(SOURCE, 'utf8');
  fs.writeFileSync(file, original);
  writeJSON(path.join(work, 'user-data', 'User', 'settings.json'), {
    'blazes.server.path': path.resolve(bin),
    'telemetry.telemetryLevel': 'off',
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'security.workspace.trust.enabled': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'editor.minimap.enabled': false,
    'editor.stickyScroll.enabled': false,
    'files.autoSave': 'off',
  });

  let step = 'starting code-server';
  let page;
  let context;
  const pageProblems = [];
  const chromeProfile = path.join(work, 'chromium');
  let proc;
  let passed = false;
  try {
    const started = startCodeServer(work, log);
    proc = started.proc;
    const base = await started.url;
    t.diagnostic(`code-server at ${base}`);

    step = 'starting Chromium';
    context = await chromium.launchPersistentContext(chromeProfile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
      viewport: { width: 1400, height: 900 },
    });
    page = context.pages()[0] || (await context.newPage());
    page.on('pageerror', (e) => pageProblems.push(`page error: ${e.message}`));

    step = 'opening the workspace';
    await page.goto(`${base}/?folder=${encodeURIComponent(ws)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: START_TIMEOUT });

    step = 'opening wordcount.blazes from the Explorer';
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'wordcount.blazes' }).click({ timeout: START_TIMEOUT });
    const editor = page.locator('.editor-group-container .monaco-editor').first();
    await editor.locator('.view-lines', { hasText: 'component Count' }).waitFor({ timeout: UI_TIMEOUT });

    step = 'the warning squiggle';
    const squiggle = editor.locator('.squiggly-warning');
    // Whichever comes first: the squiggle, or the status bar saying that the
    // server is not running (then the Blazes output tells why).
    const serverDown = page.locator('.statusbar-item', { hasText: /Blazes: server/ });
    await squiggle.first().or(serverDown).first().waitFor({ timeout: SERVER_TIMEOUT });
    if (await serverDown.count()) {
      throw new Error(`the status bar says "${(await serverDown.first().innerText()).trim()}"; the Blazes output:\n${blazesOutput(work).split('\n').slice(0, 12).join('\n')}`);
    }
    // One warning squiggle, under `OW` of Count's annotation (the editor
    // re-renders as inlay hints and code lenses arrive: measure in the page).
    await page.waitForFunction(() => {
      const ed = document.querySelector('.editor-group-container .monaco-editor');
      const squiggles = [...ed.querySelectorAll('.squiggly-warning')];
      const line = [...ed.querySelectorAll('.view-line')].find((l) => /OW\[word,\s*batch\]/.test(l.textContent));
      const ow = line && [...line.querySelectorAll('span span')].find((s) => s.textContent.startsWith('OW'));
      if (squiggles.length !== 1 || !ow) return false;
      const a = squiggles[0].getBoundingClientRect();
      const b = ow.getBoundingClientRect();
      return Math.abs(a.left - b.left) < 3 && a.top < b.bottom && a.bottom > b.top;
    }, null, { timeout: UI_TIMEOUT });
    assert.equal(await editor.locator('.squiggly-error').count(), 0, 'no error squiggle');
    await page.screenshot({ path: path.join(work, 'squiggle.png') });
    const annotation = positionOf(original, 'OW[word, batch]');

    step = 'the Problems panel';
    await page.keyboard.press('Control+Shift+M');
    const problems = page.locator('.markers-panel .monaco-list-row');
    const finding = problems.filter({ hasText: 'BLZ001' });
    await finding.first().waitFor({ timeout: UI_TIMEOUT });
    const findingText = await finding.first().innerText();
    assert.match(findingText, /Count/, 'the BLZ001 entry names Count');
    assert.match(findingText, /Ln 15, Col 21/, 'the BLZ001 entry points at the annotation');
    assert.equal(await problems.filter({ hasText: /BLZ\d{3}/ }).count(), 1, 'one finding in the Problems panel');

    step = 'going to the annotation (Ctrl+G)';
    await page.keyboard.press('Control+1'); // focus the editor
    await page.keyboard.press('Control+G');
    const quickInput = page.locator('.quick-input-widget');
    await quickInput.locator('input').waitFor({ timeout: UI_TIMEOUT });
    await page.keyboard.type(`${annotation.line}:${annotation.column + 3}`); // on `word`
    await page.keyboard.press('Enter');
    await page.locator('.statusbar-item', { hasText: `Ln ${annotation.line}, Col ${annotation.column + 3}` }).waitFor({ timeout: UI_TIMEOUT });

    step = 'the hover over the annotation';
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'Derivation' });
    // Show Hover (Ctrl+K Ctrl+I) at the cursor: the hover the mouse gets over
    // the annotation, without aiming at text that inlay hints and code
    // lenses move about.
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    await hover.first().waitFor({ timeout: SERVER_TIMEOUT });
    const hoverText = await hover.first().innerText();
    assert.match(hoverText, /BLZ001/, 'the hover shows the finding');
    assert.match(hoverText, /Derivation/, 'the hover shows the derivation');
    assert.match(hoverText, /Count: words -> counts/, 'the derivation is that of Count\'s path');
    assert.match(hoverText, /Taint/, 'the derivation explains the internal label');
    await page.screenshot({ path: path.join(work, 'hover.png') });
    await page.keyboard.press('Escape');
    await hover.first().waitFor({ state: 'hidden', timeout: UI_TIMEOUT });

    step = 'Show a witness (Ctrl+.)';
    await page.keyboard.press('Control+.');
    const actionRows = page.locator('.action-widget .monaco-list-row.action');
    await actionRows.filter({ hasText: /Show a witness/ }).first().waitFor({ timeout: SERVER_TIMEOUT });
    const menu = await actionRows.evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label')));
    const witnessAt = menu.findIndex((label) => /Show a witness/.test(label));
    for (let i = 0; i < menu.length; i++) {
      const focused = actionRows.and(page.locator('.focused'));
      await focused.waitFor({ timeout: UI_TIMEOUT });
      if ((await focused.getAttribute('aria-label')) === menu[witnessAt]) break;
      await page.keyboard.press('ArrowDown');
    }
    await expectFocused(actionRows, menu[witnessAt]);
    await page.keyboard.press('Enter');
    // The trace, a Markdown document of the extension's, beside the file.
    await page.locator('.tabs-container .tab', { hasText: /witness wordcount Count/ }).first().waitFor({ timeout: SERVER_TIMEOUT });
    await page.locator('.monaco-editor .view-lines', { hasText: 'Two runs of the same input disagree on Count.counts' }).first().waitFor({ timeout: UI_TIMEOUT });
    // The graph view, with the differing part highlighted.
    const witnessGraph = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await witnessGraph.locator('body[data-state="rendered"]').waitFor({ timeout: SERVER_TIMEOUT });
    await witnessGraph.locator('#graph svg g.node.witness#Count').waitFor({ timeout: UI_TIMEOUT });
    const lit = await witnessGraph.locator('#graph svg g.witness').evaluateAll((gs) => gs.map((g) => ({
      id: g.id, stroke: getComputedStyle(g.querySelector('path, polygon')).stroke,
    })));
    assert.deepEqual(lit, [
      { id: 'Count', stroke: 'rgb(255, 0, 200)' },
      { id: 'Count.counts -> Commit.counts', stroke: 'rgb(255, 0, 200)' },
    ], 'Count and its stream to Commit are drawn in the witness colour');
    assert.match(await witnessGraph.locator('#legend-witness').innerText(), /where two runs differ \(Count: words -> counts\)/);
    await page.screenshot({ path: path.join(work, 'witness.png') });
    // Back to the file, the cursor where it was.
    await page.locator('.tabs-container .tab', { hasText: 'wordcount.blazes' }).first().click();
    await page.locator('.statusbar-item', { hasText: `Ln ${annotation.line}, Col ${annotation.column + 3}` }).waitFor({ timeout: UI_TIMEOUT });

    step = 'the quick fix (Ctrl+.)';
    await page.keyboard.press('Control+.');
    const actions = page.locator('.action-widget .monaco-list-row.action');
    const seal = actions.filter({ hasText: /seal/i }).filter({ hasText: /batch/ });
    await seal.first().waitFor({ timeout: SERVER_TIMEOUT });
    // Choose it with the keyboard, as the menu invites ("Enter to Apply").
    const offered = await actions.evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label')));
    t.diagnostic(`quick fixes offered: ${offered.join(' | ')}`);
    const target = offered.findIndex((label) => /seal/i.test(label) && /batch/.test(label));
    for (let i = 0; i < offered.length; i++) {
      const focused = actions.and(page.locator('.focused'));
      await focused.waitFor({ timeout: UI_TIMEOUT });
      if ((await focused.getAttribute('aria-label')) === offered[target]) break;
      await page.keyboard.press('ArrowDown');
    }
    await expectFocused(actions, offered[target]);
    await page.keyboard.press('Enter');
    await editor.locator('.view-lines', { hasText: 'seal(batch)' }).waitFor({ timeout: UI_TIMEOUT });

    step = 'saving (Ctrl+S)';
    await page.keyboard.press('Control+S');
    // The file's own tab, no longer dirty (other groups hold the witness
    // trace and the graph, whose tabs are active too).
    const fileTab = page.locator('.tabs-container .tab', { has: page.locator('.label-name', { hasText: /^wordcount\.blazes$/ }) });
    await fileTab.first().waitFor({ timeout: UI_TIMEOUT });
    assert.ok(await until(async () => !/\bdirty\b/.test(await fileTab.first().getAttribute('class')), UI_TIMEOUT), 'the file tab is saved (not dirty)');
    const saved = await until(() => { const text = fs.readFileSync(file, 'utf8'); return /seal\(batch\)/.test(text) && text; }, UI_TIMEOUT);
    assert.ok(saved, `the saved file holds seal(batch):\n${fs.readFileSync(file, 'utf8')}`);
    t.diagnostic(`saved: ${saved.split('\n').find((l) => l.includes('seal('))}`);

    step = 'the warning gone';
    await squiggle.first().waitFor({ state: 'detached', timeout: SERVER_TIMEOUT });
    await page.locator('.markers-panel .monaco-tl-contents', { hasText: 'BLZ' }).first().waitFor({ state: 'detached', timeout: SERVER_TIMEOUT });
    await page.locator('.markers-panel', { hasText: 'No problems have been detected' }).waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await problems.count(), 0, 'the Problems panel is empty');
    await page.locator('.statusbar-item', { hasText: 'Blazes: coordination-free' }).waitFor({ timeout: UI_TIMEOUT });

    step = 'the graph view (Blazes: Show Dataflow Graph)';
    await page.keyboard.press('Control+1');
    await page.keyboard.press('F1');
    await quickInput.locator('input').waitFor({ timeout: UI_TIMEOUT });
    await page.keyboard.type('Blazes: Show Dataflow Graph');
    await quickInput.locator('.monaco-list-row', { hasText: 'Show Dataflow Graph' }).first().waitFor({ timeout: UI_TIMEOUT });
    await page.keyboard.press('Enter');
    const graph = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await graph.locator('body[data-state="rendered"]').waitFor({ timeout: SERVER_TIMEOUT });
    for (const node of ['tweets', 'Splitter', 'Count', 'Commit']) {
      await graph.locator(`#graph svg g.node#${node}`).waitFor({ timeout: UI_TIMEOUT });
    }
    assert.ok(await graph.locator('#graph svg g.edge').count() >= 3, 'the graph has the three streams');
    assert.equal(await graph.locator('#error').isVisible(), false, 'the graph page shows no error');
    await page.screenshot({ path: path.join(work, 'graph.png') });
    passed = true;
  } catch (e) {
    e.message = `${step}: ${e.message}`;
    throw e;
  } finally {
    if (!passed || process.env.BLAZES_E2E_KEEP) {
      const dir = path.join(RESULTS, `vscode-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      fs.mkdirSync(dir, { recursive: true });
      if (page) await page.screenshot({ path: path.join(dir, passed ? 'end.png' : 'failure.png') }).catch(() => undefined);
      for (const f of ['squiggle.png', 'hover.png', 'witness.png', 'graph.png', 'code-server.log']) {
        if (fs.existsSync(path.join(work, f))) fs.copyFileSync(path.join(work, f), path.join(dir, f));
      }
      // VS Code's logs hold the extension's output channel ("Blazes": the
      // client's messages and the server's stderr) and the extension host's.
      const logs = path.join(work, 'user-data', 'logs');
      if (fs.existsSync(logs)) fs.cpSync(logs, path.join(dir, 'vscode-logs'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'blazes-output.log'), blazesOutput(work));
      if (fs.existsSync(file)) fs.copyFileSync(file, path.join(dir, 'wordcount.blazes'));
      if (pageProblems.length) fs.writeFileSync(path.join(dir, 'page-errors.txt'), pageProblems.join('\n') + '\n');
      if (passed) t.diagnostic(`screenshots and logs in ${dir}`);
      else console.error(`vscode e2e: FAILED at "${step}"; screenshots and logs in ${dir}`);
    }
    if (context) await context.close().catch(() => undefined);
    if (proc) await stopCodeServer(proc);
    fs.rmSync(work, { recursive: true, force: true });
  }
});
