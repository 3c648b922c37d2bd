import * as vscode from 'vscode';
import type { GradientFlowReport } from '../kernel/gradientFlow';
import { graphInWorker, WorkerCancelled, WorkerInputError } from '../gradientFlow/runner';
import { ReportPanel } from '../gradientFlow/panel';
import { progressText } from '../gradientFlow/summary';
import { modelVerdict, verdictHeadline } from './graphCheck';
import { fileModuleResolver } from './read/files';
import { buildModel, readModels } from './read/frameworks';
import { graphLensTitle, graphOnlyModels, parseGraphCheckArgs, parseShapeText } from './graphLens';
import type { FoundModel } from './read/index';
import type { ReadModel } from './types';

export const GRAPH_COMMAND = 'activationLens.checkModelGraph';
/** The result lens's command (not in the palette: it needs a document and a model). */
const REPORT_COMMAND = 'activationLens.modelGraph.openReport';
const DIAGNOSTIC_SOURCE = 'Activation Lens';

type GraphReport = GradientFlowReport & {
  readonly assumptions: readonly string[];
  readonly expr: string;
};

/**
 * The graph check in the editor: a CodeLens above every model and block the reader finds that the
 * plain model check does not handle (declined ones say why in the lens), and the command
 * `activationLens.checkModelGraph(uri?, exprOrName?, {inputShape?, seed?, dtype?, silent?})`,
 * which offers the file's models and the instantiations written in it, asks for an input shape
 * when the file does not give one (default from `activationLens.model.inputShape`), builds the
 * graph on the host and runs it in the worker, and returns the report with what the reader assumed.
 */
/** A file on disk has its package's other files at hand (`from ..ops.misc import X`). */
function filesOf(doc: vscode.TextDocument): {
  path?: string;
  resolveModule?: typeof fileModuleResolver;
} {
  return doc.uri.scheme === 'file'
    ? { path: doc.uri.fsPath, resolveModule: fileModuleResolver }
    : {};
}

export function registerGraphModelCheck(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  plainModels: (doc: vscode.TextDocument) => Promise<ReadModel[]>,
  lensesEnabled: () => boolean,
): { models: (doc: vscode.TextDocument) => Promise<FoundModel[]> } {
  const diagnostics = vscode.languages.createDiagnosticCollection('activationLens.modelGraph');
  const workerPath = vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath;
  const cache = new Map<string, { version: number; models: Promise<FoundModel[]> }>();
  const modelsOf = (doc: vscode.TextDocument): Promise<FoundModel[]> => {
    const key = doc.uri.toString();
    const hit = cache.get(key);
    if (hit && hit.version === doc.version) return hit.models;
    const models = readModels(doc.getText(), filesOf(doc)).then((r) => r.models);
    cache.set(key, { version: doc.version, models });
    return models;
  };

  const lensesChanged = new vscode.EventEmitter<void>();
  // The last check of each model, per document version: its lens shows the verdict and Report.
  const results = new Map<string, { version: number; byName: Map<string, GraphReport> }>();
  const remember = (doc: vscode.TextDocument, name: string, r: GraphReport): void => {
    const key = doc.uri.toString();
    let entry = results.get(key);
    if (!entry || entry.version !== doc.version)
      results.set(key, (entry = { version: doc.version, byName: new Map() }));
    entry.byName.set(name, r);
    lensesChanged.fire();
  };
  const lastOf = (doc: vscode.TextDocument, name: string): GraphReport | undefined => {
    const entry = results.get(doc.uri.toString());
    return entry && entry.version === doc.version ? entry.byName.get(name) : undefined;
  };

  const lenses: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: lensesChanged.event,
    async provideCodeLenses(doc, token) {
      if (!lensesEnabled()) return [];
      try {
        const [graph, plain] = await Promise.all([modelsOf(doc), plainModels(doc)]);
        if (token.isCancellationRequested) return [];
        return graphOnlyModels(graph, plain).flatMap((m) => {
          const range = doc.lineAt(Math.min(Math.max(m.line - 1, 0), doc.lineCount - 1)).range;
          const last = lastOf(doc, m.name);
          if (last) {
            // The verdict (never a plain "healthy" when the reader assumed something), then actions.
            return [
              new vscode.CodeLens(range, {
                title: `${last.verdict === 'healthy' ? '✔' : '✖'} ${verdictHeadline(last)} · ${last.expr}`,
                tooltip: [last.reason, ...last.assumptions.map((a) => `assumed: ${a}`)].join('\n'),
                command: REPORT_COMMAND,
                arguments: [doc.uri, m.name],
              }),
              new vscode.CodeLens(range, {
                title: 'Re-run',
                command: GRAPH_COMMAND,
                arguments: [doc.uri, m.name],
              }),
            ];
          }
          return new vscode.CodeLens(range, {
            title: graphLensTitle(m),
            tooltip: m.checkable
              ? `Build ${m.expr ?? m.name} from this file and simulate its gradient flow, layer by layer`
              : (m.reason ?? 'declined'),
            command: GRAPH_COMMAND,
            arguments: [doc.uri, m.name],
          });
        });
      } catch (e) {
        log.error(`graph CodeLens: ${e instanceof Error ? e.message : String(e)}`);
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
    const setting =
      vscode.workspace.getConfiguration('activationLens').get<string>('model.inputShape') ?? '';
    const text = await vscode.window.showInputBox({
      title: `Input shape for ${expr}`,
      prompt: `${why}. Batch first, in the framework's layout (NCHW for PyTorch, NHWC for Keras and Flax).`,
      value: setting,
      validateInput: (t) =>
        parseShapeText(t) ? undefined : 'positive integers separated by commas, e.g. 8,3,32,32',
    });
    return text ? parseShapeText(text) : undefined;
  }

  function setDiagnostics(
    doc: vscode.TextDocument,
    name: string,
    report: GraphReport,
    modelLine: number,
  ): void {
    const mk = (
      line: number,
      message: string,
      severity: vscode.DiagnosticSeverity,
    ): vscode.Diagnostic => {
      const l = doc.lineAt(Math.min(Math.max(line - 1, 0), doc.lineCount - 1));
      const d = new vscode.Diagnostic(
        new vscode.Range(
          l.range.start.translate(0, l.firstNonWhitespaceCharacterIndex),
          l.range.end,
        ),
        message,
        severity,
      );
      d.source = DIAGNOSTIC_SOURCE;
      d.code = name;
      return d;
    };
    const out: vscode.Diagnostic[] = [];
    if (report.verdict !== 'healthy')
      out.push(
        mk(
          modelLine,
          `${name}: ${report.verdict} — ${report.reason}`,
          vscode.DiagnosticSeverity.Warning,
        ),
      );
    for (const row of report.rows ?? []) {
      if (row.line !== null && row.deadFraction >= 0.05) {
        out.push(
          mk(
            row.line,
            `${row.row}: ${(100 * row.deadFraction).toFixed(0)} % of units dead (act′ = 0 for every input of the batch)`,
            vscode.DiagnosticSeverity.Warning,
          ),
        );
      }
    }
    for (const a of report.assumptions) {
      const m = /^line (\d+): (.*)$/.exec(a);
      if (m) out.push(mk(Number(m[1]), `assumed: ${m[2]}`, vscode.DiagnosticSeverity.Information));
    }
    const others = (diagnostics.get(doc.uri) ?? []).filter((d) => d.code !== name);
    diagnostics.set(doc.uri, [...others, ...out]);
  }

  async function run(
    uriArg?: unknown,
    nameArg?: unknown,
    optionsArg?: unknown,
  ): Promise<GraphReport | undefined> {
    const options = parseGraphCheckArgs(optionsArg);
    if (typeof options === 'string') {
      void vscode.window.showErrorMessage(`Activation Lens: ${options}`);
      return undefined;
    }
    const tell = (msg: string): undefined => {
      if (!options.silent) void vscode.window.showWarningMessage(`Activation Lens: ${msg}`);
      log.warn(msg);
      return undefined;
    };
    const doc =
      uriArg instanceof vscode.Uri
        ? await vscode.workspace.openTextDocument(uriArg)
        : typeof uriArg === 'string'
          ? await vscode.workspace.openTextDocument(vscode.Uri.parse(uriArg))
          : vscode.window.activeTextEditor?.document;
    if (!doc || doc.languageId !== 'python')
      return tell('open a Python file with a model to check its gradient flow');
    const models = await modelsOf(doc);
    const name = typeof nameArg === 'string' ? nameArg : undefined;
    const chosen = options.silent
      ? name !== undefined
        ? {
            expr: models.find((m) => m.name === name)?.expr ?? name,
            model: models.find((m) => m.name === name),
          }
        : models.find((m) => m.checkable)
          ? { expr: models.find((m) => m.checkable)!.expr!, model: models.find((m) => m.checkable) }
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
    const setting = parseShapeText(
      vscode.workspace.getConfiguration('activationLens').get<string>('model.inputShape') ?? '',
    );
    let built = await buildModel(doc.getText(), expr, {
      ...filesOf(doc),
      ...(model ? { framework: model.framework } : {}),
      ...(inputShape ? { inputShape } : {}),
    });
    if (!built.ok && /give an input shape|input shape/.test(built.reason) && !inputShape) {
      inputShape = options.silent
        ? setting
        : await askShape(expr, built.reason.replace(/^line \d+: /, ''));
      if (!inputShape) return options.silent ? tell(`${expr}: ${built.reason}`) : undefined;
      built = await buildModel(doc.getText(), expr, {
        ...filesOf(doc),
        ...(model ? { framework: model.framework } : {}),
        inputShape,
      });
    }
    if (!built.ok) return tell(`${expr} cannot be checked: ${built.reason}`);
    const ok = built;
    const framework = model?.framework ?? 'pytorch';
    try {
      const report = await vscode.window.withProgress(
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
            return await graphInWorker(
              workerPath,
              {
                graph: ok.graph,
                options: { seed: options.seed ?? 0, dtype: options.dtype ?? 'float32' },
                config: {
                  model: expr,
                  framework,
                  file: doc.uri.toString(),
                  inputShape: ok.inputShape,
                  seed: options.seed ?? 0,
                  dtype: options.dtype ?? 'float32',
                  assumptions: ok.notes,
                },
                title: `${expr} · ${framework} · input ${ok.inputShape.join('×')}`,
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
      // The rows' own verdict (first against last layer with weights), as the CLI gives it.
      const rowsVerdict = report.rows
        ? modelVerdict(
            report.rows.map((r) => ({
              module: r.row,
              kind: r.kind,
              outputShape: r.outputShape,
              line: r.line,
              postMean: r.postMean,
              postStd: r.postStd,
              weightGradNorm: r.weightGradNorm,
              biasGradNorm: r.biasGradNorm,
              inputGradRms: r.inputGradRms,
              deadFraction: r.deadFraction,
            })),
          )
        : undefined;
      const n = ok.notes.length;
      const full: GraphReport = {
        ...report,
        ...(rowsVerdict ? { verdict: rowsVerdict.verdict, reason: rowsVerdict.reason } : {}),
        // The report panel shows warnings and the title: what the reader assumed is never hidden.
        title: n
          ? `${report.title} · read with ${n} assumption${n === 1 ? '' : 's'}`
          : report.title,
        warnings: [...report.warnings, ...ok.notes.map((a) => `assumed: ${a}`)],
        assumptions: ok.notes,
        expr,
      };
      setDiagnostics(doc, model?.name ?? expr, full, model?.line ?? 1);
      remember(doc, model?.name ?? expr, full);
      const headline = verdictHeadline(full);
      log.info(`${expr}: ${headline} — ${full.reason} (${full.elapsedMs.toFixed(0)} ms)`);
      for (const a of ok.notes) log.info(`  assumed: ${a}`);
      if (!options.silent) {
        const show =
          full.verdict === 'healthy' && ok.notes.length === 0
            ? vscode.window.showInformationMessage
            : vscode.window.showWarningMessage;
        const text = `${expr}: ${headline} — ${full.reason}${ok.notes.length ? ` Assumed: ${ok.notes.slice(0, 2).join('; ')}${ok.notes.length > 2 ? '; …' : ''}` : ''}`;
        void Promise.resolve(show(text, 'Open Report')).then((c) => {
          if (c === 'Open Report') ReportPanel.show(context.extensionUri, log, [full]);
        });
      }
      return full;
    } catch (e) {
      if (e instanceof WorkerCancelled) return undefined;
      if (e instanceof WorkerInputError) return tell(`${expr}: ${e.message}`);
      log.error(`${GRAPH_COMMAND}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return tell(
        `the model check failed (${e instanceof Error ? e.message : String(e)}); see the output channel`,
      );
    }
  }

  context.subscriptions.push(
    diagnostics,
    vscode.languages.registerCodeLensProvider({ language: 'python' }, lenses),
    lensesChanged,
    vscode.commands.registerCommand(GRAPH_COMMAND, run),
    vscode.commands.registerCommand(REPORT_COMMAND, async (uri: unknown, name: unknown) => {
      const doc =
        uri instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uri) : undefined;
      const last = doc && typeof name === 'string' ? lastOf(doc, name) : undefined;
      if (last) ReportPanel.show(context.extensionUri, log, [last]);
      else await vscode.commands.executeCommand(GRAPH_COMMAND, uri, name);
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length === 0) return;
      if (diagnostics.has(e.document.uri)) diagnostics.delete(e.document.uri);
      if (results.delete(e.document.uri.toString())) lensesChanged.fire();
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      diagnostics.delete(d.uri);
      cache.delete(d.uri.toString());
    }),
  );
  return { models: modelsOf };
}
