import type * as vscode from 'vscode';

// Placeholder until the feature lands; replaced by the feature's own adapter.
export function registerHover(_context: vscode.ExtensionContext): void {}
