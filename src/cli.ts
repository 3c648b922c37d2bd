import { Command, CommanderError } from 'commander';
import { registerCheck } from './cli/check';
import { UsageError } from './cli/common';
import { registerListEval } from './cli/listEval';
import { modelCheckSource } from './model/cli';

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
      writeErr: (s) => process.stderr.write(s),
      writeOut: (s) => process.stdout.write(s),
    });
  registerListEval(program, print);
  registerCheck(program, print, [modelCheckSource()]);
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

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(
        `activation-lens: internal error: ${e instanceof Error ? e.stack : String(e)}\n`,
      );
      process.exit(70);
    },
  );
}
