import * as vscode from 'vscode';

/** The commands behind the "Get started" walkthrough's buttons (package.json `walkthroughs`). */
export const WALKTHROUGH_COMMANDS = {
  openSample: 'activationLens.walkthrough.openSample',
  hoverSample: 'activationLens.walkthrough.hoverSample',
  plotSample: 'activationLens.walkthrough.plotSample',
  checkSample: 'activationLens.walkthrough.checkSample',
} as const;

/** The sample's activations, in the order they appear in it. */
const SAMPLE_CURVES = [
  { id: 'sigmoid' },
  { id: 'gelu_tanh' },
  { id: 'leaky_relu', params: { negative_slope: 0.2 } },
];

/**
 * The walkthrough works on a shipped sample opened as an untitled Python document, so it writes
 * nothing into the user's workspace. The buttons find that document again (the walkthrough page
 * has the focus when they are clicked, so there is no active text editor to go by).
 */
export function registerWalkthrough(context: vscode.ExtensionContext): void {
  let sample: vscode.TextDocument | undefined;

  const openSample = async (): Promise<vscode.TextEditor> => {
    if (!sample || sample.isClosed) {
      const uri = vscode.Uri.joinPath(context.extensionUri, 'media', 'walkthrough', 'sample.py');
      const content = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      sample = await vscode.workspace.openTextDocument({ language: 'python', content });
    }
    return vscode.window.showTextDocument(sample, { viewColumn: vscode.ViewColumn.Beside });
  };

  const hoverSample = async (): Promise<void> => {
    const editor = await openSample();
    const text = editor.document.getText();
    const at = text.indexOf('LeakyReLU(0.2)');
    if (at < 0) return;
    const pos = editor.document.positionAt(at + 1);
    editor.selection = new vscode.Selection(pos, pos);
    editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenter);
    // The first hover in a session waits for the Python parser to load; showHover shows nothing if
    // the providers have not answered yet, so ask them first and show the hover once they have.
    await vscode.commands.executeCommand('vscode.executeHoverProvider', editor.document.uri, pos);
    await vscode.window.showTextDocument(editor.document, editor.viewColumn);
    await vscode.commands.executeCommand('editor.action.showHover');
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(WALKTHROUGH_COMMANDS.openSample, async () => {
      const editor = await openSample();
      return editor.document.uri.toString();
    }),
    vscode.commands.registerCommand(WALKTHROUGH_COMMANDS.hoverSample, hoverSample),
    vscode.commands.registerCommand(WALKTHROUGH_COMMANDS.plotSample, () =>
      vscode.commands.executeCommand('activationLens.plot', SAMPLE_CURVES),
    ),
    vscode.commands.registerCommand(WALKTHROUGH_COMMANDS.checkSample, async () => {
      const editor = await openSample();
      return vscode.commands.executeCommand(
        'activationLens.checkModel',
        editor.document.uri,
        'deep',
      );
    }),
  );
}
