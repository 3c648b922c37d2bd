import type * as vscode from 'vscode';

// Placeholder until the feature lands; replaced by the feature's own adapter.
export function registerModelCheck(_context: vscode.ExtensionContext): void {}
