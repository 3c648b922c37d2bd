import { describe, expect, it } from 'vitest';
import { buildHover, fmt, HOVER_COMMANDS } from '../../../src/hover/build';
import { hoverEnabledFor, readHoverConfig } from '../../../src/hover/config';
import { keyNumbers } from '../../../src/hover/keyNumbers';
import { activations, getActivation } from '../../../src/kernel';
import { SPELLINGS, spellingsNamed } from '../../../src/kernel/spellings';
import { resolveCall, resolveString } from '../../../src/language/resolve';
import type { Recognition } from '../../../src/language/types';
import { at } from '../language/helpers';

const dark = { theme: 'dark', showPlot: false } as const;

/** The JSON argument of a command link in the markdown. */
function linkArg(markdown: string, command: string): unknown {
  const m = new RegExp(`\\(command:${command.replace('.', '\\.')}\\?([^)\\s]*)[\\s)]`).exec(
    markdown,
  );
  if (!m?.[1]) throw new Error(`no ${command} link`);
  return JSON.parse(decodeURIComponent(m[1]));
}

async function hover(text: string, marker: string, lang = 'python', options = dark) {
  const r = await at(text, marker, lang);
  if (!r) throw new Error(`nothing recognised at ${marker}`);
  const md = buildHover(r, options);
  if (!md) throw new Error('no hover');
  return { r, md };
}

describe('hover builder: LeakyReLU defaults per framework reach the Plot link', () => {
  const cases: [string, string, string, number][] = [
    ['from torch import nn\nnn.LeakyReLU()', 'Leaky', 'python', 0.01],
    ['import torch.nn.functional as F\nF.leaky_relu(x)', 'leaky', 'python', 0.01],
    ['from keras import layers\nlayers.LeakyReLU()', 'Leaky', 'python', 0.3],
    ['import keras\nkeras.activations.leaky_relu(x)', 'leaky', 'python', 0.2],
    ['import keras\nkeras.layers.Dense(3, activation="leaky_relu")', 'leaky', 'python', 0.2],
    ['import tensorflow as tf\ntf.nn.leaky_relu(x)', 'leaky', 'python', 0.2],
    ['import tensorflow as tf\ntf.keras.layers.LeakyReLU()', 'Leaky', 'python', 0.3],
    ['import jax\njax.nn.leaky_relu(x)', 'leaky', 'python', 0.01],
    ['import flax.linen as nn\nnn.leaky_relu(x)', 'leaky', 'python', 0.01],
    ["import * as tf from '@tensorflow/tfjs';\ntf.leakyRelu(x)", 'leakyRelu', 'typescript', 0.2],
    [
      "import * as tf from '@tensorflow/tfjs';\ntf.layers.leakyReLU()",
      'leakyReLU',
      'typescript',
      0.3,
    ],
    ['ACT2FN["leaky_relu"]', 'leaky', 'python', 0.01],
  ];
  for (const [text, marker, lang, slope] of cases) {
    it(`${text.split('\n').pop()} → negative_slope ${slope}`, async () => {
      const { md } = await hover(text, marker, lang);
      expect(linkArg(md, 'activationLens.plot')).toEqual([
        { id: 'leaky_relu', params: { negative_slope: slope } },
      ]);
      expect(linkArg(md, 'activationLens.checkGradientFlow')).toEqual([
        { activation: 'leaky_relu', params: { negative_slope: slope }, depth: 32, width: 256 },
      ]);
      expect(md).toContain(`= **${slope}**`);
      expect(md).toMatch(/`negative_slope[^`]*` = /);
      if (slope !== 0.01)
        expect(md).toMatch(/(default\*\* \(PyTorch: 0\.01\))|(PyTorch default 0\.01\))/);
    });
  }
});

describe('hover builder: content', () => {
  it('shows the function, the framework spelling, f and f′ in Unicode from the formulas', async () => {
    const { md } = await hover('import torch\ntorch.sigmoid(x)', 'sigmoid');
    const a = getActivation('sigmoid');
    expect(md).toContain('**Sigmoid** — PyTorch `torch.sigmoid`');
    expect(md).toContain(`\`f(x) = ${a?.formulas.f.unicode}\``);
    expect(md).toContain(`\`f′(x) = ${a?.formulas.df.unicode}\``);
    expect(md).not.toMatch(/\\frac|:math:/);
  });

  it('computes the key numbers with the kernel (sigmoid)', async () => {
    const { md } = await hover('import torch\ntorch.sigmoid(x)', 'sigmoid');
    expect(md).toContain('f(0) = 0.5 · f′(0) = 0.25 · max f′ = 0.25 at x = 0 · range (0, 1)');
    // σ′(x) = 0.01 at |x| = ln((1+√0.96)/(1−√0.96))… solved numerically here independently:
    let x = 0;
    while (getActivation('sigmoid')!.df(x) >= 0.01) x += 1e-5;
    expect(md).toContain(`x < −${fmt(x)}, x > ${fmt(x)}`);
    expect(md).toContain('ten such layers scale a gradient by at most 9.54e−7');
  });

  it('shows given vs default parameters, and names a non-literal argument', async () => {
    const given = await hover('from torch import nn\nnn.Hardtanh(-2, 2)', 'Hardtanh');
    expect(given.md).toContain('`min_val` = **−2** — given (PyTorch default −1)');
    expect(given.md).toContain('range ≈ [−2, 2]');
    const unknown = await hover('from torch import nn\nnn.LeakyReLU(cfg.slope)', 'Leaky');
    expect(unknown.md).toContain('`negative_slope=cfg.slope` is not a literal: default shown');
    expect(linkArg(unknown.md, 'activationLens.plot')).toEqual([
      { id: 'leaky_relu', params: { negative_slope: 0.01 } },
    ]);
  });

  it('states the exact-vs-tanh GELU difference as computed by the kernel', async () => {
    const { md } = await hover('import jax\njax.nn.gelu(x)', 'gelu');
    const exact = getActivation('gelu')!;
    const tanh = getActivation('gelu_tanh')!;
    let worst = 0;
    for (let x = -8; x <= 8; x += 1e-4) worst = Math.max(worst, Math.abs(exact.f(x) - tanh.f(x)));
    const m = /differs from the exact \(erf\) GELU by at most ([0-9.e−-]+)/.exec(md);
    expect(m).not.toBeNull();
    expect(Number(m?.[1]?.replace('−', '-'))).toBeCloseTo(worst, 6);
    expect(md).toContain('approximate=True');
  });

  it('explains ambiguity with the other reading and the size of the difference', async () => {
    const { md } = await hover(
      'from keras import layers\nlayers.Dense(3, activation="hard_sigmoid")',
      'hard_sigmoid',
    );
    expect(md).toContain('**Ambiguous:**');
    expect(md).toContain('`hard_sigmoid_linear`');
    expect(md).toMatch(/differ by up to 0\.083/);
  });

  it('says where PyTorch’s softplus switches to x and by how much', async () => {
    const { md } = await hover('from torch import nn\nnn.Softplus(beta=2)', 'Softplus');
    expect(md).toContain('`beta` = **2** — given (PyTorch default 1)');
    expect(md).toMatch(/at the switch \(x = 10\) that is off by 1\.03e−9/);
    expect(md).toContain('sup f′ = 1 as x → ∞ (not attained)');
  });

  it('lists ignored arguments', async () => {
    const { md } = await hover('from torch import nn\nnn.ReLU(inplace=True)', 'ReLU');
    expect(md).toContain('Ignored (no effect on the function): `inplace`');
  });

  it('adds a theme-coloured SVG plot only when asked', async () => {
    const r = await at('from torch import nn\nnn.GELU()', 'GELU');
    const none = buildHover(r!, { theme: 'dark', showPlot: false });
    expect(none).not.toContain('data:image/svg+xml');
    const svgOf = (theme: 'dark' | 'light') => {
      const md = buildHover(r!, { theme, showPlot: true }) ?? '';
      const b64 = /data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)\)/.exec(md)?.[1] ?? '';
      return Buffer.from(b64, 'base64').toString('utf8');
    };
    const d = svgOf('dark');
    const l = svgOf('light');
    expect(d).toMatch(/^<svg /);
    expect(d).toContain('#4FC1FF');
    expect(l).toContain('#0065A9');
    expect(l).not.toContain('#4FC1FF');
  });

  it('trusts exactly the two commands it links', () => {
    expect([...HOVER_COMMANDS]).toEqual([
      'activationLens.plot',
      'activationLens.checkGradientFlow',
    ]);
  });
});

describe('key numbers', () => {
  const k = (id: string, params: Record<string, number> = {}) => {
    const a = getActivation(id)!;
    return keyNumbers(a, { ...a.params, ...params });
  };
  it('relu: max f′ 1 for x > 0, saturated for x < 0', () => {
    const r = k('relu');
    expect(r.maxDf.value).toBe(1);
    expect(r.maxDf.where.hi).toBe(Infinity);
    expect(Math.abs(r.maxDf.where.lo)).toBeLessThan(1e-9);
    expect(r.saturation).toHaveLength(1);
    expect(r.saturation[0]?.lo).toBe(-Infinity);
  });
  it('identity never saturates; exponential’s f′ is unbounded', () => {
    expect(k('identity').saturation).toEqual([]);
    expect(k('exponential').maxDf.unbounded).toBe(true);
  });
  it('gelu: max f′ ≈ 1.129 at x ≈ 1.414', () => {
    const g = k('gelu');
    expect(g.maxDf.value).toBeCloseTo(1.1289, 3);
    expect(g.maxDf.where.lo).toBeCloseTo(Math.SQRT2, 3);
  });
});

describe('every spelling builds a hover', () => {
  it('each SPELLINGS id is a kernel id and each kernel activation has a spelling', () => {
    const ids = new Set(activations.map((a) => a.id));
    for (const id of Object.keys(SPELLINGS)) expect(ids, id).toContain(id);
    for (const a of activations) expect(SPELLINGS[a.id]?.length ?? 0, a.id).toBeGreaterThan(0);
  });

  it('maps every framework argument onto a parameter the kernel has', () => {
    for (const [id, list] of Object.entries(SPELLINGS)) {
      const names = new Set(getActivation(id)?.paramSpecs.map((p) => p.name));
      for (const s of list) {
        for (const a of s.args)
          if (a.param) expect(names, `${s.qualifiedName} ${a.name}`).toContain(a.param);
        for (const k of Object.keys(s.fixed ?? {}))
          expect(names, `${s.qualifiedName} fixed ${k}`).toContain(k);
      }
    }
  });

  it('for every spelling, theme and plot setting, without throwing', () => {
    let n = 0;
    for (const [id, list] of Object.entries(SPELLINGS)) {
      for (const s of list) {
        const resolved =
          s.kind === 'string'
            ? resolveString(s.framework, s.key ?? '')
            : resolveCall(spellingsNamed(s.qualifiedName), undefined);
        expect(resolved, s.qualifiedName).toBeDefined();
        if (s.kind === 'string') expect(resolved?.id).toBe(id);
        const r: Recognition = {
          ...resolved!,
          written: s.qualifiedName,
          alternatives: [],
          start: 0,
          end: 1,
        };
        for (const theme of ['light', 'dark', 'highContrast', 'highContrastLight'] as const) {
          const md = buildHover(r, { theme, showPlot: theme === 'dark' });
          expect(md).toContain(`kernel id \`${r.id}\``);
          expect(md).toContain('](command:activationLens.plot?');
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(600);
  }, 120_000);
});

describe('hover settings reader', () => {
  it('keeps booleans per language and defaults everything else', () => {
    const c = readHoverConfig((k) =>
      k === 'enabled' ? { python: false, json: 'no', typescript: true } : 'yes',
    );
    expect(c).toEqual({
      enabled: { python: false, typescript: true },
      showPlot: true,
      typesetFormulas: true,
      compact: true,
    });
    expect(hoverEnabledFor(c, 'python')).toBe(false);
    expect(hoverEnabledFor(c, 'json')).toBe(true);
    expect(readHoverConfig(() => undefined)).toEqual({
      enabled: {},
      showPlot: true,
      typesetFormulas: true,
      compact: true,
    });
    expect(
      readHoverConfig((k) => (k === 'typesetFormulas' ? false : undefined)).typesetFormulas,
    ).toBe(false);
    expect(readHoverConfig((k) => (k === 'showPlot' ? false : [1, 2])).showPlot).toBe(false);
  });
});
