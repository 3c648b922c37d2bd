import type { Command } from 'commander';
import { activations } from '../kernel';
import {
  collectParam,
  lookupActivation,
  parseNumber,
  parseParams,
  toJson,
  UsageError,
} from './common';

export function registerListEval(program: Command, print: (s: string) => void): void {
  program
    .command('list')
    .description('list the activations: ids, framework spellings, parameters with defaults')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const rows = activations.map((a) => ({
        id: a.id,
        name: a.name,
        summary: a.summary,
        params: a.paramSpecs.map((p) => ({
          name: p.name,
          default: p.default,
          min: p.min,
          max: p.max,
        })),
        aliases: a.spellings.map((s) => ({ framework: s.framework, name: s.qualifiedName })),
      }));
      if (opts.json) return print(toJson(rows));
      const idWidth = Math.max(...rows.map((r) => r.id.length));
      for (const r of rows) {
        const ps = r.params.map((p) => `${p.name}=${p.default}`).join(', ');
        print(`${r.id.padEnd(idWidth)}  ${r.summary}${ps ? `  [${ps}]` : ''}`);
      }
    });

  program
    .command('eval')
    .description('evaluate f, f′ and f″ at the given points')
    .argument('<id>', "activation id (see 'activation-lens list')")
    .requiredOption('--x <values>', 'comma-separated points, e.g. -1,0,1e-3,inf')
    .option('--param <name=value>', 'set a parameter (repeatable), PyTorch names', collectParam, [])
    .option('--json', 'print JSON')
    .action((id: string, opts: { x: string; param: string[]; json?: boolean }) => {
      const a = lookupActivation(id);
      const params = parseParams(a, opts.param);
      const xs = opts.x.split(',').map((t) => parseNumber(t, '--x'));
      if (xs.length === 0) throw new UsageError('--x: give at least one point');
      const points = xs.map((x) => ({
        x,
        f: a.f(x, params),
        df: a.df(x, params),
        d2f: a.d2f(x, params),
      }));
      if (opts.json) return print(toJson({ id: a.id, params: { ...a.params, ...params }, points }));
      print(`${a.name} (${a.id})${Object.keys(params).length ? ' ' + JSON.stringify(params) : ''}`);
      const rows = [
        ['x', 'f(x)', "f'(x)", "f''(x)"],
        ...points.map((p) => [p.x, p.f, p.df, p.d2f].map(String)),
      ];
      const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
      for (const r of rows) print(r.map((v, c) => v.padStart(widths[c]!)).join('  '));
    });
}
