import type * as vscode from 'vscode';
import { registerGradientFlow } from './gradientFlow/register';
import { registerHover } from './hover/register';
import { registerParseLimits } from './language/parseLimits';
import { registerModelCheck } from './model/register';
import { registerPlot } from './plot/register';
import { registerTorchCheck } from './torch/register';
import { registerWalkthrough } from './walkthrough';

/** Each feature registers itself and owns its disposables through `context.subscriptions`. */
export function activate(context: vscode.ExtensionContext): void {
  registerParseLimits(context);
  registerHover(context);
  registerPlot(context);
  registerGradientFlow(context);
  registerModelCheck(context);
  registerTorchCheck(context);
  registerWalkthrough(context);
}

export function deactivate(): void {}
