import { Command, CommanderError } from 'commander';
import { registerCheck } from './cli/check';
import { UsageError } from './cli/common';
import { registerListEval } from './cli/listEval';
import { enableGemmThreads } from './gemmPool';
import { modelCheckSource, registerModels } from './model/cli';
import { torchCheckSource } from './torch/cli';

/** Exit codes: 0 ok, 1 a check failed (--fail-on), 2 bad input. */
export async function main(
  argv: readonly string[],
  print = (s: string) => console.log(s),
): Promise<number> {
  const program = new Command('activation-lens')
    .description('Activation functions, their derivatives and gradient flow, from the command line')
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({
      // commander writes the help to stderr when it is the answer to a mistake (no command,
      // `help <unknown>`): one line instead, as for every other bad input.
      writeErr: (s) =>
        process.stderr.write(
          s.startsWith('Usage:')
            ? `activation-lens: give a command: ${program.commands.map((c) => c.name()).join(', ')} (see 'activation-lens --help')\n`
            : s,
        ),
      writeOut: (s) => process.stdout.write(s),
      // "error: unknown option '--dept'\n(Did you mean --depth?)" on one line.
      outputError: (s, write) => write(`${s.trimEnd().replace(/\s*\n\s*/g, ' ')}\n`),
    });
  registerListEval(program, print);
  registerModels(program, print);
  registerCheck(program, print, [torchCheckSource(), modelCheckSource()]);
  for (const c of program.commands) c.exitOverride();
  // Commands report a failed check (exit 1) through process.exitCode; main() returns it and leaves
  // the process's own exit code as it found it, so callers (tests, scripts) see no side effect.
  const saved = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed its message (or the help).
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`activation-lens: ${e.message}\n`);
      return 2;
    }
    throw e;
  } finally {
    process.exitCode = saved;
  }
}

/**
 * Exits once stdout and stderr have drained. process.exit() right after a write cuts piped output
 * at the pipe's buffer (64 KiB): `check --json | jq` got half a document with exit 0. A write's
 * callback runs after every earlier write to the same stream has been flushed.
 */
function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = (): void => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

if (require.main === module) {
  enableGemmThreads(); // the engine's products on every core (helpers start on first use)
  main(process.argv.slice(2)).then(exitWhenFlushed, (e: unknown) => {
    // One line, no stack: a user reading it can report it; the stack helps no one at a prompt.
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    process.stderr.write(`activation-lens: internal error: ${message.split('\n')[0]}\n`);
    exitWhenFlushed(70);
  });
}
