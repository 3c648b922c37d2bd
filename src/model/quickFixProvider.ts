/**
 * vscode adapter for the model quick fixes (src/model/quickFix.ts): on a vanishing, exploding or
 * dead-unit diagnostic, CodeActions of kind quickfix whose titles carry the re-simulated figure.
 * Applying one edits the file and re-runs the check silently, so the lens shows the new result.
 * The fixes are measured once per document version and model (in the worker), and prefetched as
 * soon as a check finishes so the light bulb does not wait.
 */
import * as vscode from 'vscode';
import type { Finding, FindingKind, FixMeasure, FixTarget } from './findings';
import { measureFixes, type QuickFix } from './quickFix';

/** A finished check as the quick fixes start from it. */
export interface CheckedModel {
  readonly name: string;
  readonly findings: readonly Finding[];
  readonly target: FixTarget;
  readonly measure: FixMeasure;
}

/** The kinds a fix exists for, most serious first: a line's worst finding picks the fixes. */
const FIXABLE: readonly FindingKind[] = ['nonfinite', 'exploding', 'vanishing', 'dead'];

export interface QuickFixDeps {
  readonly log: vscode.LogOutputChannel;
  /** The last check of `model` in `doc`, if it is of the document's current version. */
  readonly lastReport: (doc: vscode.TextDocument, model: string) => CheckedModel | undefined;
  /** Reads `text` again, builds the same model's graph and simulates it with the same options,
   * off the host thread; undefined when the edited text no longer builds. */
  readonly measure: (
    doc: vscode.TextDocument,
    model: string,
    text: string,
  ) => Promise<FixMeasure | undefined>;
  readonly diagnosticSource: string;
  readonly recheckCommand: string;
}

export class ModelQuickFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];
  private readonly cache = new Map<string, Promise<QuickFix[]>>();

  constructor(private readonly deps: QuickFixDeps) {}

  private key(doc: vscode.TextDocument, model: string, kind: FindingKind): string {
    return `${doc.uri.toString()}#${doc.version}#${model}#${kind}`;
  }

  /** Measures the fixes for a finished check (worst fixable finding) before anyone asks. */
  prefetch(doc: vscode.TextDocument, report: CheckedModel): void {
    const kind = FIXABLE.find((k) => report.findings.some((f) => f.kind === k));
    if (kind) void this.fixes(doc, report, kind).catch(() => undefined);
  }

  forget(uri: vscode.Uri): void {
    const prefix = `${uri.toString()}#`;
    for (const k of this.cache.keys()) if (k.startsWith(prefix)) this.cache.delete(k);
  }

  private fixes(
    doc: vscode.TextDocument,
    report: CheckedModel,
    kind: FindingKind,
  ): Promise<QuickFix[]> {
    const key = this.key(doc, report.name, kind);
    let hit = this.cache.get(key);
    if (!hit) {
      const text = doc.getText();
      const t0 = Date.now();
      hit = measureFixes(text, report.target, report.measure, kind, (changed) =>
        this.deps.measure(doc, report.name, changed),
      ).then(
        (fixes) => {
          this.deps.log.info(
            `quick fixes for ${report.name} (${kind}): ${fixes.length} measured in ${Date.now() - t0} ms`,
          );
          return fixes;
        },
        (e: unknown) => {
          this.cache.delete(key);
          this.deps.log.warn(`quick fixes for ${report.name}: ${String(e)}`);
          return [];
        },
      );
      this.cache.set(key, hit);
    }
    return hit;
  }

  async provideCodeActions(
    doc: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.CodeAction[]> {
    const ours = context.diagnostics.filter(
      (d) => d.source === this.deps.diagnosticSource && typeof d.code === 'string',
    );
    if (ours.length === 0) return [];
    const actions: vscode.CodeAction[] = [];
    for (const name of new Set(ours.map((d) => d.code as string))) {
      const report = this.deps.lastReport(doc, name);
      if (!report) continue;
      const diags = ours.filter((d) => d.code === name);
      const lines = new Set(diags.map((d) => d.range.start.line + 1));
      const kinds = report.findings.filter((f) => lines.has(f.line)).map((f) => f.kind);
      const kind = FIXABLE.find((k) => kinds.includes(k));
      if (!kind) continue;
      const fixes = await this.fixes(doc, report, kind);
      if (token.isCancellationRequested) return [];
      for (const f of fixes) {
        const a = new vscode.CodeAction(f.title, vscode.CodeActionKind.QuickFix);
        a.diagnostics = diags;
        a.isPreferred = f.preferred;
        const edit = new vscode.WorkspaceEdit();
        for (const e of f.edits) {
          edit.replace(
            doc.uri,
            new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)),
            e.text,
          );
        }
        a.edit = edit;
        // After the edit: check again, so the lens and the diagnostics show the new figures.
        a.command = {
          command: this.deps.recheckCommand,
          title: 'Re-check',
          arguments: [doc.uri, name, { silent: true }],
        };
        actions.push(a);
      }
    }
    return actions;
  }
}
