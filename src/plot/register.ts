import * as vscode from 'vscode';
import { activations } from '../kernel';
import { ActivationRecogniser, SUPPORTED_LANGUAGES } from '../language/recogniser';
import { outputChannel } from '../output';
import type { Recognition } from '../language/types';
import type { CurveRequest, PlotState } from '../protocol';
import { parsePlotArgs } from './args';
import { curveAtCursor } from './cursor';
import { PLOT_VIEW_TYPE, PlotPanel } from './panel';
import { activationPickItems } from './pick';

type Item = vscode.QuickPickItem & { id: string };

/** The recogniser's answer (parameters as written, or the framework's defaults) as a curve. */
function recognitionCurve(r: Recognition | undefined): CurveRequest | undefined {
  return r ? { id: r.id, params: { ...r.params } } : undefined;
}

function items(): Item[] {
  return activationPickItems(activations).map((i) => ({ ...i }));
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

  const plot = async (...args: unknown[]): Promise<PlotState | undefined> => {
    const parsed = parsePlotArgs(args);
    if (parsed.kind === 'invalid') return refuse(parsed.message);
    let curves = parsed.kind === 'curves' ? parsed.curves : undefined;
    if (!curves) {
      const pick = await vscode.window.showQuickPick(items(), {
        title: 'Plot Activation',
        placeHolder: 'Activation or framework spelling (e.g. nn.GELU, jax.nn.silu)',
        matchOnDescription: true,
        matchOnDetail: true,
      });
      if (!pick) return undefined;
      curves = [{ id: pick.id }];
    }
    const panel = open();
    return settle(panel, panel.add(curves));
  };

  const compare = async (...args: unknown[]): Promise<PlotState | undefined> => {
    const parsed = parsePlotArgs(args);
    if (parsed.kind === 'invalid') return refuse(parsed.message);
    let curves = parsed.kind === 'curves' ? parsed.curves : undefined;
    if (!curves) {
      const shown = new Set(current?.current.curves.map((c) => c.id) ?? []);
      const all = items().map((i) => ({ ...i, picked: shown.has(i.id) }));
      const picks = await vscode.window.showQuickPick(all, {
        title: 'Compare Activations',
        placeHolder: 'Select the activations to overlay',
        canPickMany: true,
        matchOnDescription: true,
        matchOnDetail: true,
      });
      if (!picks || picks.length === 0) return undefined;
      // Keep the tuned parameters of curves that stay.
      curves = picks.map((p) => current?.current.curves.find((c) => c.id === p.id) ?? { id: p.id });
    }
    const panel = open();
    return settle(panel, panel.replace(curves));
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
