import * as vscode from 'vscode';
import { ActivationRecogniser, SUPPORTED_LANGUAGES } from '../language/recogniser';
import { outputChannel } from '../output';
import { buildHover, HOVER_COMMANDS } from './build';
import { hoverEnabledFor, readHoverConfig } from './config';
import type { ThemeKind } from './plotSvg';

const THEMES: Readonly<Record<number, ThemeKind>> = {
  [vscode.ColorThemeKind.Light]: 'light',
  [vscode.ColorThemeKind.Dark]: 'dark',
  [vscode.ColorThemeKind.HighContrast]: 'highContrast',
  [vscode.ColorThemeKind.HighContrastLight]: 'highContrastLight',
};

/**
 * The hover adapter: document → recogniser → pure markdown builder. Selected by language only (no
 * `scheme: 'file'`), so notebook cells and untitled files get hovers too. Never throws.
 */
export function registerHover(context: vscode.ExtensionContext): void {
  const log = outputChannel(context);
  const recogniser = new ActivationRecogniser((e) =>
    log.error(`hover: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
  );

  const provider: vscode.HoverProvider = {
    async provideHover(document, position, token) {
      try {
        const config = readHoverConfig((k) =>
          vscode.workspace.getConfiguration('activationLens.hover').get(k),
        );
        if (!hoverEnabledFor(config, document.languageId)) return undefined;
        const r = await recogniser.recognise(
          {
            key: document.uri.toString(),
            version: document.version,
            languageId: document.languageId,
            getText: () => document.getText(),
          },
          document.offsetAt(position),
        );
        if (!r || token.isCancellationRequested) return undefined;
        const theme = THEMES[vscode.window.activeColorTheme.kind] ?? 'dark';
        const markdown = buildHover(r, {
          theme,
          showPlot: config.showPlot,
          typeset: config.typesetFormulas,
          compact: config.compact,
        });
        if (!markdown) return undefined;
        const md = new vscode.MarkdownString(markdown);
        md.isTrusted = { enabledCommands: [...HOVER_COMMANDS] };
        // The compact layout puts the plot beside the text in a table; everything from the
        // document in the markdown is escaped or inside code spans.
        md.supportHtml = config.compact;
        return new vscode.Hover(
          md,
          new vscode.Range(document.positionAt(r.start), document.positionAt(r.end)),
        );
      } catch (e) {
        log.error(`hover: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        return undefined;
      }
    },
  };

  context.subscriptions.push(
    vscode.languages.registerHoverProvider(
      SUPPORTED_LANGUAGES.map((language) => ({ language })),
      provider,
    ),
    vscode.workspace.onDidCloseTextDocument((d) => recogniser.forget(d.uri.toString())),
  );
}
