import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDemoOutput, type DemoOutput } from '../output.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'demo-output-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function output(name: string, width?: number): { out: DemoOutput; printed: () => string; file: string } {
  const file = path.join(dir, `${name}.md`);
  let printed = '';
  const out = createDemoOutput({
    color: false,
    markdownFile: file,
    title: 'demo',
    ...(width ? { width } : {}),
    write: (text) => (printed += text)
  });
  return { out, printed: () => printed, file };
}

describe('createDemoOutput', () => {
  it('masks known secrets on screen and in the file', () => {
    const { out, printed, file } = output('masks');
    out.mask('tok_known_secret');
    out.mask('http://hook.example/secret-path');
    out.log('starting with tok_known_secret');
    out.workflowRun('✔ deploy  success\nsent to http://hook.example/secret-path', [
      '## Done\n\nsent to http://hook.example/secret-path with tok_known_secret\n',
      '  '
    ]);
    const screen = printed();
    const markdown = readFileSync(file, 'utf8');
    for (const text of [screen, markdown]) {
      expect(text).not.toContain('tok_known_secret');
      expect(text).not.toContain('secret-path');
    }
    expect(screen).toContain('    │ starting with ***\n');
    expect(screen).toContain('✔ deploy  success\nsent to ***\n');
    expect(markdown).toBe('# demo\n\n## Done\n\nsent to *** with ***\n\n');
  });

  it('writes stage headers, job summaries and checks in order, and cuts long log lines to the width', () => {
    const { out, printed, file } = output('stages', 40);
    out.stageHeader({ number: 1, name: 'production', verdict: 'v1 live', asIntended: true, seconds: 2 }, 2);
    out.workflowRun('', []);
    out.stageHeader(
      { number: 2, name: 'canary-step', verdict: 'failed', asIntended: false, seconds: 3.25 },
      2
    );
    out.workflowRun('', ['## ❌ canary-step']);
    out.checks(['nginx sends everything to v1']);
    out.log('x'.repeat(60));
    expect(readFileSync(file, 'utf8')).toBe(
      [
        '# demo',
        '',
        '## 1. production: v1 live (2.0 s)',
        '',
        '_The workflow wrote no job summary._',
        '',
        '---',
        '',
        '## 2. canary-step: failed (not as intended) (3.3 s)',
        '',
        '## ❌ canary-step',
        '',
        '**Checked by the demo:**',
        '',
        '- nginx sends everything to v1',
        '',
        ''
      ].join('\n')
    );
    expect(printed()).toContain('━━━ 2/2 canary-step · failed ✘ not as intended · 3.3 s ━━━');
    expect(printed()).toContain(`    │ ${'x'.repeat(33)}…\n`);
  });
});
