// Bounded restarts after the server crashes: at most `maxRestarts` within
// `windowMs`; past that the client stops and tells the user, with a button to
// the output channel. Pure: the clock and languageclient's enums are
// parameters.

export interface RestartPolicyOptions {
  maxRestarts?: number;
  windowMs?: number;
  now?: () => number;
}

export const DEFAULT_MAX_RESTARTS = 5;
export const DEFAULT_WINDOW_MS = 3 * 60 * 1000;

export class RestartPolicy {
  readonly maxRestarts: number;
  readonly windowMs: number;
  private readonly now: () => number;
  private crashes: number[] = [];

  constructor(opts: RestartPolicyOptions = {}) {
    this.maxRestarts = opts.maxRestarts ?? DEFAULT_MAX_RESTARTS;
    this.windowMs = opts.windowMs ?? DEFAULT_WINDOW_MS;
    this.now = opts.now ?? Date.now;
  }

  /** Record a crash; true when the server should be restarted. */
  onCrash(): boolean {
    const t = this.now();
    this.crashes = this.crashes.filter((c) => t - c < this.windowMs);
    this.crashes.push(t);
    return this.crashes.length <= this.maxRestarts;
  }

  /** Crashes counted in the current window. */
  get recentCrashes(): number {
    const t = this.now();
    return this.crashes.filter((c) => t - c < this.windowMs).length;
  }

  /** Forget past crashes (a restart asked for by the user). */
  reset(): void {
    this.crashes = [];
  }

  giveUpMessage(): string {
    const minutes = Math.round(this.windowMs / 60000);
    return (
      `The Blazes language server crashed ${this.maxRestarts + 1} times in the last ${minutes} minute${minutes === 1 ? '' : 's'} ` +
      'and will not be restarted. See the output channel for its log, then run "Blazes: Restart Server".'
    );
  }
}

/** The numeric enums of vscode-languageclient, passed in so tests need no vscode. */
export interface ClientEnums {
  ErrorAction: { Continue: number; Shutdown: number };
  CloseAction: { DoNotRestart: number; Restart: number };
}

/** A languageclient ErrorHandler over a RestartPolicy. `onGiveUp` shows the
 *  error (with "Show Log"); `onRestart` may log. */
export function createErrorHandler(
  policy: RestartPolicy,
  enums: ClientEnums,
  onGiveUp: (message: string) => void,
  onRestart: (crashes: number) => void = () => undefined,
) {
  return {
    error(_error: Error, _message: unknown, count: number | undefined) {
      // As languageclient's default: a few write errors are tolerated.
      if (count !== undefined && count <= 3) return { action: enums.ErrorAction.Continue as any };
      return { action: enums.ErrorAction.Shutdown as any };
    },
    closed() {
      if (policy.onCrash()) {
        onRestart(policy.recentCrashes);
        return { action: enums.CloseAction.Restart as any, handled: true };
      }
      onGiveUp(policy.giveUpMessage());
      return { action: enums.CloseAction.DoNotRestart as any, handled: true };
    },
  };
}
