/**
 * One entry for every framework the reader knows: the models of a file (PyTorch, Keras and Flax
 * finders by the file's imports) and the graph of one model expression, built by the reader of
 * the framework the expression belongs to. Same contracts as index.ts's readPythonModels and
 * buildGraph; never throws.
 */
import type { Parser, Tree } from 'web-tree-sitter';
import { pythonImports } from '../../language/pythonImports';
import { buildFlaxGraphInTree, findFlaxModels, isFlaxFile } from './flax';
import { pythonParser } from '../../language/treeSitter';
import {
  boundedParse,
  buildGraphInTree,
  parseBounded,
  sizeProblem,
  findTorchModels,
  type BuildOptions,
  type BuildResult,
  type FileOptions,
  type FoundModel,
} from './index';
import type { Budget } from './interp';
import { buildKerasGraphInTree, findKerasModels, isKerasFile } from './keras';

export type ModelFramework = FoundModel['framework'];

export interface FrameworkBuildOptions extends BuildOptions {
  /** The framework of the expression when known (from the models list); else the imports decide. */
  readonly framework?: ModelFramework;
}

const BUILDERS: Record<
  ModelFramework,
  (tree: Tree, exprTree: Tree, expr: string, o: BuildOptions) => BuildResult
> = {
  pytorch: buildGraphInTree,
  keras: buildKerasGraphInTree,
  flax: buildFlaxGraphInTree,
};

/** The frameworks a file may hold models of, most likely first. */
export function frameworksOf(tree: Tree): ModelFramework[] {
  const out: ModelFramework[] = [];
  const torch = [...pythonImports(tree).aliases.values()].some((mods) =>
    mods.some((m) => /^torch\b/.test(m)),
  );
  if (torch) out.push('pytorch');
  if (isFlaxFile(tree)) out.push('flax');
  if (isKerasFile(tree)) out.push('keras');
  if (!torch) out.push('pytorch');
  return out;
}

/** A decline that only says the value is not this framework's model: try the next framework. */
const NOT_MINE = /is not a torch\.nn\.Module|is not a Keras model|is not a Flax module/;

/** A build, with the framework whose reader made it. */
export type FrameworkBuildResult = BuildResult & { readonly framework?: ModelFramework };

/** Builds `expr` with the reader of its framework. Never throws. */
export function buildModelInTree(
  tree: Tree,
  exprTree: Tree,
  expr: string,
  options: FrameworkBuildOptions = {},
): FrameworkBuildResult {
  const order = options.framework ? [options.framework] : frameworksOf(tree);
  let first: BuildResult | undefined;
  for (const fw of order) {
    const r = BUILDERS[fw](tree, exprTree, expr, options);
    if (r.ok) return { ...r, framework: fw };
    if (!NOT_MINE.test(r.reason)) return r;
    first ??= r;
  }
  return first ?? { ok: false, reason: `\`${expr}\` is not a model`, line: null };
}

/** Parses `text` and builds `expr` (see buildModelInTree). Never throws. */
export async function buildModel(
  text: string,
  expr: string,
  options: FrameworkBuildOptions = {},
): Promise<FrameworkBuildResult> {
  const sizes = sizeProblem(options);
  if (sizes) return { ok: false, reason: sizes, line: null };
  const parser = await pythonParser();
  const parsed = parseBounded(parser, text);
  if (!('tree' in parsed)) return { ok: false, reason: parsed.reason, line: null };
  try {
    return buildModelOfTree(parser, parsed.tree, expr, options);
  } finally {
    parsed.tree.delete();
  }
}

/** buildModel over a tree the caller owns (the worker's cached one). Never throws. */
export function buildModelOfTree(
  parser: Parser,
  tree: Tree,
  expr: string,
  options: FrameworkBuildOptions = {},
): FrameworkBuildResult {
  const sizes = sizeProblem(options);
  if (sizes) return { ok: false, reason: sizes, line: null };
  const exprTree = boundedParse(parser)(expr);
  try {
    if (!exprTree)
      return { ok: false, reason: 'the model expression could not be parsed', line: null };
    return buildModelInTree(tree, exprTree, expr, { ...options, parse: boundedParse(parser) });
  } catch (e) {
    return {
      ok: false,
      reason: `could not read this model (${e instanceof Error ? e.message : String(e)})`,
      line: null,
    };
  } finally {
    exprTree?.delete();
  }
}

/** Every model of a parsed file, all frameworks, in source order. */
export function findModels(
  tree: Tree,
  parseExpr: (expr: string) => Tree | null,
  budget: Budget & FileOptions = {},
): FoundModel[] {
  const out: FoundModel[] = [];
  const guard = (f: () => FoundModel[]): void => {
    try {
      out.push(...f());
    } catch {
      // A finder bug must not hide the other frameworks' models.
    }
  };
  const fws = frameworksOf(tree);
  if (fws.includes('pytorch')) guard(() => findTorchModels(tree, parseExpr, budget));
  if (fws.includes('keras')) guard(() => findKerasModels(tree, parseExpr, budget));
  if (fws.includes('flax')) guard(() => findFlaxModels(tree, parseExpr, budget));
  const seen = new Set<string>();
  return out
    .filter((m) => {
      const k = `${m.name}:${m.line}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => a.line - b.line);
}

/** Every model of a file (see findModels). Never throws. */
export async function readModels(
  text: string,
  budget: Budget & FileOptions = {},
): Promise<{ models: FoundModel[]; declined?: string }> {
  const parser = await pythonParser();
  const parsed = parseBounded(parser, text);
  // Too large or too slow to parse: no models, and the reason for whoever shows the list.
  if (!('tree' in parsed)) return { models: [], declined: parsed.reason };
  try {
    return { models: modelsOfTree(parser, parsed.tree, budget) };
  } finally {
    parsed.tree.delete();
  }
}

/** findModels with the parser's bounded parse for expressions and the package's other files. */
export function modelsOfTree(
  parser: Parser,
  tree: Tree,
  budget: Budget & FileOptions = {},
): FoundModel[] {
  return findModels(tree, boundedParse(parser), { ...budget, parse: boundedParse(parser) });
}
