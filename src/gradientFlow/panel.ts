/**
 * The report panel's host side (vscode adapter): one webview panel showing the latest run(s),
 * exports through the save dialog. The HTML and the message schemas are pure (html.ts, protocol.ts).
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import {
  reportToJson,
  reportToMarkdown,
  stringifyJson,
  type GradientFlowReport,
} from '../kernel/gradientFlow';
import { reportHtml } from './html';
import { parseFromWebview, toViewReport, type ToWebview } from './protocol';

export const REPORT_VIEW_TYPE = 'activationLens.gradientFlow';

export class ReportPanel implements vscode.Disposable {
  private static current: ReportPanel | undefined;
  private reports: readonly GradientFlowReport[] = [];
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const root = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    panel.webview.options = { enableScripts: true, localResourceRoots: [root] };
    const nonce = randomBytes(16).toString('base64url');
    panel.webview.html = reportHtml({
      cspSource: panel.webview.cspSource,
      nonce,
      scriptUri: panel.webview
        .asWebviewUri(vscode.Uri.joinPath(root, 'gradientFlow.js'))
        .toString(),
      styleUri: panel.webview
        .asWebviewUri(vscode.Uri.joinPath(root, 'gradientFlow.css'))
        .toString(),
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Shows `reports` in the panel (created or revealed). */
  static show(
    extensionUri: vscode.Uri,
    log: vscode.LogOutputChannel,
    reports: readonly GradientFlowReport[],
  ): ReportPanel {
    let p = ReportPanel.current;
    if (!p) {
      const panel = vscode.window.createWebviewPanel(
        REPORT_VIEW_TYPE,
        'Gradient-Flow Check',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, retainContextWhenHidden: false },
      );
      p = ReportPanel.current = new ReportPanel(panel, extensionUri, log);
    } else {
      p.panel.reveal(undefined, true);
    }
    p.setReports(reports);
    return p;
  }

  /** A panel VS Code restored after a reload: the webview redraws from its saved state. */
  static revive(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    log: vscode.LogOutputChannel,
  ): void {
    ReportPanel.current?.dispose();
    ReportPanel.current = new ReportPanel(panel, extensionUri, log);
  }

  private setReports(reports: readonly GradientFlowReport[]): void {
    this.reports = reports;
    this.panel.title =
      reports.length === 1
        ? `Gradient Flow: ${reports[0]!.title.split(' · ')[0]}`
        : `Gradient Flow: ${reports.length} runs`;
    this.post();
  }

  private post(): void {
    if (!this.ready) return; // 'ready' triggers the post
    const m: ToWebview = { type: 'reports', reports: this.reports.map(toViewReport) };
    void this.panel.webview.postMessage(m);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = parseFromWebview(raw);
    if (!m) {
      this.log.warn('gradient-flow panel: dropped a malformed message');
      return;
    }
    if (m.type === 'ready') {
      this.ready = true;
      if (this.reports.length) this.post();
      return;
    }
    await this.export(m.format);
  }

  async export(format: 'json' | 'markdown'): Promise<vscode.Uri | undefined> {
    if (this.reports.length === 0) return undefined;
    const base =
      this.reports.length === 1
        ? this.reports[0]!.title.split(' · ').slice(0, 2).join('-')
        : 'gradient-flow';
    const ext = format === 'json' ? 'json' : 'md';
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `${base.replace(/[^A-Za-z0-9_.-]+/g, '_')}.${ext}`;
    const uri = await vscode.window.showSaveDialog({
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
      filters: format === 'json' ? { JSON: ['json'] } : { Markdown: ['md'] },
      saveLabel: 'Export report',
    });
    if (!uri) return undefined;
    const text =
      format === 'json'
        ? stringifyJson(
            this.reports.length === 1
              ? reportToJson(this.reports[0]!)
              : this.reports.map(reportToJson),
          )
        : this.reports.map(reportToMarkdown).join('\n');
    try {
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
      void vscode.window.showInformationMessage(
        `Activation Lens: report saved to ${vscode.workspace.asRelativePath(uri)}`,
      );
      return uri;
    } catch (e) {
      void vscode.window.showErrorMessage(
        `Activation Lens: could not save the report: ${e instanceof Error ? e.message : String(e)}`,
      );
      return undefined;
    }
  }

  dispose(): void {
    if (ReportPanel.current === this) ReportPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
