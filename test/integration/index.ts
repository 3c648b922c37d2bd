// The extensionTests module: VS Code's extension host calls `run()` with the extension under
// development loaded, under code-server (scripts/code-server.mjs) and under @vscode/test-electron
// (scripts/test-electron.mjs) alike. It loads every bundled *.test.js next to it into one mocha
// BDD run.
import { appendFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';

/** One line of the results stream the code-server runner tails (the browser shows only the workbench). */
export type ResultRecord =
  | { type: 'suite'; title: string }
  | { type: 'pass'; title: string; duration: number | undefined }
  | { type: 'fail'; title: string; error: string }
  | { type: 'info'; message: string }
  | { type: 'end'; passed: number; failed: number };

function findTestFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTestFiles(p));
    else if (/\.test\.c?js$/.test(entry.name)) found.push(p);
  }
  return found.sort();
}

/** Writes each record to the results file (when the runner set one) and to the console. */
function makeSink(file: string | undefined): (rec: ResultRecord) => void {
  if (file) writeFileSync(file, '');
  return (rec) => {
    if (file) appendFileSync(file, `${JSON.stringify(rec)}\n`);
    switch (rec.type) {
      case 'suite':
        console.log(rec.title);
        break;
      case 'pass':
        console.log(`  ✓ ${rec.title}`);
        break;
      case 'fail':
        console.log(`  ✗ ${rec.title}\n${rec.error}`);
        break;
      case 'info':
        console.log(rec.message);
        break;
      case 'end':
        console.log(`${rec.passed} passed, ${rec.failed} failed`);
        break;
    }
  };
}

export async function run(): Promise<void> {
  const emit = makeSink(process.env.ACTIVATION_LENS_RESULTS);
  let passed = 0;
  let failed = 0;
  try {
    const vscode = await import('vscode');
    emit({
      type: 'info',
      message: `VS Code ${vscode.version} (${vscode.env.appName}, ${vscode.env.appHost})`,
    });
    // mocha's own reporters write to stdout, which the extension host does not show; this one
    // streams through `emit`.
    class Reporter extends Mocha.reporters.Base {
      constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
        super(runner, options);
        const C = Mocha.Runner.constants;
        runner.on(C.EVENT_SUITE_BEGIN, (s: Mocha.Suite) => {
          if (s.title) emit({ type: 'suite', title: s.fullTitle() });
        });
        runner.on(C.EVENT_TEST_PASS, (t: Mocha.Test) => {
          passed++;
          emit({ type: 'pass', title: t.title, duration: t.duration });
        });
        runner.on(C.EVENT_TEST_FAIL, (t: Mocha.Test, err: Error) => {
          failed++;
          emit({ type: 'fail', title: t.fullTitle(), error: err.stack ?? String(err) });
        });
      }
    }
    const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: Reporter });
    const files = findTestFiles(__dirname);
    if (files.length === 0)
      throw new Error(`no *.test.js files next to ${__filename}: run the integration build`);
    for (const f of files) mocha.addFile(f);
    await new Promise<void>((resolve) => mocha.run(() => resolve()));
  } catch (e) {
    failed++;
    emit({
      type: 'fail',
      title: 'loading the integration suite',
      error: e instanceof Error ? (e.stack ?? e.message) : String(e),
    });
  }
  emit({ type: 'end', passed, failed });
  if (failed > 0) throw new Error(`${failed} integration test(s) failed`);
}
