/**
 * Runs the CLI in-process for a test file: captures what it prints (`io.out`, one entry per line)
 * and what it writes to stderr (`io.err`), and checks main() leaves process.exitCode alone.
 */
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { main } from '../../../src/cli';

export function cliHarness(): {
  io: { out: string[]; err: string };
  run: (...argv: string[]) => Promise<number>;
} {
  const io = { out: [] as string[], err: '' };
  beforeEach(() => {
    io.out = [];
    io.err = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      io.err += String(s);
      return true;
    });
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    // main() returns the exit code and must leave the process's own untouched.
    expect(process.exitCode ?? 0).toBe(0);
  });
  return { io, run: (...argv) => main(argv, (s) => io.out.push(s)) };
}
