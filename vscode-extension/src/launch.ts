// How the extension starts `blazes serve`: the ServerOptions it hands to
// vscode-languageclient, which spawns the process itself. For
// TransportKind.stdio the library appends `--stdio` to the arguments (after
// the user's `blazes.server.args`) and speaks LSP over the process's stdin
// and stdout; `blazes serve` takes `--stdio` to mean its default.
// test/e2e/*.test.js give these options to the real library and talk to the
// server it starts.
import { Executable, TransportKind } from 'vscode-languageclient/node';

/** `args` is the command line after the binary: `serve` and the user's arguments. */
export function serverOptions(command: string, args: string[], cwd: string | undefined): Executable {
  return { command, args, transport: TransportKind.stdio, options: { cwd } };
}
