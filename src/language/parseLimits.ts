/** The thin adapter between activationLens.python.maxFileSizeKB and the shared Python parser. */
import * as vscode from 'vscode';
import { configureParseLimits, DEFAULT_PARSE_LIMITS } from './treeSitter';

const SETTING = 'activationLens.python.maxFileSizeKB';

function apply(): void {
  const kb = vscode.workspace.getConfiguration().get<number>(SETTING);
  const valid = typeof kb === 'number' && Number.isFinite(kb) && kb >= 1;
  configureParseLimits({
    maxChars: valid ? Math.min(kb, 65536) * 1024 : DEFAULT_PARSE_LIMITS.maxChars,
  });
}

export function registerParseLimits(context: vscode.ExtensionContext): void {
  apply();
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SETTING)) apply();
    }),
  );
}
