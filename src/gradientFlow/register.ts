/**
 * vscode adapter for the gradient-flow check and the kernel self-check: quick picks, progress with
 * cancellation (the worker is terminated), the report panel, the self-check table.
 */
import * as vscode from 'vscode';
import { activations, getActivation } from '../kernel';
import {
  INIT_DESCRIPTIONS,
  INITS,
  suggestedInit,
  type GradientFlowReport,
} from '../kernel/gradientFlow';
import { selfCheckTable, type SelfCheckResult } from '../kernel/selfCheck';
import { ReportPanel, REPORT_VIEW_TYPE } from './panel';
import { parseCommandArg, type CheckConfigArg } from './protocol';
import { checkInWorker, selfCheckInWorker, WorkerCancelled, WorkerInputError } from './runner';

async function pickConfig(): Promise<CheckConfigArg | undefined> {
  const first = ['sigmoid', 'tanh', 'relu', 'selu', 'gelu'];
  const ordered = [...activations].sort((a, b) => {
    const ia = first.indexOf(a.id);
    const ib = first.indexOf(b.id);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  });
  const act = await vscode.window.showQuickPick(
    ordered.map((a) => ({ label: a.id, description: a.name, detail: a.summary })),
    {
      title: 'Gradient-flow check (1/3): activation',
      placeHolder: 'activation of every layer',
      matchOnDescription: true,
    },
  );
  if (!act) return undefined;
  const suggested = suggestedInit(act.label);
  const inits = [suggested, ...INITS.filter((i) => i !== suggested)];
  const init = await vscode.window.showQuickPick(
    inits.map((i) => ({
      label: i,
      description: i === suggested ? 'suggested' : '',
      detail: INIT_DESCRIPTIONS[i],
    })),
    { title: 'Gradient-flow check (2/3): weight initialisation' },
  );
  if (!init) return undefined;
  const shape = await vscode.window.showInputBox({
    title: 'Gradient-flow check (3/3): depth × width',
    value: '32 × 256',
    prompt: 'layers × units per layer (batch 256, seed 0, float64)',
    validateInput: (s) =>
      /^\s*[1-9]\d*\s*[x×*]\s*[1-9]\d*\s*$/.test(s) ? undefined : 'like 32 × 256',
  });
  if (shape === undefined) return undefined;
  const [depth, width] = shape.split(/[x×*]/).map((t) => Number(t.trim())) as [number, number];
  return { activation: act.label, init: init.label as CheckConfigArg['init'], depth, width };
}

async function run(
  workerPath: string,
  configs: CheckConfigArg[],
): Promise<GradientFlowReport[] | undefined> {
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: 'Gradient-flow check',
      cancellable: true,
    },
    async (progress, token) => {
      const ac = new AbortController();
      const sub = token.onCancellationRequested(() => ac.abort());
      let last = 0;
      try {
        return await checkInWorker(workerPath, configs, {
          signal: ac.signal,
          onProgress: (p) => {
            const done = (100 * (p.run + p.step / p.total)) / p.runs;
            progress.report({
              increment: done - last,
              message: `${configs[p.run]!.activation}: ${p.step <= p.total / 2 ? 'forward' : 'backward'} ${p.step}/${p.total}`,
            });
            last = done;
          },
        });
      } catch (e) {
        if (e instanceof WorkerCancelled) return undefined;
        throw e;
      } finally {
        sub.dispose();
      }
    },
  );
}

export function registerGradientFlow(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Activation Lens: Gradient Flow', { log: true });
  const workerPath = vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath;
  context.subscriptions.push(
    log,
    vscode.commands.registerCommand('activationLens.checkGradientFlow', async (arg?: unknown) => {
      let configs: CheckConfigArg[];
      let many = false;
      if (arg === undefined) {
        const c = await pickConfig();
        if (!c) return undefined;
        configs = [c];
      } else {
        try {
          ({ configs, many } = parseCommandArg(arg));
        } catch (e) {
          void vscode.window.showErrorMessage(`Activation Lens: ${(e as Error).message}`);
          return undefined;
        }
        const unknown = configs.find((c) => !getActivation(c.activation));
        if (unknown) {
          void vscode.window.showErrorMessage(
            `Activation Lens: unknown activation '${unknown.activation}'`,
          );
          return undefined;
        }
      }
      const t0 = Date.now();
      let reports: GradientFlowReport[] | undefined;
      try {
        reports = await run(workerPath, configs);
      } catch (e) {
        if (e instanceof WorkerInputError) {
          log.warn(`gradient-flow check refused: ${e.message}`);
          void vscode.window.showErrorMessage(`Activation Lens: ${e.message}`);
        } else {
          log.error(
            `gradient-flow check failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
          );
          void vscode.window.showErrorMessage(
            `Activation Lens: the gradient-flow check failed: ${(e as Error).message}`,
          );
        }
        return undefined;
      }
      if (!reports) {
        log.info(`gradient-flow check cancelled after ${Date.now() - t0} ms`);
        return undefined;
      }
      log.info(
        `gradient-flow check: ${reports.map((r) => `${r.title} → ${r.verdict}`).join('; ')} (${Date.now() - t0} ms)`,
      );
      // The report is the command's result even if the panel cannot be shown.
      try {
        ReportPanel.show(context.extensionUri, log, reports);
      } catch (e) {
        log.warn(`gradient-flow report panel: ${e instanceof Error ? e.message : String(e)}`);
      }
      return many ? reports : reports[0];
    }),
    vscode.commands.registerCommand(
      'activationLens.selfCheck',
      async (): Promise<SelfCheckResult | undefined> => {
        try {
          const result = await vscode.window.withProgress(
            {
              location: vscode.ProgressLocation.Notification,
              title: 'Self-checking kernels',
              cancellable: true,
            },
            async (_p, token) => {
              const ac = new AbortController();
              const sub = token.onCancellationRequested(() => ac.abort());
              try {
                return await selfCheckInWorker(workerPath, ac.signal);
              } finally {
                sub.dispose();
              }
            },
          );
          const content = `# Activation Lens: kernel self-check\n\nf′ and f″ against five-point numeric derivatives of f and f′ on [−8, 8] (away from kinks), and the cost of one evaluation relative to ReLU on this machine.\n\n${selfCheckTable(result, true)}\n`;
          const doc = await vscode.workspace.openTextDocument({ content, language: 'markdown' });
          await vscode.commands
            .executeCommand('markdown.showPreview', doc.uri)
            .then(undefined, () => vscode.window.showTextDocument(doc));
          return result;
        } catch (e) {
          if (e instanceof WorkerCancelled) return undefined;
          void vscode.window.showErrorMessage(
            `Activation Lens: self-check failed: ${(e as Error).message}`,
          );
          return undefined;
        }
      },
    ),
    vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, {
      deserializeWebviewPanel: (panel) => {
        ReportPanel.revive(panel, context.extensionUri, log);
        return Promise.resolve();
      },
    }),
  );
}
