/**
 * "Check with PyTorch" in VS Code: a CodeLens on every PyTorch model the reader finds, the
 * `activationLens.checkWithTorch` command, diagnostics where the user's code raised, and the
 * report with simulated and measured columns.
 *
 * Only in trusted workspaces: the check runs the file's definitions in the user's interpreter. In
 * restricted mode the lens is shown without a command (VS Code draws it as plain text) with the
 * reason, and the command is disabled (`enablement: isWorkspaceTrusted`).
 */
import * as vscode from 'vscode';
import { ReportPanel } from '../gradientFlow/panel';
import { graphInWorker } from '../gradientFlow/runner';
import { readPythonModels, type FoundModel } from '../model/read/index';
import { outputChannel } from '../output';
// The same options as the layer-graph check's command: {inputShape?, seed?, dtype?, silent?}.
import { parseGraphCheckArgs } from '../model/graphLens';
import { RESTRICTED_REASON, TORCH_COMMAND, defaultExpression, torchLens } from './lens';
import { choosePython, TorchCheckError } from './protocol';
import { sideBySideMarkdown, sideBySideReport, type SideBySideReport } from './report';
import { DEFAULT_TIMEOUT_MS, runTorchCheck } from './run';
import { readForTorch, type SimulatedSide } from './simulate';

const DIAGNOSTIC_SOURCE = 'Activation Lens (PyTorch)';

/** The interpreter: the Python extension's active environment, else the setting, else python3. */
async function pythonFor(resource: vscode.Uri, log: vscode.LogOutputChannel) {
  let fromExtension: string | undefined;
  const ext = vscode.extensions.getExtension('ms-python.python');
  if (ext) {
    try {
      type Api = {
        environments?: {
          getActiveEnvironmentPath?(r?: vscode.Uri): { path: string } | undefined;
          resolveEnvironment?(p: {
            path: string;
          }): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
        };
      };
      const api = (ext.isActive ? ext.exports : await ext.activate()) as Api | undefined;
      const env = api?.environments?.getActiveEnvironmentPath?.(resource);
      if (env) {
        const resolved = await api?.environments?.resolveEnvironment?.(env);
        fromExtension = resolved?.executable?.uri?.fsPath ?? env.path;
      }
    } catch (e) {
      log.warn(`Python extension: no active interpreter (${(e as Error).message})`);
    }
  }
  const setting = vscode.workspace
    .getConfiguration('activationLens', resource)
    .get<string>('python.path');
  return choosePython({ fromExtension, setting, platform: process.platform });
}

export function registerTorchCheck(context: vscode.ExtensionContext): void {
  const log = outputChannel(context);
  const diagnostics = vscode.languages.createDiagnosticCollection('activationLens.torch');
  const workerPath = vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath;
  const lensesChanged = new vscode.EventEmitter<void>();
  const found = new Map<string, { version: number; models: Promise<FoundModel[]> }>();
  const modelsOf = (doc: vscode.TextDocument): Promise<FoundModel[]> => {
    const key = doc.uri.toString();
    const hit = found.get(key);
    if (hit && hit.version === doc.version) return hit.models;
    const models = readPythonModels(doc.getText()).then((r) =>
      r.models.filter((m) => m.framework === 'pytorch'),
    );
    found.set(key, { version: doc.version, models });
    return models;
  };

  const lenses: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: lensesChanged.event,
    async provideCodeLenses(doc) {
      if (
        vscode.workspace.getConfiguration('activationLens').get<boolean>('codeLens.enabled') ===
        false
      )
        return [];
      // The interpreter runs a file on disk: notebook cells and untitled editors have none yet.
      if (doc.uri.scheme !== 'file') return [];
      const models = await modelsOf(doc);
      const trusted = vscode.workspace.isTrusted;
      return models.map((m) => {
        const range = doc.lineAt(Math.min(Math.max(m.line - 1, 0), doc.lineCount - 1)).range;
        const l = torchLens(m, trusted);
        return new vscode.CodeLens(range, {
          title: l.title,
          tooltip: l.tooltip,
          command: l.command,
          ...(l.expression !== undefined ? { arguments: [doc.uri, l.expression] } : {}),
        });
      });
    },
  };

  /** Information diagnostics where simulation and PyTorch differ, one per source line. */
  function showDisagreements(doc: vscode.TextDocument, r: SideBySideReport): void {
    const byLine = new Map<number, string[]>();
    for (const l of r.layers) {
      if (!l.disagreement || l.line === null || l.line < 1 || l.line > doc.lineCount) continue;
      byLine.set(l.line, [
        ...(byLine.get(l.line) ?? []),
        `${l.module || '(model)'}: ${l.disagreement}`,
      ]);
    }
    diagnostics.set(
      doc.uri,
      [...byLine].map(([line, msgs]) => {
        const text = doc.lineAt(line - 1);
        const d = new vscode.Diagnostic(
          new vscode.Range(
            line - 1,
            text.firstNonWhitespaceCharacterIndex,
            line - 1,
            text.text.length,
          ),
          `Simulation and PyTorch differ: ${msgs.join('; ')}`,
          vscode.DiagnosticSeverity.Information,
        );
        d.source = DIAGNOSTIC_SOURCE;
        return d;
      }),
    );
  }

  function showDiagnostic(
    e: TorchCheckError,
    doc: vscode.TextDocument,
    fallbackLine: number,
  ): void {
    const uri = e.file ? vscode.Uri.file(e.file) : doc.uri;
    const line = e.file ? (e.line ?? 1) : fallbackLine;
    const range = new vscode.Range(
      Math.max(line - 1, 0),
      0,
      Math.max(line - 1, 0),
      Number.MAX_SAFE_INTEGER,
    );
    const d = new vscode.Diagnostic(range, e.message, vscode.DiagnosticSeverity.Error);
    d.source = DIAGNOSTIC_SOURCE;
    diagnostics.set(uri, [d]);
  }

  async function run(
    uriArg?: unknown,
    exprArg?: unknown,
    optionsArg?: unknown,
  ): Promise<SideBySideReport | undefined> {
    const options = parseGraphCheckArgs(optionsArg);
    const silent = typeof options !== 'string' && options.silent === true;
    const tell = (msg: string): undefined => {
      log.warn(msg);
      if (!silent) void vscode.window.showWarningMessage(`Activation Lens: ${msg}`);
      return undefined;
    };
    if (typeof options === 'string') return tell(options);
    if (!vscode.workspace.isTrusted) return tell(RESTRICTED_REASON);
    const doc =
      uriArg instanceof vscode.Uri
        ? await vscode.workspace.openTextDocument(uriArg)
        : typeof uriArg === 'string'
          ? await vscode.workspace.openTextDocument(vscode.Uri.parse(uriArg))
          : vscode.window.activeTextEditor?.document;
    if (!doc || doc.languageId !== 'python') return tell('open a Python file with a PyTorch model');
    if (doc.uri.scheme !== 'file') return tell('Check with PyTorch needs a file saved on disk');
    const models = await modelsOf(doc);
    let expr = typeof exprArg === 'string' && exprArg.trim() ? exprArg.trim() : undefined;
    if (!expr) {
      const pick =
        models.length === 1
          ? models[0]
          : await vscode.window
              .showQuickPick(
                models.map((m) => ({
                  label: defaultExpression(m),
                  description: `line ${m.line}`,
                  m,
                })),
                { title: 'Check which model with PyTorch?' },
              )
              .then((p) => p?.m);
      if (!pick)
        return models.length === 0 ? tell('no PyTorch model found in this file') : undefined;
      expr = defaultExpression(pick);
    }
    const modelLine =
      models.find(
        (m) => expr.startsWith(`${m.name}(`) || m.instantiations.includes(expr) || m.expr === expr,
      )?.line ?? 1;
    if (doc.isDirty) await doc.save();
    diagnostics.delete(doc.uri);
    const python = await pythonFor(doc.uri, log);
    const timeoutS =
      vscode.workspace.getConfiguration('activationLens').get<number>('torch.timeoutSeconds') ??
      DEFAULT_TIMEOUT_MS / 1000;
    const text = doc.getText();

    return vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Checking ${expr} with PyTorch`,
        cancellable: true,
      },
      async (progress, token) => {
        const ac = new AbortController();
        const sub = token.onCancellationRequested(() => ac.abort());
        try {
          // Read first: the simulation's inferred input is the input PyTorch gets too.
          const seed = options.seed ?? 0;
          const dtype = options.dtype ?? 'float32';
          const reading = await readForTorch(text, expr, {
            ...(options.inputShape ? { inputShape: options.inputShape } : {}),
            seed,
            dtype,
          });
          progress.report({ message: `${python.path} (${python.source})` });
          const measuredP = runTorchCheck(
            {
              file: doc.uri.fsPath,
              model: expr,
              ...(reading.inputShape ? { inputShape: reading.inputShape } : {}),
              seed,
              dtype,
            },
            {
              python: python.path,
              timeoutMs: timeoutS * 1000,
              signal: ac.signal,
              cwd: vscode.Uri.joinPath(doc.uri, '..').fsPath,
            },
          );
          // If PyTorch fails first, the worker's run is not needed (and the rejection is read below).
          measuredP.catch(() => ac.abort());
          // The simulation runs in the worker while the interpreter starts and imports torch.
          const simulated: SimulatedSide = reading.graph
            ? await graphInWorker(
                workerPath,
                {
                  graph: reading.graph,
                  options: { seed, dtype },
                  config: { model: expr, file: doc.uri.toString(), seed, dtype },
                  title: expr,
                },
                { signal: ac.signal },
              ).then(
                (r) => ({ rows: r.rows ?? [] }),
                (e: unknown) => ({ declined: e instanceof Error ? e.message : String(e) }),
              )
            : { declined: reading.declined ?? 'not read' };
          const measured = await measuredP;
          const report = sideBySideReport(measured, simulated);
          log.info(sideBySideMarkdown(report));
          showDisagreements(doc, report);
          if (!silent) {
            const c = report.comparison;
            const msg = c
              ? `${expr}: PyTorch and the simulation agree at ${c.agree} of ${c.rows.length} modules${c.disagree > 0 ? `; ${c.disagree} differ` : ''}`
              : `${expr}: PyTorch's numbers (not simulated: ${report.simulationNote})`;
            void vscode.window
              .showInformationMessage(`Activation Lens: ${msg}`, 'Open Report')
              .then((choice) => {
                if (choice === 'Open Report') ReportPanel.show(context.extensionUri, log, [report]);
              });
          }
          return report;
        } catch (e) {
          if (e instanceof TorchCheckError) {
            log.warn(`Check with PyTorch: ${e.oneLine()}`);
            if (e.kind === 'raised' || e.kind === 'usage') showDiagnostic(e, doc, modelLine);
            if (e.kind !== 'cancelled' && !silent)
              void vscode.window.showErrorMessage(`Activation Lens: ${e.oneLine()}`);
            if (silent) throw new Error(`${e.kind}: ${e.oneLine()}`);
            return undefined;
          }
          log.error(
            `Check with PyTorch: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
          );
          if (!silent)
            void vscode.window.showErrorMessage(
              `Activation Lens: the PyTorch check failed (${e instanceof Error ? e.message : String(e)}); details in the Output panel`,
            );
          return undefined;
        } finally {
          sub.dispose();
        }
      },
    );
  }

  context.subscriptions.push(
    diagnostics,
    lensesChanged,
    vscode.languages.registerCodeLensProvider({ language: 'python' }, lenses),
    vscode.commands.registerCommand(TORCH_COMMAND, run),
    vscode.workspace.onDidGrantWorkspaceTrust(() => lensesChanged.fire()),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (diagnostics.has(e.document.uri)) diagnostics.delete(e.document.uri);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => found.delete(d.uri.toString())),
  );
}
