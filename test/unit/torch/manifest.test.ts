import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  capabilities: {
    untrustedWorkspaces: {
      supported: unknown;
      description?: string;
      restrictedConfigurations?: string[];
    };
  };
  contributes: {
    commands: { command: string; enablement?: string }[];
    configuration: { properties: Record<string, { default?: unknown }> };
  };
};

describe('Check with PyTorch in the extension manifest', () => {
  it('declares limited support in untrusted workspaces, with the interpreter setting restricted', () => {
    const u = pkg.capabilities.untrustedWorkspaces;
    expect(u.supported).toBe('limited');
    expect(u.description).toMatch(/Check with PyTorch/);
    expect(u.restrictedConfigurations).toContain('activationLens.python.path');
  });

  it('enables the command only in trusted workspaces and has its settings', () => {
    const cmd = pkg.contributes.commands.find((c) => c.command === 'activationLens.checkWithTorch');
    expect(cmd?.enablement).toBe('isWorkspaceTrusted');
    const props = pkg.contributes.configuration.properties;
    expect(props['activationLens.python.path']?.default).toBe('');
    expect(props['activationLens.torch.timeoutSeconds']?.default).toBe(60);
  });

  it('ships python/torch_check.py in the .vsix', () => {
    const ignore = readFileSync(join(ROOT, '.vscodeignore'), 'utf8').split('\n');
    expect(ignore).toContain('!python/torch_check.py');
  });
});
