import { describe, expect, it } from '@jest/globals';
import { renderRollbackSummary, type RollbackSummarySource } from '../../src/rollback/summary.ts';

const base: RollbackSummarySource = {
  environment: 'production',
  succeeded: false,
  verdict: 'rollback of production failed at migrate-downgrade: refused',
  from: { version: '1.5.0', sha: 'b'.repeat(40), deploymentId: 7 },
  target: { version: '1.4.0', sha: 'a'.repeat(40), reason: 'the previous successful deployment' },
  reason: 'error rate | 6%',
  triggeredBy: 'oncall',
  durationMs: 42_000,
  healthy: true,
  verification: {
    verified: false,
    health: 'held',
    version: 'held',
    smoke: 'not checked',
    recovery: 'failed',
    expected: { source: 'restored', version: '1.4.0' }
  },
  steps: [
    {
      name: 'traffic',
      status: 'done',
      detail: 'canary weight 0',
      startedMs: 0,
      durationMs: 96,
      warningOnly: false
    },
    {
      name: 'migrate-downgrade',
      status: 'failed',
      detail: 'refused',
      startedMs: 100,
      durationMs: 2400,
      warningOnly: false
    },
    {
      name: 'notify',
      status: 'failed',
      detail: 'HTTP 503',
      startedMs: 3000,
      durationMs: 10,
      warningOnly: true
    }
  ],
  nextSteps: ['Read the <downgrade> SQL.']
};

describe('renderRollbackSummary', () => {
  it('shows the verdict, the versions and every step, escaping what the user wrote', () => {
    const text = renderRollbackSummary(base);
    expect(text).toContain('## 🚨 rollback of production: FAILED');
    expect(text).toContain('error rate \\| 6%');
    expect(text).toContain('| notify | ❌ failed (warning) |');
    expect(text).toContain('- Read the &lt;downgrade&gt; SQL.');
  });

  it('says whether the rollback is verified, and which check did not hold', () => {
    const text = renderRollbackSummary(base);
    expect(text).toContain('**⚠️ not verified**');
    expect(text).toContain('| ✅ held | ✅ held (1.4.0, the restored version) | ⏭ not checked | ❌ failed |');
  });

  it('shows the downgrade: revisions, decision, findings and the SQL', () => {
    const text = renderRollbackSummary({
      ...base,
      downgrade: {
        from: '0003',
        to: '0002',
        toSource: 'one-step',
        toReason: '1.4.0 has no deploy record, so its revision is unknown: one revision down',
        revisions: [
          {
            revision: '0003',
            parents: ['0002'],
            file: '0003_add_item_category.py',
            doc: 'add items.category',
            statements: 1,
            sql: 'ALTER TABLE items DROP COLUMN category;',
            analysed: true
          }
        ],
        statements: 1,
        analysed: true,
        findings: [
          {
            revision: '0003',
            rule: 'drop-column',
            severity: 'error',
            category: 'destructive',
            destructive: true,
            message: 'Dropping items.category deletes its data.',
            fix: '',
            statement: 'ALTER TABLE items DROP COLUMN category',
            line: 24
          }
        ],
        destructive: true,
        decision: 'refused',
        problem: 'refused: downgrading 0003 to 0002 is destructive',
        after: ['0003']
      }
    });
    expect(text).toContain('### Database downgrade');
    expect(text).toContain('| 0003 | 0002 | 1 | 1 | ⚠️ yes | ⛔ refused | 0003 |');
    expect(text).toContain('⚠️ Down to 0002: 1.4.0 has no deploy record');
    expect(text).toContain('| 0003 (add items.category) | 0002 | 1 | 1 |');
    expect(text).toContain('| drop-column | error | ⚠️ yes | 0003_add_item_category.py:24 |');
    expect(text).toContain('```sql\nALTER TABLE items DROP COLUMN category;\n```');
  });

  it('charts the error rate of each recovery window against the baseline', () => {
    const text = renderRollbackSummary({
      ...base,
      recovery: {
        recovered: true,
        baseline: {
          percent: 0.4,
          source: 'history',
          requests: 500,
          detail: '0.40% of 500 stable requests in 5 canary measurement(s)'
        },
        baselinePercent: 0.4,
        thresholdPercent: 1.4,
        windowMs: 60_000,
        intervalMs: 15_000,
        recoveredAfterMs: 30_000,
        verdict: 'error rate back at the baseline after 30s',
        measurements: [
          { atMs: 15_000, status: 'above', requests: 100, errorRatePercent: 6, detail: '6.00% of 100' },
          { atMs: 30_000, status: 'recovered', requests: 100, errorRatePercent: 0.5, detail: '0.50% of 100' }
        ]
      }
    });
    expect(text).toMatch(/### Error rate after the rollback [▁-█]{2}/);
    expect(text).toContain(
      "Baseline (canary-step's history): 0.40% of 500 stable requests in 5 canary measurement(s); a window counts as recovered at ≤ 1.40%."
    );
    expect(text).toContain('| +15s | 100 | 6.00% | ████████████ | 0.40% | ≤ 1.40% | ❌ above |');
    expect(text).toContain('| +30s | 100 | 0.50% | █░░░░░░░░░░░ | 0.40% | ≤ 1.40% | ✅ recovered |');
  });
});
