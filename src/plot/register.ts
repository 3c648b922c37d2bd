import * as vscode from 'vscode';
import { activations } from '../kernel';
import { ActivationRecogniser, SUPPORTED_LANGUAGES } from '../language/recogniser';
import { outputChannel } from '../output';
import type { Recognition } from '../language/types';
import type { CurveRequest, CurveState, PlotState } from './protocol';
import { parsePlotArgs } from './args';
import { parseCustomDef } from './custom';
import { curveAtCursor } from './cursor';
import { PLOT_VIEW_TYPE, PlotPanel } from './panel';
import { activationPickItems, pickOrder } from './pick';

type Item = vscode.QuickPickItem & { id: string };

/**
 * The recogniser's answer (parameters as written, or the framework's defaults) as a curve; a
 * definition in the file that computes no built-in as its custom curve.
 */
function recognitionCurve(r: Recognition | undefined): CurveRequest | undefined {
  if (!r) return undefined;
  if (r.custom && !r.custom.match) {
    const def = parseCustomDef({
      name: r.custom.name,
      expr: r.custom.expr,
      params: r.custom.params,
    });
    return def.ok ? { custom: def.def } : undefined;
  }
  return { id: r.id, params: { ...r.params } };
}

function items(): Item[] {
  return activationPickItems(activations).map((i) => ({ ...i }));
}

/**
 * The one activation picker: multi-select, the plotted curves ticked, and the result in the
 * order the user ticked them (the chart's colours and legend follow it). Undefined when cancelled.
 */
function pickActivations(plotted: readonly CurveState[]): Promise<string[] | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<Item>();
    qp.title = 'Plot Activations';
    qp.placeholder = 'Tick one or more (e.g. nn.GELU, jax.nn.silu); they are plotted in this order';
    qp.canSelectMany = true;
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    const all = items();
    qp.items = all;
    let order = [...new Set(plotted.map((c) => c.id))];
    qp.selectedItems = all.filter((i) => order.includes(i.id));
    let done = false;
    qp.onDidChangeSelection((sel) => {
      order = pickOrder(
        order,
        sel.map((i) => i.id),
      );
    });
    qp.onDidAccept(() => {
      done = true;
      qp.hide();
      resolve(order.length ? order : undefined);
    });
    qp.onDidHide(() => {
      qp.dispose();
      if (!done) resolve(undefined);
    });
    qp.show();
  });
}

/**
 * The plot panel's commands and serializer. One panel at a time: "Plot Activation…" and "Plot
 * Activation at Cursor" add a curve to the open panel (revealing it), "Compare Activations…"
 * replaces its curves with the selection. Each command resolves to the panel's state once the
 * webview is ready (undefined when cancelled or refused).
 */
export function registerPlot(context: vscode.ExtensionContext): void {
  const log = outputChannel(context);
  let current: PlotPanel | undefined;
  const recogniser = new ActivationRecogniser((e) =>
    log.error(`plot: recogniser failed: ${String(e)}`),
  );

  const open = (): PlotPanel => {
    if (current) {
      current.reveal();
      return current;
    }
    const panel = PlotPanel.create(context.extensionUri, log, () => {
      if (current === panel) current = undefined;
    });
    current = panel;
    return panel;
  };

  const settle = async (panel: PlotPanel, _state: PlotState): Promise<PlotState> => {
    await panel.whenReady();
    return panel.current;
  };

  const refuse = (message: string): undefined => {
    void vscode.window.showErrorMessage(message);
    return undefined;
  };

  /** The picker's answer as the panel's new curves: tuned parameters of curves that stay are kept. */
  const pickAndShow = async (): Promise<PlotState | undefined> => {
    const plotted = current?.current.curves ?? [];
    const ids = await pickActivations(plotted);
    if (!ids) return undefined;
    // The picker lists the kernel only: custom curves from the hover stay as they are.
    const curves: CurveRequest[] = [
      ...ids.map((id) => plotted.find((c) => c.id === id) ?? { id }),
      ...plotted.filter((c) => c.custom),
    ];
    const panel = open();
    return settle(panel, panel.replace(curves));
  };

  /** "Plot Activations…": with arguments (the hover's link) adds them; without, the picker. */
  const plot = async (...args: unknown[]): Promise<PlotState | undefined> => {
    const parsed = parsePlotArgs(args);
    if (parsed.kind === 'invalid') return refuse(parsed.message);
    if (parsed.kind === 'none') return pickAndShow();
    const panel = open();
    return settle(panel, panel.add(parsed.curves));
  };

  /** The former "Compare Activations…" (kept for keybindings and scripts): replaces the curves. */
  const compare = async (...args: unknown[]): Promise<PlotState | undefined> => {
    const parsed = parsePlotArgs(args);
    if (parsed.kind === 'invalid') return refuse(parsed.message);
    if (parsed.kind === 'none') return pickAndShow();
    const panel = open();
    return settle(panel, panel.replace(parsed.curves));
  };

  const plotAtCursor = async (...args: unknown[]): Promise<PlotState | undefined> => {
    const parsed = parsePlotArgs(args);
    if (parsed.kind === 'invalid') return refuse(parsed.message);
    let curves = parsed.kind === 'curves' ? parsed.curves : undefined;
    if (!curves) {
      const editor = vscode.window.activeTextEditor;
      if (!editor) return refuse('Activation Lens: no active editor.');
      const doc = editor.document;
      const pos = editor.selection.active;
      const found = SUPPORTED_LANGUAGES.includes(
        doc.languageId as (typeof SUPPORTED_LANGUAGES)[number],
      )
        ? recognitionCurve(
            await recogniser.recognise(
              {
                key: doc.uri.toString(),
                version: doc.version,
                languageId: doc.languageId,
                getText: () => doc.getText(),
              },
              doc.offsetAt(pos),
            ),
          )
        : // Other files (notes, notebooks as text): a plain name match is better than nothing.
          curveAtCursor(doc.lineAt(pos.line).text, pos.character, activations);
      if (!found) {
        void vscode.window.showInformationMessage(
          'Activation Lens: no known activation at the cursor.',
        );
        return undefined;
      }
      curves = [found];
    }
    const panel = open();
    return settle(panel, panel.add(curves));
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('activationLens.plot', plot),
    vscode.commands.registerCommand('activationLens.compare', compare),
    vscode.commands.registerCommand('activationLens.plotAtCursor', plotAtCursor),
    vscode.window.registerWebviewPanelSerializer(PLOT_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, saved) => {
        current?.dispose();
        const revived = PlotPanel.revive(panel, saved, context.extensionUri, log, () => {
          if (current === revived) current = undefined;
        });
        current = revived;
      },
    }),
    { dispose: () => current?.dispose() },
  );
}
