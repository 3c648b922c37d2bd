import * as vscode from 'vscode';
import { ReportPanel } from '../gradientFlow/panel';
import { progressText } from '../gradientFlow/summary';
import { outputChannel } from '../output';
import { modelReportMarkdown, ModelCheckError, type ModelCheckReport } from './check';
import {
  DocumentModels,
  lensTitle,
  modelAt,
  notificationText,
  parseCheckModelOptions,
  readModelConfig,
  resultLensTitles,
  rowItems,
  type CheckModelOptions,
} from './present';
import { registerGraphModelCheck } from './graphRegister';
import { ModelQuickFixes } from './quickFixProvider';
import { checkModelInWorker, ModelCheckCancelled } from './runner';
import type { ReadModel } from './types';

const COMMAND = 'activationLens.checkModel';
/** The result lens's commands (not in the palette: they need a document and a model). */
const OPEN_REPORT = 'activationLens.model.openReport';
const SHOW_LAYERS = 'activationLens.model.showLayers';
const DIAGNOSTIC_SOURCE = 'Activation Lens';

/**
 * The model-check adapter: a CodeLens above each model read from a Python document (selected by
 * language only, so notebook cells get it too), the `activationLens.checkModel` command that runs
 * the check and returns the report, and diagnostics on the lines of troubled layers.
 *
 * The command takes `(uri?, modelName?, options?)`; without arguments it checks the model around
 * the cursor of the active editor. The simulation runs in the worker thread of every check
 * (dist/worker.js), cancellable from the progress notification. "Open Report" shows the result in the gradient-flow
 * report panel.
 */
export function registerModelCheck(context: vscode.ExtensionContext): void {
  const log = outputChannel(context);
  const diagnostics = vscode.languages.createDiagnosticCollection('activationLens.model');
  const documents = new DocumentModels();
  const workerPath = vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath;
  const quickFixes = new ModelQuickFixes({
    log,
    lastReport: (doc, name) => lastReport(doc, name),
    check: (model, like) =>
      checkModelInWorker(workerPath, model, {
        ...(typeof like.config['batch'] === 'number' ? { batch: like.config['batch'] } : {}),
        ...(typeof like.config['seed'] === 'number' ? { seed: like.config['seed'] } : {}),
      }),
    diagnosticSource: DIAGNOSTIC_SOURCE,
    recheckCommand: COMMAND,
  });
  const lensesChanged = new vscode.EventEmitter<void>();
  // The last check of each model, per document version: the lens shows it, quick fixes start from it.
  const results = new Map<string, { version: number; byModel: Map<string, ModelCheckReport> }>();
  const lastReport = (doc: vscode.TextDocument, name: string): ModelCheckReport | undefined => {
    const r = results.get(doc.uri.toString());
    return r && r.version === doc.version ? r.byModel.get(name) : undefined;
  };
  const remember = (doc: vscode.TextDocument, report: ModelCheckReport): void => {
    const key = doc.uri.toString();
    let r = results.get(key);
    if (!r || r.version !== doc.version)
      results.set(key, (r = { version: doc.version, byModel: new Map() }));
    r.byModel.set(report.model.name, report);
    lensesChanged.fire();
  };
  const config = () =>
    readModelConfig((k) => vscode.workspace.getConfiguration('activationLens').get(k));
  const fail = (what: string, e: unknown) =>
    log.error(`${what}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);

  const modelsOf = (doc: vscode.TextDocument): Promise<ReadModel[]> =>
    documents.models(doc.uri.toString(), doc.version, () => doc.getText());
  // Models the Linear/Dense check does not handle go through the layer-graph reader and engine.
  const graphCheck = registerGraphModelCheck(context, log, modelsOf, () => config().codeLens);

  const lenses: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: lensesChanged.event,
    async provideCodeLenses(doc, token) {
      if (!config().codeLens) return [];
      try {
        const [all, graph] = await Promise.all([modelsOf(doc), graphCheck.models(doc)]);
        if (token.isCancellationRequested) return [];
        // A model this check declines but the graph reader finds gets the graph check's lens only.
        const graphNames = new Set(graph.map((g) => g.name));
        const models = all.filter((m) => m.status === 'ok' || !graphNames.has(m.name));
        return models.flatMap((m) => {
          const range = doc.lineAt(Math.min(Math.max(m.line - 1, 0), doc.lineCount - 1)).range;
          const last = m.status === 'ok' ? lastReport(doc, m.name) : undefined;
          if (last) {
            // "⚠ vanishing 6.2 × 10⁻⁷ · Report · Re-run": the result, then what to do with it.
            const t = resultLensTitles(last);
            const args = [doc.uri, m.name];
            return [
              new vscode.CodeLens(range, {
                title: t.result,
                tooltip: `${last.reason}. Choose a layer to reveal it.`,
                command: SHOW_LAYERS,
                arguments: args,
              }),
              new vscode.CodeLens(range, {
                title: t.report,
                command: OPEN_REPORT,
                arguments: args,
              }),
              new vscode.CodeLens(range, { title: t.rerun, command: COMMAND, arguments: args }),
            ];
          }
          return [
            new vscode.CodeLens(range, {
              title: lensTitle(m),
              tooltip:
                m.status === 'ok'
                  ? `Simulate ${m.name}'s gradient flow with its widths, activations and default init`
                  : m.reason,
              command: COMMAND,
              arguments: [doc.uri, m.name],
            }),
          ];
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
      d.source = DIAGNOSTIC_SOURCE;
      d.code = r.model.name;
      // The activation is half of the story (and where an activation fix goes).
      const act = r.model.rows.find((row) => row.layer === f.layer)?.activation;
      if (act && act.line !== f.line && act.line >= 1 && act.line <= doc.lineCount) {
        d.relatedInformation = [
          new vscode.DiagnosticRelatedInformation(
            new vscode.Location(doc.uri, doc.lineAt(act.line - 1).range),
            `its activation: ${act.source}`,
          ),
        ];
      }
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
    const { text, tone } = notificationText(r.model.name, r);
    const show =
      tone === 'ok'
        ? vscode.window.showInformationMessage
        : tone === 'warning'
          ? vscode.window.showWarningMessage
          : vscode.window.showErrorMessage;
    const choice = await show(text, 'Show Layers', 'Open Report');
    if (choice === 'Show Layers') await showLayers(doc, r);
    // The gradient-flow check's report panel: the same charts and JSON/Markdown export.
    else if (choice === 'Open Report') ReportPanel.show(context.extensionUri, log, [r]);
  }

  /** The result lens's commands: the model's last report, if the document has not changed. */
  async function withLast(
    uriArg: unknown,
    nameArg: unknown,
    then: (doc: vscode.TextDocument, r: ModelCheckReport) => Promise<void> | void,
  ): Promise<void> {
    const doc = await documentFor(uriArg);
    const r = doc && typeof nameArg === 'string' ? lastReport(doc, nameArg) : undefined;
    if (doc && r) await then(doc, r);
    else await vscode.commands.executeCommand(COMMAND, uriArg, nameArg);
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
            return await checkModelInWorker(workerPath, model, checkOptions, {
              signal: abort.signal,
              onProgress: (step, total) => {
                const pct = (100 * step) / total;
                progress.report({
                  increment: pct - last,
                  message: progressText(step, total, undefined, 'node'),
                });
                last = pct;
              },
            });
          } finally {
            sub.dispose();
          }
        },
      );
      setDiagnostics(doc, report);
      remember(doc, report);
      quickFixes.prefetch(doc, report);
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
    diagnostics,
    lensesChanged,
    vscode.languages.registerCodeLensProvider({ language: 'python' }, lenses),
    vscode.languages.registerCodeActionsProvider({ language: 'python' }, quickFixes, {
      providedCodeActionKinds: ModelQuickFixes.kinds,
    }),
    vscode.commands.registerCommand(COMMAND, run),
    vscode.commands.registerCommand(OPEN_REPORT, (uri: unknown, name: unknown) =>
      withLast(uri, name, (_doc, r) => void ReportPanel.show(context.extensionUri, log, [r])),
    ),
    vscode.commands.registerCommand(SHOW_LAYERS, (uri: unknown, name: unknown) =>
      withLast(uri, name, showLayers),
    ),
    vscode.workspace.onDidChangeTextDocument((e) => {
      // Stale as soon as the text changes: the lines may no longer be the layers.
      if (e.contentChanges.length === 0) return;
      if (diagnostics.has(e.document.uri)) diagnostics.delete(e.document.uri);
      if (results.delete(e.document.uri.toString())) lensesChanged.fire();
      quickFixes.forget(e.document.uri);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      diagnostics.delete(d.uri);
      documents.forget(d.uri.toString());
      results.delete(d.uri.toString());
      quickFixes.forget(d.uri);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('activationLens.diagnostics.enabled') && !config().diagnostics)
        diagnostics.clear();
      if (e.affectsConfiguration('activationLens.codeLens.enabled')) lensesChanged.fire();
    }),
  );
}
