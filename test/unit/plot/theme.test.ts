import { describe, expect, it } from 'vitest';
import { readPalette, themeKind } from '../../../webview/shared/theme';

const body = (...cls: string[]) => ({ classList: { contains: (c: string) => cls.includes(c) } });

describe('webview theme palette', () => {
  it('tells the theme kind from VS Code body classes', () => {
    expect(themeKind(body('vscode-light'))).toBe('light');
    expect(themeKind(body('vscode-dark'))).toBe('dark');
    expect(themeKind(body('vscode-high-contrast'))).toBe('high-contrast');
    expect(themeKind(body('vscode-high-contrast', 'vscode-high-contrast-light'))).toBe(
      'high-contrast-light',
    );
  });

  it('reads --vscode-* variables, falling back per theme kind when unset', () => {
    const vars: Record<string, string> = {
      '--vscode-editor-background': ' #123456 ',
      '--vscode-charts-blue': '#0000ff',
    };
    const p = readPalette((n) => vars[n] ?? '', 'light');
    expect(p.background).toBe('#123456');
    expect(p.series[0]).toBe('#0000ff');
    expect(p.series[1]).toBe('#d18616');
    expect(p.foreground).toBe('#616161');
    expect(new Set(p.series).size).toBe(8);
  });

  it('uses the contrast border for the grid and thicker lines in high contrast', () => {
    const p = readPalette(
      (n) => (n === '--vscode-contrastBorder' ? '#6fc3df' : ''),
      'high-contrast',
    );
    expect(p.grid).toBe('#6fc3df');
    expect(p.lineWidth).toBeGreaterThan(readPalette(() => '', 'dark').lineWidth);
  });
});
