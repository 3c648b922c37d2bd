import * as vscode from 'vscode';
import { ReportPanel } from '../gradientFlow/panel';
import { modelReportMarkdown, ModelCheckError, type ModelCheckReport } from './check';
import {
  DocumentModels,
  lensTitle,
  modelAt,
  parseCheckModelOptions,
  readModelConfig,
  rowItems,
  type CheckModelOptions,
} from './present';
import { checkModelInWorker, ModelCheckCancelled } from './runner';
import type { ReadModel } from './types';

const COMMAND = 'activationLens.checkModel';

/**
 * The model-check adapter: a CodeLens above each model read from a Python document (selected by
 * language only, so notebook cells get it too), the `activationLens.checkModel` command that runs
 * the check and returns the report, and diagnostics on the lines of troubled layers.
 *
 * The command takes `(uri?, modelName?, options?)`; without arguments it checks the model around
 * the cursor of the active editor. The simulation runs in a worker thread over the shipped kernel
 * bundle (dist/kernel.js; the gradient-flow worker takes uniform-stack configs, not layer lists),
 * cancellable from the progress notification. "Open Report" shows the result in the gradient-flow
 * report panel.
 */
export function registerModelCheck(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Activation Lens: Model Check', { log: true });
  const diagnostics = vscode.languages.createDiagnosticCollection('activationLens.model');
  const documents = new DocumentModels();
  const kernelPath = vscode.Uri.joinPath(context.extensionUri, 'dist', 'kernel.js').fsPath;
  const lensesChanged = new vscode.EventEmitter<void>();
  const config = () =>
    readModelConfig((k) => vscode.workspace.getConfiguration('activationLens').get(k));
  const fail = (what: string, e: unknown) =>
    log.error(`${what}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);

  const modelsOf = (doc: vscode.TextDocument): Promise<ReadModel[]> =>
    documents.models(doc.uri.toString(), doc.version, () => doc.getText());

  const lenses: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: lensesChanged.event,
    async provideCodeLenses(doc, token) {
      if (!config().codeLens) return [];
      try {
        const models = await modelsOf(doc);
        if (token.isCancellationRequested) return [];
        return models.map((m) => {
          const line = Math.min(Math.max(m.line - 1, 0), doc.lineCount - 1);
          return new vscode.CodeLens(doc.lineAt(line).range, {
            title: lensTitle(m),
            tooltip:
              m.status === 'ok'
                ? `Simulate ${m.name}'s gradient flow with its widths, activations and default init`
                : m.reason,
            command: COMMAND,
            arguments: [doc.uri, m.name],
          });
        });
      } catch (e) {
        fail('CodeLens', e);
        return [];
      }
    },
  };

  async function documentFor(arg: unknown): Promise<vscode.TextDocument | undefined> {
    if (arg instanceof vscode.Uri) return vscode.workspace.openTextDocument(arg);
    if (typeof arg === 'string') return vscode.workspace.openTextDocument(vscode.Uri.parse(arg));
    const doc = vscode.window.activeTextEditor?.document;
    return doc?.languageId === 'python' ? doc : undefined;
  }

  function setDiagnostics(doc: vscode.TextDocument, r: ModelCheckReport): void {
    if (!config().diagnostics) return;
    const own = (diagnostics.get(doc.uri) ?? []).filter((d) => d.code !== r.model.name);
    const found = r.findings.map((f) => {
      const line = doc.lineAt(Math.min(Math.max(f.line - 1, 0), doc.lineCount - 1));
      const range = new vscode.Range(
        line.range.start.translate(0, line.firstNonWhitespaceCharacterIndex),
        line.range.end,
      );
      const severity =
        f.severity === 'warning'
          ? vscode.DiagnosticSeverity.Warning
          : vscode.DiagnosticSeverity.Information;
      const d = new vscode.Diagnostic(range, f.message, severity);
      d.source = 'Activation Lens';
      d.code = r.model.name;
      return d;
    });
    diagnostics.set(doc.uri, [...own, ...found]);
  }

  async function reveal(doc: vscode.TextDocument, line: number): Promise<void> {
    const l = doc.lineAt(Math.min(Math.max(line - 1, 0), doc.lineCount - 1));
    const editor = await vscode.window.showTextDocument(doc, { preserveFocus: false });
    editor.selection = new vscode.Selection(l.range.start, l.range.start);
    editor.revealRange(l.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  async function showLayers(doc: vscode.TextDocument, r: ModelCheckReport): Promise<void> {
    const items = rowItems(r);
    const pick = await vscode.window.showQuickPick(
      items.map((i) => ({
        label: i.label,
        description: i.description,
        detail: i.detail,
        line: i.line,
      })),
      {
        title: `${r.model.name}: ${r.verdict} — choose a layer to reveal it`,
        matchOnDescription: true,
        matchOnDetail: true,
      },
    );
    if (pick) await reveal(doc, pick.line);
  }

  async function present(doc: vscode.TextDocument, r: ModelCheckReport): Promise<void> {
    const text = `${r.model.name}: ${r.verdict} — ${r.advice}`;
    const show =
      r.verdict === 'healthy'
        ? vscode.window.showInformationMessage
        : vscode.window.showWarningMessage;
    const choice = await show(text, 'Show Layers', 'Open Report');
    if (choice === 'Show Layers') await showLayers(doc, r);
    // The gradient-flow check's report panel: the same charts and JSON/Markdown export.
    else if (choice === 'Open Report') ReportPanel.show(context.extensionUri, log, [r]);
  }

  async function chooseModel(
    doc: vscode.TextDocument,
    models: readonly ReadModel[],
  ): Promise<ReadModel | undefined> {
    const cursor =
      vscode.window.activeTextEditor?.document === doc
        ? vscode.window.activeTextEditor.selection.active.line + 1
        : undefined;
    const at = modelAt(models, undefined, cursor);
    if (at) return at;
    const pick = await vscode.window.showQuickPick(
      models.map((m) => ({
        label: m.name,
        description: `line ${m.line} · ${m.framework}`,
        detail: m.status === 'ok' ? undefined : m.reason,
        model: m,
      })),
      { title: 'Check the gradient flow of which model?' },
    );
    return pick?.model;
  }

  /** The command: returns the report, or undefined after telling the user why there is none. */
  async function run(
    uriArg?: unknown,
    nameArg?: unknown,
    optionsArg?: unknown,
  ): Promise<ModelCheckReport | undefined> {
    const options = parseCheckModelOptions(optionsArg);
    if (typeof options === 'string') {
      void vscode.window.showErrorMessage(`Activation Lens: ${options}`);
      return undefined;
    }
    const silent = (options as CheckModelOptions).silent === true;
    const tell = (msg: string): undefined => {
      if (!silent) void vscode.window.showWarningMessage(`Activation Lens: ${msg}`);
      log.warn(msg);
      return undefined;
    };
    try {
      const doc = await documentFor(uriArg);
      if (!doc) return tell('open a Python file with a model to check its gradient flow');
      const models = await modelsOf(doc);
      if (models.length === 0) {
        return tell(
          'no model found here (PyTorch nn.Sequential / nn.Module with forward(), Keras Sequential)',
        );
      }
      const name = typeof nameArg === 'string' ? nameArg : undefined;
      const model =
        name !== undefined
          ? modelAt(models, name, undefined)
          : silent
            ? modelAt(models, undefined, undefined)
            : await chooseModel(doc, models);
      if (!model)
        return name !== undefined ? tell(`no model named '${name}' in this file`) : undefined;
      // The check is synchronous: yield once so the progress notification paints first.
      const checkOptions = {
        source: doc.uri.toString(),
        ...(options.batch !== undefined ? { batch: options.batch } : {}),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
      };
      const report = await vscode.window.withProgress(
        {
          location: silent ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification,
          title: `Checking the gradient flow of ${model.name}`,
          cancellable: true,
        },
        async (progress, token) => {
          // Off the extension host's thread; cancelling terminates the worker mid-simulation.
          const abort = new AbortController();
          const sub = token.onCancellationRequested(() => abort.abort());
          let last = 0;
          try {
            return await checkModelInWorker(kernelPath, model, checkOptions, {
              signal: abort.signal,
              onProgress: (step, total) => {
                const pct = (100 * step) / total;
                progress.report({ increment: pct - last });
                last = pct;
              },
            });
          } finally {
            sub.dispose();
          }
        },
      );
      setDiagnostics(doc, report);
      log.info(
        `${model.name}: ${report.verdict} (${report.elapsedMs.toFixed(0)} ms) — ${report.reason}`,
      );
      log.info(`\n${modelReportMarkdown(report)}`);
      if (!silent) void present(doc, report).catch((e) => fail('report', e));
      return report;
    } catch (e) {
      if (e instanceof ModelCheckError) return tell(e.message);
      if (e instanceof ModelCheckCancelled) return undefined;
      fail(COMMAND, e);
      if (!silent)
        void vscode.window.showErrorMessage(
          `Activation Lens: the model check failed (${e instanceof Error ? e.message : String(e)}); see the output channel.`,
        );
      return undefined;
    }
  }

  context.subscriptions.push(
    log,
    diagnostics,
    lensesChanged,
    vscode.languages.registerCodeLensProvider({ language: 'python' }, lenses),
    vscode.commands.registerCommand(COMMAND, run),
    vscode.workspace.onDidChangeTextDocument((e) => {
      // Stale as soon as the text changes: the lines may no longer be the layers.
      if (e.contentChanges.length > 0 && diagnostics.has(e.document.uri))
        diagnostics.delete(e.document.uri);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      diagnostics.delete(d.uri);
      documents.forget(d.uri.toString());
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('activationLens.diagnostics.enabled') && !config().diagnostics)
        diagnostics.clear();
      if (e.affectsConfiguration('activationLens.codeLens.enabled')) lensesChanged.fire();
    }),
  );
}
