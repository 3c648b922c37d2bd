/**
 * The report panel's host side (vscode adapter): one webview panel where runs stack (a new one is
 * added beside the earlier ones, up to MAX_VIEW_RUNS, and scrolled to); exports (JSON, Markdown,
 * PNG of the charts) through the save dialog; a table line click reveals the layer in its file;
 * "Re-run with the suggestion" runs the advice as a new run. HTML and messages are pure (html.ts,
 * view.ts).
 */
import * as vscode from 'vscode';
import {
  reportToJson,
  reportToMarkdown,
  stringifyJson,
  type GradientFlowReport,
} from '../kernel/gradientFlow';
import { newNonce } from '../webviewHtml';
import { reportHtml } from './html';
import { suggestionFor, type Suggestion } from './suggest';
import {
  fixLineOf,
  MAX_VIEW_RUNS,
  parseFromWebview,
  toViewReport,
  type ReportIn,
  type ToWebview,
} from './view';

export const REPORT_VIEW_TYPE = 'activationLens.gradientFlow';
const CHECK_COMMAND = 'activationLens.checkGradientFlow';

interface Run {
  readonly id: string;
  readonly report: GradientFlowReport;
  readonly suggestion: Suggestion | undefined;
  readonly source: string | undefined;
  readonly fixLine: number | undefined;
}

export class ReportPanel implements vscode.Disposable {
  private static current: ReportPanel | undefined;
  private static nextId = 1;
  private runs: Run[] = [];
  private focus: string | undefined;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const root = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    panel.webview.options = { enableScripts: true, localResourceRoots: [root] };
    const nonce = newNonce();
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
      // Hidden, the webview is discarded (no retainContextWhenHidden): hold messages until it
      // says 'ready' again, so a run added meanwhile is still scrolled to.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Adds `reports` to the panel (created or revealed) and scrolls to the first of them. */
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
    p.add(reports);
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

  private add(reports: readonly GradientFlowReport[]): void {
    const added = reports.map((report): Run => {
      // The model checks name their document: by URI (src/model/register.ts), or by path (the
      // PyTorch check's report, src/torch/report.ts); a drive letter is a path, not a scheme.
      const from = report.config['file'];
      return {
        id: `run-${ReportPanel.nextId++}`,
        report,
        suggestion: suggestionFor(report),
        source:
          typeof from !== 'string'
            ? undefined
            : /^[a-z][a-z0-9+.-]+:/i.test(from)
              ? from
              : vscode.Uri.file(from).toString(),
        fixLine: fixLineOf(report as ReportIn),
      };
    });
    this.runs = [...this.runs, ...added].slice(-MAX_VIEW_RUNS);
    this.focus = added[0]?.id;
    this.retitle();
    this.post();
  }

  private retitle(): void {
    const n = this.runs.length;
    this.panel.title =
      n === 1
        ? `Gradient Flow: ${this.runs[0]!.report.title.split(' · ')[0]}`
        : `Gradient Flow: ${n} runs`;
  }

  private post(): void {
    if (!this.ready) return; // 'ready' triggers the post
    const m: ToWebview = {
      type: 'reports',
      reports: this.runs.map((r) =>
        toViewReport(r.report as ReportIn, {
          id: r.id,
          ...(r.source !== undefined ? { source: r.source } : {}),
          ...(r.suggestion ? { suggestion: r.suggestion.label } : {}),
          ...(r.fixLine !== undefined && r.source !== undefined ? { fixLine: r.fixLine } : {}),
        }),
      ),
      ...(this.focus !== undefined ? { focus: this.focus } : {}),
    };
    this.focus = undefined;
    void this.panel.webview.postMessage(m);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = parseFromWebview(raw);
    if (!m) {
      this.log.warn('gradient-flow panel: dropped a malformed message');
      return;
    }
    if (m.type !== 'ready' && m.type !== 'exportPng' && this.runs.length === 0) {
      // A panel restored after a reload draws its saved runs, but the host no longer has them.
      void vscode.window.showInformationMessage(
        'Activation Lens: this report was restored from an earlier session; run the check again to export or re-run it.',
      );
      return;
    }
    switch (m.type) {
      case 'ready':
        this.ready = true;
        if (this.runs.length) this.post();
        return;
      case 'export':
        await this.export(m.format);
        return;
      case 'exportPng':
        await this.exportPng(m.dataUrl);
        return;
      case 'reveal': {
        const run = this.runs.find((r) => r.id === m.id);
        if (run?.source) await reveal(vscode.Uri.parse(run.source), m.line);
        return;
      }
      case 'rerun': {
        const run = this.runs.find((r) => r.id === m.id);
        if (run?.suggestion)
          await vscode.commands.executeCommand(CHECK_COMMAND, run.suggestion.config);
        return;
      }
      case 'fixes': {
        const run = this.runs.find((r) => r.id === m.id);
        if (!run?.source || run.fixLine === undefined) return;
        await reveal(vscode.Uri.parse(run.source), run.fixLine);
        await vscode.commands.executeCommand('editor.action.quickFix');
        return;
      }
      case 'remove':
        this.runs = this.runs.filter((r) => r.id !== m.id);
        this.retitle();
        this.post();
        return;
    }
  }

  private baseName(): string {
    const base =
      this.runs.length === 1
        ? this.runs[0]!.report.title.split(' · ').slice(0, 2).join('-')
        : 'gradient-flow';
    return base.replace(/[^A-Za-z0-9_.-]+/g, '_');
  }

  private async save(
    ext: string,
    filters: Record<string, string[]>,
    bytes: Uint8Array,
  ): Promise<vscode.Uri | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `${this.baseName()}.${ext}`;
    const uri = await vscode.window.showSaveDialog({
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
      filters,
      saveLabel: 'Export report',
    });
    if (!uri) return undefined;
    try {
      await vscode.workspace.fs.writeFile(uri, bytes);
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

  async export(format: 'json' | 'markdown'): Promise<vscode.Uri | undefined> {
    if (this.runs.length === 0) return undefined;
    const reports = this.runs.map((r) => r.report);
    const text =
      format === 'json'
        ? stringifyJson(
            reports.length === 1 ? reportToJson(reports[0]!) : reports.map(reportToJson),
          )
        : reports.map(reportToMarkdown).join('\n');
    return this.save(
      format === 'json' ? 'json' : 'md',
      format === 'json' ? { JSON: ['json'] } : { Markdown: ['md'] },
      new TextEncoder().encode(text),
    );
  }

  private async exportPng(dataUrl: string): Promise<vscode.Uri | undefined> {
    const m = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(dataUrl);
    if (!m) {
      this.log.warn('gradient-flow panel: the PNG export was not a PNG data URL');
      return undefined;
    }
    return this.save('png', { PNG: ['png'] }, Buffer.from(m[1]!, 'base64'));
  }

  dispose(): void {
    if (ReportPanel.current === this) ReportPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

async function reveal(uri: vscode.Uri, line: number): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const l = doc.lineAt(Math.min(Math.max(line - 1, 0), doc.lineCount - 1));
  const editor = await vscode.window.showTextDocument(doc, {
    viewColumn: vscode.ViewColumn.One,
    preserveFocus: false,
  });
  editor.selection = new vscode.Selection(l.range.start, l.range.start);
  editor.revealRange(l.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
