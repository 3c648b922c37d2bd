/**
 * The plot panel's host side (vscode adapter): one webview panel, its state mirror, messages and
 * the save dialog for exports. Everything it decides is in the pure modules (state, protocol).
 */
import * as vscode from 'vscode';
import { getActivation } from '../kernel';
import {
  parseFromWebview,
  parsePlotState,
  type CurveRequest,
  type PlotState,
  type ToWebviewMessage,
} from './protocol';
import { newNonce } from '../webviewHtml';
import { plotHtml } from './html';
import { initialState, normalizeState, reduce, type PlotAction } from './state';
import { withCustom } from './custom';

/** Kernel ids, and custom curves by their definition. */
const lookup = withCustom(getActivation);

export const PLOT_VIEW_TYPE = 'activationLens.plot';

export class PlotPanel implements vscode.Disposable {
  private state: PlotState;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly readyWaiters: Array<(ok: boolean) => void> = [];
  private disposed = false;

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    state: PlotState,
    private readonly onDispose: () => void,
  ) {
    this.state = state;
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [PlotPanel.root(extensionUri)] };
    // After the command that opened the panel has applied its curves (it does so synchronously
    // after create()), so the page carries them and paints before its 'ready' round trip.
    queueMicrotask(() => {
      if (!this.disposed) webview.html = this.html();
    });
    this.disposables.push(
      webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
    this.updateTitle();
  }

  static root(extensionUri: vscode.Uri): vscode.Uri {
    return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  }

  static create(
    extensionUri: vscode.Uri,
    log: vscode.LogOutputChannel,
    onDispose: () => void,
  ): PlotPanel {
    const panel = vscode.window.createWebviewPanel(
      PLOT_VIEW_TYPE,
      'Activation Plot',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
      { enableScripts: true, localResourceRoots: [PlotPanel.root(extensionUri)] },
    );
    return new PlotPanel(panel, extensionUri, log, initialState(), onDispose);
  }

  /** A panel VS Code restored after a reload; `saved` is whatever the webview last `setState`d. */
  static revive(
    panel: vscode.WebviewPanel,
    saved: unknown,
    extensionUri: vscode.Uri,
    log: vscode.LogOutputChannel,
    onDispose: () => void,
  ): PlotPanel {
    const parsed = parsePlotState(saved);
    if (saved !== undefined && !parsed)
      log.warn('plot: restored state was not understood; starting empty');
    const state = parsed ? normalizeState(parsed, lookup).state : initialState();
    return new PlotPanel(panel, extensionUri, log, state, onDispose);
  }

  get current(): PlotState {
    return this.state;
  }

  /** Applies a command's change, sends the new state, and reports notes to the user. */
  apply(action: PlotAction): PlotState {
    const r = reduce(this.state, action, lookup);
    this.state = r.state;
    for (const note of r.notes)
      this.post({ type: 'notice', notice: { level: 'warning', message: note } });
    if (r.notes.length)
      void vscode.window.showWarningMessage(`Activation Lens: ${r.notes.join(' ')}`);
    this.post({ type: 'setState', state: this.state });
    this.updateTitle();
    return this.state;
  }

  add(curves: readonly CurveRequest[]): PlotState {
    return this.apply({ type: 'add', curves });
  }

  replace(curves: readonly CurveRequest[]): PlotState {
    return this.apply({ type: 'replace', curves });
  }

  reveal(): void {
    this.panel.reveal(this.panel.viewColumn, false);
  }

  /** Resolves once the webview has loaded its script and asked for its state (or after `ms`). */
  whenReady(ms = 10_000): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), ms);
      this.readyWaiters.push((ok) => {
        clearTimeout(t);
        resolve(ok);
      });
    });
  }

  private post(m: ToWebviewMessage): void {
    if (this.disposed) return;
    // Before 'ready' the webview would miss it; 'ready' sends the full state anyway.
    if (this.ready) void this.panel.webview.postMessage(m);
  }

  private updateTitle(): void {
    const names = this.state.curves.map((c) => lookup(c.id, c.custom)?.name ?? c.id);
    this.panel.title =
      names.length === 0
        ? 'Activation Plot'
        : names.length <= 3
          ? `Plot: ${names.join(', ')}`
          : `Plot: ${names.length} activations`;
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = parseFromWebview(raw, (w) => this.log.warn(w));
    if (!m) return;
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.post({ type: 'setState', state: this.state });
        this.readyWaiters.splice(0).forEach((w) => w(true));
        return;
      case 'pickActivations':
        await vscode.commands.executeCommand('activationLens.plot');
        return;
      case 'stateChanged': {
        // The webview already validated its edits with the same reducer; re-check against this kernel.
        this.state = normalizeState(m.state, lookup).state;
        this.updateTitle();
        return;
      }
      case 'log':
        this.log[m.level](`plot webview: ${m.message}`);
        return;
      case 'exportPng': {
        const base64 = m.dataUrl.slice(m.dataUrl.indexOf(',') + 1);
        await this.save('png', m.fileName, Buffer.from(base64, 'base64'));
        return;
      }
      case 'exportCsv':
        await this.save('csv', m.fileName, Buffer.from(m.csv, 'utf8'));
        return;
    }
  }

  private async save(kind: 'png' | 'csv', fileName: string, bytes: Uint8Array): Promise<void> {
    try {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const target = await vscode.window.showSaveDialog({
        title: kind === 'png' ? 'Export plot as PNG' : 'Export curves as CSV',
        saveLabel: 'Export',
        filters: kind === 'png' ? { 'PNG image': ['png'] } : { CSV: ['csv'] },
        ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, fileName) } : {}),
      });
      if (!target) {
        this.post({ type: 'exportResult', kind, ok: false, message: 'Export cancelled.' });
        return;
      }
      await vscode.workspace.fs.writeFile(target, bytes);
      this.post({
        type: 'exportResult',
        kind,
        ok: true,
        message: `Saved ${vscode.workspace.asRelativePath(target)}.`,
      });
    } catch (e) {
      const message = `Export failed: ${e instanceof Error ? e.message : String(e)}`;
      this.log.error(`plot: ${message}`);
      this.post({ type: 'exportResult', kind, ok: false, message });
    }
  }

  private html(): string {
    const webview = this.panel.webview;
    const root = PlotPanel.root(this.extensionUri);
    const uri = (...p: string[]): string =>
      webview.asWebviewUri(vscode.Uri.joinPath(root, ...p)).toString();
    return plotHtml({
      cspSource: webview.cspSource,
      nonce: newNonce(),
      scriptUri: uri('plot.js'),
      styleUri: uri('plot.css'),
      katexStyleUri: uri('katex', 'katex.min.css'),
      texScriptUri: uri('plotTex.js'),
      initialState: this.state,
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.readyWaiters.splice(0).forEach((w) => w(false));
    this.onDispose();
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
