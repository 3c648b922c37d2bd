/**
 * The model reader over open documents, for the worker: each document's tree is kept per uri and
 * version and re-parsed incrementally from its previous version (PythonTreeCache), so listing the
 * models for the lenses after an edit and building one for a check share one parse. Node only (the
 * package's other files are read from disk); no vscode.
 */
import type { Parser, Tree } from 'web-tree-sitter';
import {
  configureParseLimits,
  PythonParseLimitError,
  PythonTreeCache,
  pythonParser,
} from '../../language/treeSitter';
import type { WorkerDocument } from '../../gradientFlow/protocol';
import { fileModuleResolver } from './files';
import {
  buildModelOfTree,
  modelsOfTree,
  type FrameworkBuildOptions,
  type FrameworkBuildResult,
} from './frameworks';
import type { FileOptions, FoundModel } from './index';

/** A few documents: the visible editors and the one being checked. */
const CAPACITY = 8;

export class DocumentReader {
  private trees = new PythonTreeCache(CAPACITY);
  private maxChars: number | undefined;
  private readonly keys = new Set<string>();

  private async treeOf(doc: WorkerDocument): Promise<{ parser: Parser; tree: Tree } | string> {
    if (doc.maxChars !== this.maxChars) {
      // Another size limit: a cached tree may be of a file the new limit refuses.
      for (const key of this.keys) this.trees.delete(key);
      this.keys.clear();
      this.maxChars = doc.maxChars;
      configureParseLimits({ maxChars: doc.maxChars });
    }
    const parser = await pythonParser();
    try {
      this.keys.add(doc.uri);
      return { parser, tree: this.trees.get(parser, doc.uri, doc.version, doc.text) };
    } catch (e) {
      if (e instanceof PythonParseLimitError) return e.message;
      throw e;
    }
  }

  /** Every model of the document (readModels' contract). Never throws on a parse refusal. */
  async models(doc: WorkerDocument): Promise<{ models: FoundModel[]; declined?: string }> {
    const t = await this.treeOf(doc);
    if (typeof t === 'string') return { models: [], declined: t };
    return { models: modelsOfTree(t.parser, t.tree, filesOf(doc)) };
  }

  /** Builds `expr` from the document (buildModel's contract). */
  async build(
    doc: WorkerDocument,
    expr: string,
    options: FrameworkBuildOptions,
  ): Promise<FrameworkBuildResult> {
    const t = await this.treeOf(doc);
    if (typeof t === 'string') return { ok: false, reason: t, line: null };
    return buildModelOfTree(t.parser, t.tree, expr, { ...options, ...filesOf(doc) });
  }

  forget(uri: string): void {
    this.trees.delete(uri);
    this.keys.delete(uri);
  }
}

/** A file on disk has its package's other files at hand (`from ..ops.misc import X`). */
function filesOf(doc: WorkerDocument): FileOptions {
  return doc.path !== undefined ? { path: doc.path, resolveModule: fileModuleResolver } : {};
}
