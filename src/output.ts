import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

/**
 * The extension's one Output channel ("Activation Lens"): every feature logs here, so a user looks
 * in one place. Created on first use; the first caller's context disposes it.
 */
export function outputChannel(context: vscode.ExtensionContext): vscode.LogOutputChannel {
  if (!channel) {
    const c = vscode.window.createOutputChannel('Activation Lens', { log: true });
    channel = c;
    context.subscriptions.push(c, {
      dispose: () => (channel = channel === c ? undefined : channel),
    });
  }
  return channel;
}
