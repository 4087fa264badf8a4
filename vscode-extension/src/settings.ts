// The extension's settings, and the part of them the server sees. Pure: the
// configuration comes in as a parameter (vscode's WorkspaceConfiguration in
// the extension, a plain mock in tests).

/** The slice of vscode.WorkspaceConfiguration this module uses. */
export interface ConfigLike {
  get<T>(section: string): T | undefined;
}

export interface InlayHintSettings {
  enabled: boolean;
  streams: boolean;
  interfaces: boolean;
  paths: boolean;
}

/** What `blazes serve` receives as initializationOptions. */
export interface InitializationOptions {
  inlayHints: InlayHintSettings;
}

/** The configuration section synchronised to the server: languageclient sends
 *  `workspace/didChangeConfiguration` with `{ settings: { blazes: {...} } }`
 *  whenever a `blazes.*` setting changes. */
export const CONFIG_SECTION = 'blazes';

function bool(config: ConfigLike, key: string, fallback: boolean): boolean {
  const v = config.get<unknown>(key);
  return typeof v === 'boolean' ? v : fallback;
}

/** `config` is `workspace.getConfiguration('blazes')`. */
export function initializationOptions(config: ConfigLike): InitializationOptions {
  return {
    inlayHints: {
      enabled: bool(config, 'inlayHints.enabled', true),
      streams: bool(config, 'inlayHints.streams', true),
      interfaces: bool(config, 'inlayHints.interfaces', true),
      paths: bool(config, 'inlayHints.paths', true),
    },
  };
}

/** The command line: `serve` followed by `blazes.server.args`. */
export function serverArgs(config: ConfigLike): string[] {
  const extra = config.get<unknown>('server.args');
  const args = Array.isArray(extra) ? extra.filter((a): a is string => typeof a === 'string') : [];
  return ['serve', ...args];
}

/** Settings whose change needs a new server process (the rest reach the
 *  running server through workspace/didChangeConfiguration). */
export const RESTART_SETTINGS = ['blazes.server.path', 'blazes.server.args'];

export function needsRestart(affects: (section: string) => boolean): boolean {
  return RESTART_SETTINGS.some((s) => affects(s));
}
