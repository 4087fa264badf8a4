// Where the `blazes` binary is. Pure: the file system and environment come in
// as parameters so that tests need no real binary and no vscode.
import * as path from 'path';

/** Run in a clone of the Blazes repository: `blazes` lands in `$(go env GOPATH)/bin`. */
export const INSTALL_COMMAND = 'go install ./cmd/blazes';
export const DEFAULT_SERVER = 'blazes';

export interface ResolveEnv {
  platform: string;
  env: Record<string, string | undefined>;
  homedir: string;
  /** The first workspace folder's path, for `${workspaceFolder}` and relative paths. */
  workspaceFolder?: string;
  /** True when `p` is an existing file this process may execute. */
  isExecutable(p: string): boolean;
}

export class ServerNotFoundError extends Error {
  constructor(message: string, readonly searched: string[]) {
    super(message);
    this.name = 'ServerNotFoundError';
  }
}

function expand(p: string, e: ResolveEnv): string {
  let out = p.trim();
  if (out === '~' || out.startsWith('~/') || out.startsWith('~\\')) out = path.join(e.homedir, out.slice(1));
  if (e.workspaceFolder) out = out.replace(/\$\{workspaceFolder\}/g, e.workspaceFolder);
  out = out.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => e.env[name] ?? '');
  return out;
}

function pathApi(platform: string): typeof path.posix {
  return platform === 'win32' ? path.win32 : path.posix;
}

function candidates(base: string, e: ResolveEnv): string[] {
  if (e.platform !== 'win32') return [base];
  const exts = (e.env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean);
  if (exts.some((x) => base.toLowerCase().endsWith(x.toLowerCase()))) return [base];
  return [base, ...exts.map((x) => base + x.toLowerCase())];
}

/** The directories `go install` writes to, which a VS Code started from a
 *  desktop launcher often does not have on its PATH. */
export function goBinDirs(e: ResolveEnv): string[] {
  const p = pathApi(e.platform);
  const sep = e.platform === 'win32' ? ';' : ':';
  const dirs: string[] = [];
  if (e.env.GOBIN) dirs.push(e.env.GOBIN);
  for (const gp of (e.env.GOPATH ?? '').split(sep).filter(Boolean)) dirs.push(p.join(gp, 'bin'));
  dirs.push(p.join(e.homedir, 'go', 'bin'));
  return [...new Set(dirs)];
}

export function missingServerMessage(setting: string, searched: string[], explicit: boolean): string {
  const where = explicit
    ? `\`blazes.server.path\` is set to "${setting}", but there is no executable file there.`
    : `The Blazes language server (\`${setting}\`) was not found on PATH${searched.length ? ` nor in ${searched.length} Go bin director${searched.length === 1 ? 'y' : 'ies'}` : ''}.`;
  return (
    `${where} Build it from a clone of the Blazes repository with \`${INSTALL_COMMAND}\` ` +
    '(it lands in `$(go env GOPATH)/bin`), then make sure it is on PATH or set `blazes.server.path` ' +
    'to the binary, and run "Blazes: Restart Server".'
  );
}

/**
 * Resolve the `blazes.server.path` setting to an executable.
 * - empty/unset: `blazes`;
 * - a bare name: searched on PATH, then in $GOBIN, $GOPATH/bin, ~/go/bin;
 * - a path (absolute, relative to the first workspace folder, `~`,
 *   `${workspaceFolder}`, `${env:VAR}`): used as is, and must exist.
 * Throws ServerNotFoundError with the install command in its message.
 */
export function resolveServerPath(setting: string | undefined, e: ResolveEnv): string {
  const p = pathApi(e.platform);
  const raw = (setting ?? '').trim() || DEFAULT_SERVER;
  const value = expand(raw, e);
  const isPath = value.includes('/') || (e.platform === 'win32' && value.includes('\\'));
  if (isPath) {
    const abs = p.isAbsolute(value) ? value : p.resolve(e.workspaceFolder ?? process.cwd(), value);
    for (const c of candidates(abs, e)) if (e.isExecutable(c)) return c;
    throw new ServerNotFoundError(missingServerMessage(raw, [abs], true), [abs]);
  }
  const sep = e.platform === 'win32' ? ';' : ':';
  const pathVar = e.env.PATH ?? e.env.Path ?? '';
  const dirs = pathVar.split(sep).filter(Boolean);
  const searched: string[] = [];
  for (const dir of dirs) {
    for (const c of candidates(p.join(dir, value), e)) if (e.isExecutable(c)) return c;
  }
  const goDirs = goBinDirs(e).filter((d) => !dirs.includes(d));
  for (const dir of goDirs) {
    searched.push(dir);
    for (const c of candidates(p.join(dir, value), e)) if (e.isExecutable(c)) return c;
  }
  throw new ServerNotFoundError(missingServerMessage(raw, searched, false), [...dirs, ...searched]);
}

/** The real file-system check, for the extension (kept here so tests can use it too). */
export function isExecutableFile(p: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const fs = require('fs') as typeof import('fs');
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) return false;
    if (process.platform === 'win32') return true;
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
