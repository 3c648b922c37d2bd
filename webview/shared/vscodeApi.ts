/** The webview side of `acquireVsCodeApi`, typed. It may be acquired only once per page. */

export interface VsCodeApi<Out, S> {
  postMessage(message: Out): void;
  getState(): unknown;
  setState(state: S): void;
}

declare function acquireVsCodeApi(): {
  postMessage(m: unknown): void;
  getState(): unknown;
  setState(s: unknown): void;
};

let api: VsCodeApi<unknown, unknown> | undefined;

export function vscodeApi<Out, S>(): VsCodeApi<Out, S> {
  api ??= acquireVsCodeApi();
  return api as VsCodeApi<Out, S>;
}
