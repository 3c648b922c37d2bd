import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildHover } from '../../../src/hover/build';
import { formulaImage } from '../../../src/hover/mathSvg';
import { activations, getActivation } from '../../../src/kernel';
import { ActivationRecogniser } from '../../../src/language/recogniser';
import { at } from '../language/helpers';
import { CORPUS } from './corpus';

const svgOf = (uri: string) =>
  Buffer.from(
    uri.replace(/^data:image\/svg\+xml;base64,/, '').replace(/\|.*$/, ''),
    'base64',
  ).toString('utf8');

describe('hover wording (issue #16)', () => {
  it('names GELU’s stationary point instead of calling its dip saturated', async () => {
    const r = await at('from torch import nn\nnn.GELU()', 'GELU');
    const md = buildHover(r!, { theme: 'dark', showPlot: false }) ?? '';
    expect(md).not.toMatch(/saturated/);
    expect(md).toContain('(near-zero gradient)');
    expect(md).toMatch(/f′ = 0 at x = −0\.7518, the minimum/);
    expect(md).toMatch(/−0\.7\d+ < x < −0\.7\d+ \(around the minimum\)/);
  });

  it('ReLU’s flat half is near-zero gradient, and has no stationary point', async () => {
    const r = await at('from torch import nn\nnn.ReLU()', 'ReLU');
    const md = buildHover(r!, { theme: 'dark', showPlot: false }) ?? '';
    expect(md).toContain('|f′| < 0.01 (near-zero gradient): x < 0');
    expect(md).not.toContain('minimum');
  });

  it('the gradient-flow link says it simulates a generic 32 × 256 stack, and passes that shape', async () => {
    const r = await at('from torch import nn\nnn.Tanh()', 'Tanh');
    const md = buildHover(r!, { theme: 'dark', showPlot: false }) ?? '';
    expect(md).toContain(
      '[Simulate a 32-layer × 256 stack](command:activationLens.checkGradientFlow?',
    );
    expect(md).toContain('not the model in this file');
    expect(md).not.toContain('[Check gradient flow]');
  });
});

describe('typeset formulas', () => {
  it('embeds MathJax SVGs in the theme’s ink with the Unicode formula as alt text', async () => {
    const r = await at('from torch import nn\nnn.GELU(approximate="tanh")', 'GELU');
    const a = getActivation('gelu_tanh')!;
    const dark = buildHover(r!, { theme: 'dark', showPlot: false, typeset: true }) ?? '';
    const light = buildHover(r!, { theme: 'light', showPlot: false, typeset: true }) ?? '';
    const alt = `f(x) = ${a.formulas.f.unicode}`;
    const m = /!\[([^\]]*)\]\((data:image\/svg\+xml;base64,[^)]+)\)/.exec(dark);
    expect(m?.[1]).toBe(alt);
    const svg = svgOf(m?.[2] ?? '');
    expect(Number(/width="(\d+)px"/.exec(svg)?.[1])).toBeLessThanOrEqual(420);
    // A standalone image: well-formed XML, one SVG namespace on the root.
    const root = /^<svg[^>]*>/.exec(svg)?.[0] ?? '';
    expect(root.match(/\sxmlns="http:\/\/www\.w3\.org\/2000\/svg"/g)).toHaveLength(1);
    expect(root).toContain('xmlns:xlink="http://www.w3.org/1999/xlink"');
    expect(svg).toContain('#CCCCCC');
    expect(svgOf(/\((data:image\/svg\+xml;base64,[^)|]+)/.exec(light)?.[1] ?? '')).toContain(
      '#1F1F1F',
    );
    // Off: the Unicode text in code spans, no images.
    const plain = buildHover(r!, { theme: 'dark', showPlot: false, typeset: false }) ?? '';
    expect(plain).toContain(`\`${alt}\``);
    expect(plain).not.toContain('data:image');
  });

  it('caches per formula and theme (the same object back), and refuses bad TeX', () => {
    const one = formulaImage('x^2', 'dark');
    expect(formulaImage('x^2', 'dark')).toBe(one);
    expect(formulaImage('x^2', 'light')).not.toBe(one);
    expect(formulaImage('\\frac{1}{', 'dark')).toBeUndefined();
  });

  it('typesets every kernel formula', () => {
    const bad: string[] = [];
    for (const a of activations) {
      for (const f of [a.formulas.f, a.formulas.df])
        if (!formulaImage(`f(x) = ${f.tex}`, 'dark')) bad.push(`${a.id}: ${f.tex}`);
    }
    expect(bad).toEqual([]);
  });
});

describe('custom definitions in the hover', () => {
  const recognise = async (file: string, token: string) => {
    const text = readFileSync(join(CORPUS, file), 'utf8');
    const r = new ActivationRecogniser((e) => {
      throw e;
    });
    return r.recognise(
      { key: file, version: 1, languageId: 'python', getText: () => text },
      text.indexOf(token) + 1,
    );
  };

  it('a match says what it computes and how closely', async () => {
    const r = await recognise('pytorch/clip_model.py', 'QuickGELU(nn');
    const md = buildHover(r!, { theme: 'dark', showPlot: true }) ?? '';
    expect(md).toContain('`QuickGELU` defined in this file (line 24) · kernel id `quick_gelu`');
    expect(md).toMatch(/Computes \*\*Quick GELU\*\*: max \|Δ\| (0|\d\.\d+e−1[5-7]) on \[−8, 8\]/);
    expect(md).toContain('as written `f(x) = x·σ(1.702x)`');
    expect(md).toContain('](command:activationLens.plot?');
  });

  it('no match: the formula, a symbolic derivative, the assumed parameter, numbers and a plot', async () => {
    const r = await recognise('pytorch/custom_zoo.py', 'Snake(nn');
    const md = buildHover(r!, { theme: 'light', showPlot: true }) ?? '';
    expect(md).toContain('**Snake** — a module defined in this file (line 32)');
    expect(md).toContain('`f(x) = x + 1/(α + 1×10⁻⁹)·sin(x·α)²`');
    expect(md).toMatch(/`f′\(x\) = [^`]*cos\(x·α\)[^`]*`/);
    expect(md).toContain('`alpha` = **1** — the definition’s default');
    expect(md).toContain('f(0) = 0 · f′(0) = 1');
    expect(md).toContain('data:image/svg+xml;base64,');
    // f′ = 1 + sin(2x)/(α+ε) touches 0 without changing sign: no extremum to name.
    expect(md).toContain('(near-zero gradient): ');
    // Periodic: four intervals, then how many more.
    expect(md).toMatch(/\(near-zero gradient\): [^,]+, [^,]+, [^,]+, [^,]+, … \(\d+ more\)/);
    expect(md).not.toContain('the minimum');
    // Typeset: f and f′ as images (MathJax accepts what the grammar prints), then the plot.
    const typeset = buildHover(r!, { theme: 'dark', showPlot: true, typeset: true }) ?? '';
    expect(typeset.match(/data:image\/svg\+xml;base64,/g)?.length).toBe(3);
    expect(typeset).toContain('![f(x) = x + 1/(α + 1×10⁻⁹)·sin(x·α)²](data:image/svg+xml;base64,');
  });
});

describe('hover markdown with HTML allowed (compact table)', () => {
  it('keeps document text that reaches a note as text', async () => {
    const r = await at(
      'from torch import nn\ndef f(s="<img src=x onerror=alert(1)>"):\n    nn.ReLU(True, s)\n',
      'ReLU',
    );
    const md = buildHover(r!, { theme: 'dark', showPlot: false }) ?? '';
    expect(md).not.toMatch(/(^|[^\\`])<img/m);
  });

  it('puts the plot beside the text in compact mode only', async () => {
    const r = await at('from torch import nn\nnn.ELU(alpha=0.5)', 'ELU');
    const compact = buildHover(r!, { theme: 'dark', showPlot: true }) ?? '';
    expect(compact).toMatch(/<table><tr><td>\n\n[\s\S]*\n\n<\/td><td>\n\n!\[f and f′/);
    const plain = buildHover(r!, { theme: 'dark', showPlot: true, compact: false }) ?? '';
    expect(plain).not.toContain('<table>');
    expect(plain).toContain('| alpha | 0.5 | given (PyTorch default 1) |');
  });
});
