/**
 * Runs python/torch_check.py in the user's interpreter as a child process: its own process group
 * (detached) so that a time limit or a cancellation kills the interpreter and anything it started
 * (DataLoader workers, OpenMP helpers) at once, with no `vscode` import so the CLI uses it too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  parseTorchOutput,
  torchCheckArgs,
  TorchCheckError,
  type TorchCheckRequest,
  type TorchCheckResult,
} from './protocol';

export const DEFAULT_TIMEOUT_MS = 60_000;
/** More output than this is not a result (the script prints one line). */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

export interface RunTorchOptions {
  readonly python: string;
  /** python/torch_check.py; default: found next to the bundle (see torchCheckScript). */
  readonly script?: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Working directory of the child: the model file's folder by default. */
  readonly cwd?: string;
  /** Called with the child's pid once started (tests check that nothing is left running). */
  readonly onSpawn?: (pid: number) => void;
}

/** The shipped script: `<extension>/python/torch_check.py` beside `dist/`, or the repository's. */
export function torchCheckScript(base = __dirname): string {
  const candidates = [
    join(base, '..', 'python', 'torch_check.py'),
    join(base, '..', '..', 'python', 'torch_check.py'),
  ];
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}

/** Kills the child's whole process group (POSIX) or tree (Windows), ignoring "already gone". */
export function killTree(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  try {
    if (process.platform === 'win32') {
      spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
    } else {
      process.kill(-pid, 'SIGKILL');
    }
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      // already exited
    }
  }
}

/** Runs one check. Rejects with TorchCheckError (kind `timeout`, `cancelled`, `spawn`, or the
 * script's own: `no_torch`, `raised`, `usage`, `memory`, `crashed`). */
export function runTorchCheck(
  req: TorchCheckRequest,
  opts: RunTorchOptions,
): Promise<TorchCheckResult> {
  const script = opts.script ?? torchCheckScript();
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise<TorchCheckResult>((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new TorchCheckError('cancelled', 'the PyTorch check was cancelled'));
      return;
    }
    const started = Date.now();
    let child: ChildProcess;
    try {
      child = spawn(opts.python, torchCheckArgs(script, req), {
        detached: process.platform !== 'win32',
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
        ...(opts.cwd ? { cwd: opts.cwd } : {}),
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' },
      });
    } catch (e) {
      reject(new TorchCheckError('spawn', `cannot start ${opts.python}: ${(e as Error).message}`));
      return;
    }
    let settled = false;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const stop = (kind: 'timeout' | 'cancelled', message: string) => {
      killTree(child);
      finish(() => reject(new TorchCheckError(kind, message)));
    };
    const onAbort = () => stop('cancelled', 'the PyTorch check was cancelled');
    const timer = setTimeout(
      () =>
        stop(
          'timeout',
          `the PyTorch check took longer than ${Math.round(timeoutMs / 1000)} s and was stopped (setting activationLens.torch.timeoutSeconds)`,
        ),
      timeoutMs,
    );
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES) {
        killTree(child);
        finish(() =>
          reject(new TorchCheckError('crashed', 'the PyTorch check printed too much output')),
        );
        return;
      }
      into.push(chunk);
    };
    child.stdout?.on('data', collect(out));
    child.stderr?.on('data', collect(err));
    child.on('error', (e: NodeJS.ErrnoException) => {
      const why =
        e.code === 'ENOENT'
          ? `no Python interpreter at '${opts.python}' (choose one with Python: Select Interpreter or the activationLens.python.path setting)`
          : `cannot start ${opts.python}: ${e.message}`;
      finish(() => reject(new TorchCheckError('spawn', why)));
    });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    child.on('close', (code) => {
      // The script has exited; anything it left in its group (workers) goes with it.
      killTree(child);
      finish(() => {
        try {
          const result = parseTorchOutput(
            Buffer.concat(out).toString('utf8'),
            code,
            Buffer.concat(err).toString('utf8'),
          );
          resolve({ ...result, timing: { ...result.timing, totalMs: Date.now() - started } });
        } catch (e) {
          reject(e);
        }
      });
    });
  });
}
