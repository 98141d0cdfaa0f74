/**
 * The extra-checks recipes in docs/extra-checks.md are what users copy: every line of every
 * `extra-checks: |` block there must be one canary-step accepts, with the meaning the recipe says.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fillTemplate, parseExtraCheckLine } from '../../src/providers/metrics/promql.ts';

const docs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../docs/extra-checks.md');

/** The lines of each `extra-checks: |` block inside the file's yaml fences. */
function recipeLines(markdown: string): string[] {
  const lines: string[] = [];
  for (const fence of markdown.matchAll(/```yaml\n([\s\S]*?)```/g)) {
    const block = /^extra-checks: \|\n((?: {2}.*\n)+)/m.exec(fence[1]!);
    if (block)
      lines.push(
        ...block[1]!
          .split('\n')
          .filter(Boolean)
          .map((line) => line.slice(2))
      );
  }
  return lines;
}

/** Brackets and parentheses of a query must pair up, or Prometheus rejects it. */
function balanced(query: string): boolean {
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const open: string[] = [];
  for (const char of query.replace(/"[^"]*"/g, '""')) {
    if ('([{'.includes(char)) open.push(char);
    else if (char in pairs && open.pop() !== pairs[char]) return false;
  }
  return open.length === 0;
}

const lines = recipeLines(readFileSync(docs, 'utf8'));

describe('docs/extra-checks.md recipes', () => {
  it('holds the container and business recipes', () => {
    expect(lines.map((line) => line.split(':')[0])).toEqual([
      'memory-growth',
      'memory-ceiling',
      'memory-vs-stable',
      'cpu-throttled',
      'cpu-cores',
      'checkout-success',
      'item-save-rate',
      'items-created'
    ]);
  });

  it.each(lines.map((line) => [line.split(':')[0]!, line]))(
    '%s parses as canary-step reads it',
    (_, line) => {
      const check = parseExtraCheckLine(line);
      expect(check).toBeDefined();
      const query = fillTemplate(check!.query, { track: 'canary', intervalMs: 30_000 });
      expect(query).not.toMatch(/\{\{/);
      expect(balanced(query)).toBe(true);
    }
  );

  it('compares what each recipe says it compares', () => {
    const parsed = Object.fromEntries(
      lines.map((line) => {
        const check = parseExtraCheckLine(line)!;
        return [check.name, `${check.operator} ${check.threshold}`];
      })
    );
    expect(parsed).toEqual({
      'memory-growth': '< 2000000',
      'memory-ceiling': '< 900000000',
      'memory-vs-stable': '< 1.3',
      'cpu-throttled': '< 0.1',
      'cpu-cores': '< 1.5',
      'checkout-success': '>= 0.98',
      'item-save-rate': '>= 0.95',
      'items-created': '> 0'
    });
    expect(parseExtraCheckLine(lines.find((l) => l.startsWith('memory-growth'))!)!.query).toBe(
      'max(deriv(container_memory_working_set_bytes{container_label_track="{{track}}"}[{{interval}}])) * 60'
    );
  });
});
