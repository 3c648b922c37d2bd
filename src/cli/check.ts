import type { Command } from 'commander';

// Placeholder until the gradient-flow work lands: registers `check` and `selfcheck`.
export function registerCheck(_program: Command, _print: (s: string) => void): void {}
