/**
 * vscode adapter for the gradient-flow check and the kernel self-check: quick picks (with Back,
 * remembering the last inputs), progress with cancellation (the worker is terminated), the report
 * panel, and the self-check as a read-only view after a one-line pass/fail notification.
 */
import * as vscode from 'vscode';
import { activations, getActivation } from '../kernel';
import {
  INIT_DESCRIPTIONS,
  INITS,
  suggestedInit,
  type GradientFlowReport,
  type InitName,
} from '../kernel/gradientFlow';
import type { SelfCheckResult } from '../kernel/selfCheck';
import { outputChannel } from '../output';
import { ReportPanel, REPORT_VIEW_TYPE } from './panel';
import {
  parseShape,
  readCheckDefaults,
  readLastPick,
  readThresholdSettings,
  selfCheckDocument,
  selfCheckLine,
  shapeText,
  type CheckDefaults,
} from './pick';
import { progressText } from './summary';
import { parseCommandArg, type CheckConfigArg } from './protocol';
import { checkInWorker, selfCheckInWorker, WorkerCancelled, WorkerInputError } from './runner';

const LAST_PICK_KEY = 'activationLens.gradientFlow.lastPick';
const BACK = Symbol('back');
type Picked<T> = T | typeof BACK | undefined;

/** One quick pick step; the Back button (steps after the first) resolves to BACK. */
function pickStep<T extends vscode.QuickPickItem>(
  items: readonly T[],
  o: { title: string; placeholder?: string; back: boolean; active?: (i: T) => boolean },
): Promise<Picked<T>> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<T>();
    qp.title = o.title;
    qp.placeholder = o.placeholder;
    qp.matchOnDescription = true;
    qp.items = items;
    const active = o.active ? items.find(o.active) : undefined;
    if (active) qp.activeItems = [active];
    if (o.back) qp.buttons = [vscode.QuickInputButtons.Back];
    let done = false;
    const finish = (v: Picked<T>): void => {
      if (done) return;
      done = true;
      resolve(v);
      qp.dispose();
    };
    qp.onDidTriggerButton(() => finish(BACK));
    qp.onDidAccept(() => finish(qp.selectedItems[0]));
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
}

function shapeStep(
  value: string,
  batch: number,
): Promise<Picked<{ depth: number; width: number }>> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = 'Gradient-flow check (3/4): depth × width';
    box.prompt = `layers × units per layer (batch ${batch}, seed 0, float64)`;
    box.value = value;
    box.buttons = [vscode.QuickInputButtons.Back];
    let done = false;
    const finish = (v: Picked<{ depth: number; width: number }>): void => {
      if (done) return;
      done = true;
      resolve(v);
      box.dispose();
    };
    box.onDidChangeValue((s) => {
      box.validationMessage = parseShape(s) ? undefined : 'like 32 × 256';
    });
    box.onDidTriggerButton(() => finish(BACK));
    box.onDidAccept(() => {
      const shape = parseShape(box.value);
      if (shape) finish(shape);
    });
    box.onDidHide(() => finish(undefined));
    box.show();
  });
}

/** The network around the activation: the gradflow2 comparisons (norm, residual, recurrent). */
const NETWORKS: readonly {
  readonly label: string;
  readonly detail: string;
  readonly config: Partial<CheckConfigArg>;
}[] = [
  { label: 'plain stack', detail: 'Linear → activation, repeated', config: {} },
  {
    label: '+ BatchNorm',
    detail: 'Linear → BatchNorm1d → activation (training statistics)',
    config: { norm: 'batch' },
  },
  { label: '+ LayerNorm', detail: 'Linear → LayerNorm → activation', config: { norm: 'layer' } },
  { label: 'residual', detail: 'h = act(Linear(h)) + h', config: { residual: true } },
  {
    label: 'residual + BatchNorm',
    detail: 'h = act(BN(Linear(h))) + h',
    config: { residual: true, norm: 'batch' },
  },
  {
    label: 'RNN over 64 steps',
    detail: 'nn.RNN with this activation (tanh or relu); only the last step is scored',
    config: { arch: 'rnn', steps: 64 },
  },
  {
    label: 'LSTM over 64 steps',
    detail: 'nn.LSTM; the gradient reaching each earlier step',
    config: { arch: 'lstm', steps: 64 },
  },
  {
    label: 'GRU over 64 steps',
    detail: 'nn.GRU; the gradient reaching each earlier step',
    config: { arch: 'gru', steps: 64 },
  },
];

function networkItems(activation: string): vscode.QuickPickItem[] {
  return NETWORKS.filter(
    (n) => n.config.arch !== 'rnn' || activation === 'tanh' || activation === 'relu',
  ).map((n) => ({ label: n.label, detail: n.detail }));
}

/** The four steps, with Back between them; starts from the last inputs. */
async function pickConfig(
  state: vscode.Memento,
  defaults: CheckDefaults,
): Promise<CheckConfigArg | undefined> {
  const first = ['sigmoid', 'tanh', 'relu', 'selu', 'gelu'];
  const ordered = [...activations].sort((a, b) => {
    const ia = first.indexOf(a.id);
    const ib = first.indexOf(b.id);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  });
  const last = readLastPick(state.get(LAST_PICK_KEY));
  let activation = last?.activation;
  let init: InitName | undefined = last?.init;
  let step = 0;
  for (;;) {
    if (step === 0) {
      const act = await pickStep(
        ordered.map((a) => ({
          label: a.id,
          description: a.id === last?.activation ? `${a.name} · last used` : a.name,
          detail: a.summary,
        })),
        {
          title: 'Gradient-flow check (1/4): activation',
          placeholder: 'activation of every layer',
          back: false,
          active: (i) => i.label === activation,
        },
      );
      if (act === undefined || act === BACK) return undefined;
      if (act.label !== activation) init = undefined;
      activation = act.label;
      step = 1;
    } else if (step === 1) {
      const suggested = suggestedInit(activation!);
      const inits = [suggested, ...INITS.filter((i) => i !== suggested)];
      const picked = await pickStep(
        inits.map((i) => ({
          label: i,
          description: [i === suggested ? 'suggested' : '', i === init ? 'last used' : '']
            .filter(Boolean)
            .join(' · '),
          detail: INIT_DESCRIPTIONS[i],
        })),
        {
          title: 'Gradient-flow check (2/4): weight initialisation',
          back: true,
          active: (i) => i.label === (init ?? suggested),
        },
      );
      if (picked === undefined) return undefined;
      if (picked === BACK) {
        step = 0;
        continue;
      }
      init = picked.label as InitName;
      step = 2;
    } else {
      const value = shapeText(last?.depth ?? defaults.depth, last?.width ?? defaults.width);
      const shape = await shapeStep(value, defaults.batch);
      if (shape === undefined) return undefined;
      if (shape === BACK) {
        step = 1;
        continue;
      }
      await state.update(LAST_PICK_KEY, { activation, init, ...shape });
      const net = await pickStep(networkItems(activation!), {
        title: 'Gradient-flow check (4/4): network',
        back: true,
        active: (i) => i.label === NETWORKS[0]!.label,
      });
      if (net === undefined) return undefined;
      if (net === BACK) continue;
      const choice = NETWORKS.find((n) => n.label === net.label)!.config;
      // Recurrent nets are PyTorch's modules with their own init; depth counts stacked layers.
      if (choice.arch !== undefined)
        return {
          activation: activation!,
          ...choice,
          depth: 1,
          width: shape.width,
          batch: defaults.batch,
        };
      return { activation: activation!, init: init!, ...shape, ...choice, batch: defaults.batch };
    }
  }
}

const SELF_CHECK_SCHEME = 'activation-lens-selfcheck';

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
              message: `${configs[p.run]!.activation}: ${progressText(p.step, p.total, undefined, 'node')}`,
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
  const log = outputChannel(context);
  const defaults = (): CheckDefaults =>
    readCheckDefaults((k) =>
      vscode.workspace.getConfiguration('activationLens.gradientFlow').get(k),
    );
  // The self-check's read-only view: a virtual Markdown document, never a dirty Untitled file.
  const selfCheckUri = vscode.Uri.from({
    scheme: SELF_CHECK_SCHEME,
    path: '/Kernel Self-Check.md',
  });
  let selfCheckText = '# Activation Lens: kernel self-check\n\nNot run yet.\n';
  const selfCheckChanged = new vscode.EventEmitter<vscode.Uri>();
  const workerPath = vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath;
  context.subscriptions.push(
    selfCheckChanged,
    vscode.workspace.registerTextDocumentContentProvider(SELF_CHECK_SCHEME, {
      onDidChange: selfCheckChanged.event,
      provideTextDocumentContent: () => selfCheckText,
    }),
    vscode.commands.registerCommand('activationLens.checkGradientFlow', async (arg?: unknown) => {
      let configs: CheckConfigArg[];
      let many = false;
      if (arg === undefined) {
        const c = await pickConfig(context.globalState, defaults());
        if (!c) return undefined;
        configs = [c];
      } else {
        try {
          ({ configs, many } = parseCommandArg(arg));
        } catch (e) {
          void vscode.window.showErrorMessage(`Activation Lens: ${(e as Error).message}`);
          return undefined;
        }
        // Sizes the caller left out come from the settings.
        const d = defaults();
        configs = configs.map((c) => ({ depth: d.depth, width: d.width, batch: d.batch, ...c }));
        const unknown = configs.find((c) => !getActivation(c.activation));
        if (unknown) {
          void vscode.window.showErrorMessage(
            `Activation Lens: unknown activation '${unknown.activation}'`,
          );
          return undefined;
        }
      }
      // Thresholds the caller left out come from the settings (a bad one: its default, said once).
      const limits = readThresholdSettings((k) =>
        vscode.workspace.getConfiguration('activationLens.gradientFlow').get(k),
      );
      for (const p of limits.problems)
        void vscode.window.showWarningMessage(`Activation Lens: ${p}`);
      configs = configs.map((c) => ({ ...limits.settings, ...c }));
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
          // The verdict first, in one line; the table in a read-only view.
          const line = selfCheckLine(result);
          log.info(line);
          void (result.pass
            ? vscode.window.showInformationMessage(line)
            : vscode.window.showErrorMessage(line));
          selfCheckText = selfCheckDocument(result);
          selfCheckChanged.fire(selfCheckUri);
          const doc = await vscode.workspace.openTextDocument(selfCheckUri);
          await vscode.commands
            .executeCommand('markdown.showPreview', doc.uri)
            .then(undefined, () => vscode.window.showTextDocument(doc, { preview: true }));
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
