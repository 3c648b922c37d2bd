import * as vscode from 'vscode';
import type { GradientFlowReport, Thresholds } from '../kernel/gradientFlow';
import { readThresholdSettings } from '../gradientFlow/pick';
import { graphInWorker, WorkerCancelled, WorkerInputError } from '../gradientFlow/runner';
import { ModelWorker, type CheckedInWorker } from '../gradientFlow/modelWorker';
import type { WorkerDocument } from '../gradientFlow/protocol';
import { currentParseLimits } from '../language/treeSitter';
import { ReportPanel } from '../gradientFlow/panel';
import { outputChannel } from '../output';
import { progressText, summarize } from '../gradientFlow/summary';
import { fixTargetOf, measureOf, rowFindings, type Finding } from './findings';
import { layerRow, modelVerdict, verdictHeadline, type ModelLayerRow } from './graphCheck';
import {
  graphLensTitle,
  parseGraphCheckArgs,
  parseShapeText,
  type GraphCheckArgs,
} from './graphLens';
import { ModelQuickFixes, type CheckedModel } from './quickFixProvider';
import { fileModuleResolver } from './read/files';
import { buildModel } from './read/frameworks';
import type { BuildResult, FoundModel } from './read/index';

/** The model check's command (the CodeLens's), `(uri?, modelNameOrExpr?, options?)`. */
const COMMAND = 'activationLens.checkModel';
/** The same command under the name the expression check had (palette entry, scripts). */
const EXPRESSION_COMMAND = 'activationLens.checkModelGraph';
/** The result lens's command (not in the palette: it needs a document and a model). */
const REPORT_COMMAND = 'activationLens.model.openReport';
const DIAGNOSTIC_SOURCE = 'Activation Lens';

/** What the command returns: the engine's report with the rows' verdict, findings and what the
 * reader assumed. */
export type ModelReport = GradientFlowReport & {
  /** The model's name as found (or the expression), its line and framework. */
  readonly name: string;
  readonly line: number;
  readonly framework: string;
  readonly expr: string;
  readonly assumptions: readonly string[];
  readonly findings: readonly Finding[];
};

interface Checked extends CheckedModel {
  readonly report: ModelReport;
  /** How it was built and run, for re-measuring an edited text the same way. */
  readonly expr: string;
  readonly framework: FoundModel['framework'];
  readonly inputShape: readonly number[];
  readonly seed: number;
  readonly dtype: 'float32' | 'float64';
}

/** A file on disk has its package's other files at hand (`from ..ops.misc import X`). */
function filesOf(doc: vscode.TextDocument): {
  path?: string;
  resolveModule?: typeof fileModuleResolver;
} {
  return doc.uri.scheme === 'file'
    ? { path: doc.uri.fsPath, resolveModule: fileModuleResolver }
    : {};
}

/** The document as the model worker reads it (its tree is cached there by uri + version). */
function workerDocument(doc: vscode.TextDocument): WorkerDocument {
  return {
    uri: doc.uri.toString(),
    version: doc.version,
    text: doc.getText(),
    ...(doc.uri.scheme === 'file' ? { path: doc.uri.fsPath } : {}),
    maxChars: currentParseLimits().maxChars,
  };
}

/**
 * The model check in the editor, one path for every model: a CodeLens above every model and block
 * the reader finds (PyTorch, Keras, Flax; a declined one says why), the command
 * `activationLens.checkModel(uri?, nameOrExpr?, {inputShape?, batch?, seed?, dtype?, silent?})`
 * (alias `activationLens.checkModelGraph`) that builds the model's layer graph and runs it in a
 * worker (cancellable) and returns the report; diagnostics on the rows' lines (vanishing,
 * exploding, dead units, and what the reader assumed); quick fixes measured by re-reading and
 * re-simulating the edited text. After a check the lens shows its result, Report and Re-run.
 */
export function registerModelCheck(context: vscode.ExtensionContext): void {
  const log = outputChannel(context);
  const diagnostics = vscode.languages.createDiagnosticCollection('activationLens.model');
  const workerPath = vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath;
  const setting = <T>(key: string): T | undefined =>
    vscode.workspace.getConfiguration('activationLens').get<T>(key);
  const enabled = (key: 'codeLens.enabled' | 'diagnostics.enabled'): boolean =>
    setting<unknown>(key) !== false;

  // Parsing and reading happen in workers, not on the extension host's thread: one lists the
  // lenses' models (never held up or terminated by a check), one builds and runs the checks
  // (terminated when a check is cancelled).
  const reader = new ModelWorker(workerPath);
  const checker = new ModelWorker(workerPath);
  const cache = new Map<string, { version: number; models: Promise<FoundModel[]> }>();
  const modelsOf = (doc: vscode.TextDocument): Promise<FoundModel[]> => {
    const key = doc.uri.toString();
    const hit = cache.get(key);
    if (hit && hit.version === doc.version) return hit.models;
    const models = reader.models(workerDocument(doc)).then((r) => r.models);
    // A failed listing (the worker crashed) is retried by the next request, in a fresh worker.
    models.catch(() => {
      if (cache.get(key)?.models === models) cache.delete(key);
    });
    cache.set(key, { version: doc.version, models });
    return models;
  };
  const thresholdsNow = (): {
    thresholds: Thresholds;
    ratioLimit: number;
    deadWarning: number;
  } => {
    const limits = readThresholdSettings((k) =>
      vscode.workspace.getConfiguration('activationLens.gradientFlow').get(k),
    );
    for (const p of limits.problems) log.warn(p);
    const { ratioLimit, deadWarning } = limits.settings;
    return {
      thresholds: { ratioLimitLog10: ratioLimit, deadWarningFraction: deadWarning },
      ratioLimit,
      deadWarning,
    };
  };

  const lensesChanged = new vscode.EventEmitter<void>();
  // The last check of each model, per document version: its lens shows the result, quick fixes
  // start from it.
  const results = new Map<string, { version: number; byName: Map<string, Checked> }>();
  const remember = (doc: vscode.TextDocument, c: Checked): void => {
    const key = doc.uri.toString();
    let entry = results.get(key);
    if (!entry || entry.version !== doc.version)
      results.set(key, (entry = { version: doc.version, byName: new Map() }));
    entry.byName.set(c.name, c);
    lensesChanged.fire();
  };
  const lastOf = (doc: vscode.TextDocument, name: string): Checked | undefined => {
    const entry = results.get(doc.uri.toString());
    return entry && entry.version === doc.version ? entry.byName.get(name) : undefined;
  };

  /** Runs a graph built on the host (the quick fixes' edited text) in a worker; the rows' verdict
   * replaces the plain check's. */
  async function simulate(
    built: Extract<BuildResult, { ok: true }>,
    how: {
      expr: string;
      framework: string;
      file: string;
      seed: number;
      dtype: 'float32' | 'float64';
    },
    run: { signal?: AbortSignal; onProgress?: (p: { step: number; total: number }) => void } = {},
  ): Promise<{
    report: GradientFlowReport;
    rows: ModelLayerRow[];
    verdict: ReturnType<typeof modelVerdict>;
    thresholds: Thresholds;
  }> {
    const { thresholds, ratioLimit, deadWarning } = thresholdsNow();
    const report = await graphInWorker(
      workerPath,
      {
        graph: built.graph,
        options: { seed: how.seed, dtype: how.dtype },
        config: {
          model: how.expr,
          framework: how.framework,
          file: how.file,
          inputShape: built.inputShape,
          seed: how.seed,
          dtype: how.dtype,
          assumptions: built.notes,
          ratioLimit,
          deadWarning,
        },
        title: `${how.expr} · ${how.framework} · input ${built.inputShape.join('×')}`,
        thresholds,
      },
      run,
    );
    const rows = (report.rows ?? []).map(layerRow);
    return { report, rows, verdict: modelVerdict(rows, thresholds), thresholds };
  }

  const quickFixes = new ModelQuickFixes({
    log,
    lastReport: (doc, name) => lastOf(doc, name),
    measure: async (doc, name, text) => {
      const c = lastOf(doc, name);
      if (!c) return undefined;
      const built = await buildModel(text, c.expr, {
        ...filesOf(doc),
        framework: c.framework,
        inputShape: c.inputShape,
      });
      if (!built.ok) return undefined;
      const { rows, verdict } = await simulate(built, {
        expr: c.expr,
        framework: c.framework,
        file: doc.uri.toString(),
        seed: c.seed,
        dtype: c.dtype,
      });
      return measureOf(verdict.verdict, rows);
    },
    diagnosticSource: DIAGNOSTIC_SOURCE,
    recheckCommand: COMMAND,
  });

  const lenses: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: lensesChanged.event,
    async provideCodeLenses(doc, token) {
      if (!enabled('codeLens.enabled')) return [];
      try {
        const models = await modelsOf(doc);
        if (token.isCancellationRequested) return [];
        return models.flatMap((m) => {
          const range = doc.lineAt(Math.min(Math.max(m.line - 1, 0), doc.lineCount - 1)).range;
          const last = lastOf(doc, m.name);
          if (last) {
            const r = last.report;
            // "⚠ vanishing 6.2 × 10⁻⁷ · Report · Re-run"; what the reader assumed keeps a healthy
            // result from reading as a plain ✓.
            const n = r.assumptions.length;
            const s = summarize({ ...last.measure, partial: n ? 'assumed' : null });
            const title = `${s.icon} ${s.figure}${n ? ` · ${n} assumption${n === 1 ? '' : 's'}` : ''}`;
            const args = [doc.uri, m.name];
            return [
              new vscode.CodeLens(range, {
                title,
                tooltip: [
                  `${r.expr}: ${verdictHeadline(r)} — ${r.reason}`,
                  ...r.assumptions.map((a) => `assumed: ${a}`),
                ].join('\n'),
                command: REPORT_COMMAND,
                arguments: args,
              }),
              new vscode.CodeLens(range, {
                title: 'Report',
                command: REPORT_COMMAND,
                arguments: args,
              }),
              new vscode.CodeLens(range, { title: 'Re-run', command: COMMAND, arguments: args }),
            ];
          }
          return [
            new vscode.CodeLens(range, {
              title: graphLensTitle(m),
              tooltip: m.checkable
                ? `Build ${m.expr ?? m.name} from this file and simulate its gradient flow, layer by layer`
                : (m.reason ?? 'declined'),
              command: COMMAND,
              arguments: [doc.uri, m.name],
            }),
          ];
        });
      } catch (e) {
        log.error(`CodeLens: ${e instanceof Error ? e.message : String(e)}`);
        return [];
      }
    },
  };

  async function chooseExpression(
    doc: vscode.TextDocument,
    models: readonly FoundModel[],
    name: string | undefined,
  ): Promise<{ expr: string; model?: FoundModel } | undefined> {
    const model = name !== undefined ? models.find((m) => m.name === name) : undefined;
    if (name !== undefined && !model) return { expr: name };
    if (!model) {
      // Without a name, the model around the cursor is the one meant.
      const editor = vscode.window.activeTextEditor;
      const cursor = editor?.document === doc ? editor.selection.active.line + 1 : undefined;
      const at =
        cursor === undefined
          ? undefined
          : models.find((m) => m.checkable && m.line <= cursor && cursor <= m.endLine);
      if (at) return { expr: at.expr ?? at.name, model: at };
    }
    const candidates = model ? [model] : models;
    type Item = vscode.QuickPickItem & { expr?: string; model?: FoundModel };
    const items: Item[] = [];
    for (const m of candidates) {
      items.push({
        label: m.expr ?? m.name,
        description: `line ${m.line} · ${m.framework}${m.checkable ? '' : ' · not checkable as is'}`,
        ...(m.reason ? { detail: m.reason } : {}),
        expr: m.expr ?? m.name,
        model: m,
      });
      for (const inst of m.instantiations)
        if (inst !== m.expr)
          items.push({
            label: inst,
            description: `written in ${doc.fileName.split(/[\\/]/).pop()}`,
            expr: inst,
            model: m,
          });
    }
    // One checkable model and nothing else to choose: no question.
    if (items.length === 1 && items[0]!.model?.checkable)
      return { expr: items[0]!.expr!, model: items[0]!.model! };
    items.push({
      label: '$(edit) Enter an expression…',
      description: 'e.g. ResNet(BasicBlock, [2, 2, 2, 2]) or GPT(GPTConfig(n_layer=4))',
    });
    const pick = await vscode.window.showQuickPick(items, {
      title: 'Check the gradient flow of which model?',
      matchOnDescription: true,
    });
    if (!pick) return undefined;
    if (pick.expr) return { expr: pick.expr, ...(pick.model ? { model: pick.model } : {}) };
    const typed = await vscode.window.showInputBox({
      title: 'Model expression',
      prompt: 'A class or factory name, or a call with literal arguments',
      value: model?.expr ?? '',
    });
    return typed ? { expr: typed, ...(model ? { model } : {}) } : undefined;
  }

  async function askShape(expr: string, why: string): Promise<number[] | undefined> {
    const text = await vscode.window.showInputBox({
      title: `Input shape for ${expr}`,
      prompt: `${why}. Batch first, in the framework's layout (NCHW for PyTorch, NHWC for Keras and Flax).`,
      value: setting<string>('model.inputShape') ?? '',
      validateInput: (t) =>
        parseShapeText(t) ? undefined : 'positive integers separated by commas, e.g. 8,3,32,32',
    });
    return text ? parseShapeText(text) : undefined;
  }

  function setDiagnostics(doc: vscode.TextDocument, c: Checked): void {
    if (!enabled('diagnostics.enabled')) return;
    const at = (line: number): vscode.Range => {
      const l = doc.lineAt(Math.min(Math.max(line - 1, 0), doc.lineCount - 1));
      return new vscode.Range(
        l.range.start.translate(0, l.firstNonWhitespaceCharacterIndex),
        l.range.end,
      );
    };
    const out = c.findings.map((f) => {
      const d = new vscode.Diagnostic(
        at(f.line),
        f.message,
        f.severity === 'warning'
          ? vscode.DiagnosticSeverity.Warning
          : vscode.DiagnosticSeverity.Information,
      );
      d.source = DIAGNOSTIC_SOURCE;
      d.code = c.name;
      return d;
    });
    // A verdict no row explains (a single weighted layer, an overflow without a line) goes on the
    // model's own line.
    const r = c.report;
    if (r.verdict !== 'healthy' && !c.findings.some((f) => f.severity === 'warning')) {
      const d = new vscode.Diagnostic(
        at(r.line),
        `${c.name}: ${r.verdict} — ${r.reason}`,
        vscode.DiagnosticSeverity.Warning,
      );
      d.source = DIAGNOSTIC_SOURCE;
      d.code = c.name;
      out.push(d);
    }
    const others = (diagnostics.get(doc.uri) ?? []).filter((d) => d.code !== c.name);
    diagnostics.set(doc.uri, [...others, ...out]);
  }

  async function documentFor(arg: unknown): Promise<vscode.TextDocument | undefined> {
    if (arg instanceof vscode.Uri) return vscode.workspace.openTextDocument(arg);
    if (typeof arg === 'string') return vscode.workspace.openTextDocument(vscode.Uri.parse(arg));
    return vscode.window.activeTextEditor?.document;
  }

  async function run(
    uriArg?: unknown,
    nameArg?: unknown,
    optionsArg?: unknown,
  ): Promise<ModelReport | undefined> {
    const parsed = parseGraphCheckArgs(optionsArg);
    if (typeof parsed === 'string') {
      void vscode.window.showErrorMessage(`Activation Lens: ${parsed}`);
      return undefined;
    }
    const options: GraphCheckArgs = parsed;
    const tell = (msg: string): undefined => {
      if (!options.silent) void vscode.window.showWarningMessage(`Activation Lens: ${msg}`);
      log.warn(msg);
      return undefined;
    };
    const doc = await documentFor(uriArg);
    if (!doc || doc.languageId !== 'python')
      return tell('open a Python file with a model to check its gradient flow');
    const models = await modelsOf(doc);
    const name = typeof nameArg === 'string' ? nameArg : undefined;
    const named = name !== undefined ? models.find((m) => m.name === name) : undefined;
    const firstCheckable = models.find((m) => m.checkable);
    const chosen = options.silent
      ? name !== undefined
        ? { expr: named?.expr ?? name, model: named }
        : firstCheckable
          ? { expr: firstCheckable.expr ?? firstCheckable.name, model: firstCheckable }
          : undefined
      : await chooseExpression(doc, models, name);
    if (!chosen)
      return models.length === 0
        ? tell(
            'no model found in this file (PyTorch nn.Module / nn.Sequential / factories, Keras models, Flax modules)',
          )
        : undefined;
    const { expr, model } = chosen;
    let inputShape = options.inputShape;
    const framework = model?.framework ?? 'pytorch';
    const seed = options.seed ?? 0;
    const dtype = options.dtype ?? 'float32';
    const key = model?.name ?? expr;
    const limits = thresholdsNow();
    // Built and run in the worker, under one progress notification (cancel terminates it).
    const buildAndCheck = (shape: readonly number[] | undefined): Thenable<CheckedInWorker> =>
      vscode.window.withProgress(
        {
          location: options.silent
            ? vscode.ProgressLocation.Window
            : vscode.ProgressLocation.Notification,
          title: `Checking the gradient flow of ${expr}`,
          cancellable: true,
        },
        async (progress, token) => {
          const abort = new AbortController();
          const sub = token.onCancellationRequested(() => abort.abort());
          let last = 0;
          try {
            return await checker.buildAndCheck(
              {
                doc: workerDocument(doc),
                expr,
                ...(model ? { framework: model.framework } : {}),
                ...(shape ? { inputShape: shape } : {}),
                ...(options.batch !== undefined ? { batch: options.batch } : {}),
                seed,
                dtype,
                shownFramework: framework,
                ...limits,
              },
              {
                signal: abort.signal,
                onProgress: (p) => {
                  const pct = (100 * p.step) / p.total;
                  progress.report({
                    increment: pct - last,
                    message: progressText(p.step, p.total),
                  });
                  last = pct;
                },
              },
            );
          } finally {
            sub.dispose();
          }
        },
      );
    try {
      let result = await buildAndCheck(inputShape);
      if (!result.ok && /input shape/.test(result.reason) && !inputShape) {
        inputShape = options.silent
          ? parseShapeText(setting<string>('model.inputShape') ?? '')
          : await askShape(expr, result.reason.replace(/^line \d+: /, ''));
        if (!inputShape) return options.silent ? tell(`${expr}: ${result.reason}`) : undefined;
        result = await buildAndCheck(inputShape);
      }
      if (!result.ok) return tell(`${expr} cannot be checked: ${result.reason}`);
      const { report, built: ok } = result;
      const { thresholds } = limits;
      const rows = (report.rows ?? []).map(layerRow);
      const verdict = modelVerdict(rows, thresholds);
      const findings = rowFindings(rows, ok.notes, thresholds);
      const measure = measureOf(verdict.verdict, rows);
      const n = ok.notes.length;
      const full: ModelReport = {
        ...report,
        verdict: verdict.verdict,
        reason: verdict.reason,
        gradRatioLog10: measure.gradRatioLog10,
        // The report panel shows warnings and the title: what the reader assumed is never hidden.
        title: n
          ? `${report.title} · read with ${n} assumption${n === 1 ? '' : 's'}`
          : report.title,
        warnings: [...report.warnings, ...ok.notes.map((a) => `assumed: ${a}`)],
        name: key,
        line: model?.line ?? 1,
        framework,
        expr,
        assumptions: ok.notes,
        findings,
      };
      const checked: Checked = {
        report: full,
        name: key,
        findings,
        target: fixTargetOf(
          doc.getText(),
          model ?? {
            name: key,
            line: 1,
            endLine: doc.lineCount,
            framework,
            kind: 'class',
            checkable: true,
            instantiations: [],
          },
          ok.graph,
        ),
        measure,
        expr,
        framework,
        inputShape: ok.inputShape,
        seed,
        dtype,
      };
      setDiagnostics(doc, checked);
      remember(doc, checked);
      quickFixes.prefetch(doc, checked);
      const headline = verdictHeadline(full);
      log.info(`${expr}: ${headline} — ${full.reason} (${full.elapsedMs.toFixed(0)} ms)`);
      for (const a of ok.notes) log.info(`  assumed: ${a}`);
      if (!options.silent) {
        const show =
          full.verdict === 'healthy' && n === 0
            ? vscode.window.showInformationMessage
            : vscode.window.showWarningMessage;
        // "model: vanishing 6.1 × 10⁻⁷ (read with 1 assumption) — …": the lens's own words.
        const figure = summarize(measure).figure;
        const read = n ? ` (read with ${n} assumption${n === 1 ? '' : 's'})` : '';
        const text = `${expr}: ${figure}${read} — ${full.reason}${n ? `. Assumed: ${ok.notes.slice(0, 2).join('; ')}${n > 2 ? '; …' : ''}` : ''}`;
        void Promise.resolve(show(text, 'Open Report')).then((c) => {
          if (c === 'Open Report') ReportPanel.show(context.extensionUri, log, [full]);
        });
      }
      return full;
    } catch (e) {
      if (e instanceof WorkerCancelled) return undefined;
      if (e instanceof WorkerInputError) return tell(`${expr}: ${e.message}`);
      log.error(`${COMMAND}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return tell(
        `the model check failed (${e instanceof Error ? e.message : String(e)}); see the output channel`,
      );
    }
  }

  context.subscriptions.push(
    { dispose: () => reader.dispose() },
    { dispose: () => checker.dispose() },
    diagnostics,
    lensesChanged,
    vscode.languages.registerCodeLensProvider({ language: 'python' }, lenses),
    vscode.languages.registerCodeActionsProvider({ language: 'python' }, quickFixes, {
      providedCodeActionKinds: ModelQuickFixes.kinds,
    }),
    vscode.commands.registerCommand(COMMAND, run),
    vscode.commands.registerCommand(EXPRESSION_COMMAND, run),
    vscode.commands.registerCommand(REPORT_COMMAND, async (uri: unknown, name: unknown) => {
      const doc = await documentFor(uri);
      const last = doc && typeof name === 'string' ? lastOf(doc, name) : undefined;
      if (last) ReportPanel.show(context.extensionUri, log, [last.report]);
      else await vscode.commands.executeCommand(COMMAND, uri, name);
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      // Stale as soon as the text changes: the lines may no longer be the layers.
      if (e.contentChanges.length === 0) return;
      if (diagnostics.has(e.document.uri)) diagnostics.delete(e.document.uri);
      if (results.delete(e.document.uri.toString())) lensesChanged.fire();
      quickFixes.forget(e.document.uri);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      reader.forget(d.uri.toString());
      checker.forget(d.uri.toString());
      diagnostics.delete(d.uri);
      cache.delete(d.uri.toString());
      results.delete(d.uri.toString());
      quickFixes.forget(d.uri);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (
        e.affectsConfiguration('activationLens.diagnostics.enabled') &&
        !enabled('diagnostics.enabled')
      )
        diagnostics.clear();
      if (e.affectsConfiguration('activationLens.codeLens.enabled')) lensesChanged.fire();
    }),
  );
}
