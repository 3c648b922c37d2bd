import { describe, expect, it } from 'vitest';
import {
  choosePython,
  parseInputShape,
  parseTorchOutput,
  torchCheckArgs,
  TorchCheckError,
} from '../../../src/torch/protocol';
import { resultHeader } from './sample';

const okLine = JSON.stringify({
  ...resultHeader,
  layers: [
    {
      module: 'fc',
      kind: 'Linear',
      outputShape: [8, 4],
      line: 3,
      postMean: 0.1,
      postStd: 'Infinity',
      weightGradNorm: 2,
      biasGradNorm: null,
      inputGradRms: 'NaN',
    },
  ],
  notes: [],
  timing: { importMs: 1000, runMs: 20 },
});

function caught(f: () => unknown): TorchCheckError {
  try {
    f();
  } catch (e) {
    if (e instanceof TorchCheckError) return e;
    throw e;
  }
  throw new Error('no error thrown');
}

describe('parseTorchOutput', () => {
  it('reads the last line and decodes non-finite numbers', () => {
    const r = parseTorchOutput(`warning from the user's code\n${okLine}\n`, 0, '');
    expect(r.layers[0]!.postStd).toBe(Infinity);
    expect(r.layers[0]!.inputGradRms).toBeNaN();
    expect(r.layers[0]!.biasGradNorm).toBeNull();
  });

  it("turns the script's error into a TorchCheckError with file and line", () => {
    const e = caught(() =>
      parseTorchOutput(
        JSON.stringify({
          ok: false,
          error: { kind: 'raised', message: 'RuntimeError: boom', file: '/m.py', line: 28 },
        }),
        1,
        '',
      ),
    );
    expect([e.kind, e.file, e.line, e.oneLine()]).toEqual([
      'raised',
      '/m.py',
      28,
      '/m.py:28: RuntimeError: boom',
    ]);
  });

  it("reports a crash with stderr's last line when there is no JSON", () => {
    const e = caught(() => parseTorchOutput('', -9, 'Traceback …\nSegmentation fault\n'));
    expect(e.kind).toBe('crashed');
    expect(e.message).toContain('Segmentation fault');
  });

  it('refuses JSON of another shape', () => {
    expect(caught(() => parseTorchOutput('{"ok": true}', 0, '')).kind).toBe('crashed');
  });
});

describe('choosePython', () => {
  it('prefers the Python extension, then the setting, then python3', () => {
    expect(choosePython({ fromExtension: '/venv/bin/python', setting: '/x' })).toEqual({
      path: '/venv/bin/python',
      source: 'python-extension',
    });
    expect(choosePython({ fromExtension: ' ', setting: '/opt/py' })).toEqual({
      path: '/opt/py',
      source: 'setting',
    });
    expect(choosePython({})).toEqual({ path: 'python3', source: 'default' });
    expect(choosePython({ platform: 'win32' }).path).toBe('python');
  });
});

describe('parseInputShape and torchCheckArgs', () => {
  it('accepts commas, x and brackets; refuses zero and words in one line', () => {
    expect(parseInputShape('8,3,32,32')).toEqual([8, 3, 32, 32]);
    expect(parseInputShape('(8, 3, 32, 32)')).toEqual([8, 3, 32, 32]);
    expect(parseInputShape('8x64')).toEqual([8, 64]);
    expect(() => parseInputShape('8,0')).toThrow(/positive integers/);
    expect(() => parseInputShape('eight')).toThrow(/positive integers/);
    expect(() => parseInputShape('')).toThrow(/positive integers/);
  });

  it('passes only what is set', () => {
    expect(torchCheckArgs('s.py', { file: 'm.py', model: 'Net()' })).toEqual([
      's.py',
      '--file',
      'm.py',
      '--model',
      'Net()',
    ]);
    expect(
      torchCheckArgs('s.py', {
        file: 'm.py',
        model: 'N()',
        inputShape: [2, 3],
        seed: 5,
        dtype: 'float64',
      }),
    ).toEqual([
      's.py',
      '--file',
      'm.py',
      '--model',
      'N()',
      '--input-shape',
      '2,3',
      '--seed',
      '5',
      '--dtype',
      'float64',
    ]);
  });
});
