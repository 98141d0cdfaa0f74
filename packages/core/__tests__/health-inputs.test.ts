import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { healthInputs, toHealthCheck } from '../src/health/inputs.ts';

const defaults = { interval: '2s', startPeriod: '5s', deadline: '2m' };

describe('the shared health inputs', () => {
  it('prefixes every name except health-path, which already is', () => {
    expect(Object.keys(healthInputs('health-', defaults)).sort()).toEqual(
      [
        'health-url',
        'health-path',
        'health-ready-path',
        'health-expected-version',
        'health-expected-sha',
        'health-interval',
        'health-timeout',
        'health-start-period',
        'health-retries',
        'health-success-threshold',
        'health-deadline',
        'health-smoke',
        'health-headers'
      ].sort()
    );
    expect(Object.keys(healthInputs('', defaults))).toContain('url');
  });

  it('reads the same probe settings under either name, with each action its own timing defaults', () => {
    const plain = z.object(healthInputs('', defaults)).parse({
      url: 'http://app.internal/',
      'expected-version': '1.4.0',
      smoke: 'GET /api/items 200 items',
      headers: 'X-Token: t'
    });
    const prefixed = z.object(healthInputs('health-', defaults)).parse({
      'health-url': 'http://app.internal/',
      'health-expected-version': '1.4.0',
      'health-smoke': 'GET /api/items 200 items',
      'health-headers': 'X-Token: t'
    });
    const check = toHealthCheck('', plain);
    expect(toHealthCheck('health-', prefixed)).toEqual(check);
    expect(check).toEqual({
      target: {
        url: 'http://app.internal',
        healthPath: '/health',
        expectedVersion: '1.4.0',
        headers: { 'x-token': 't' },
        timeoutMs: 5000
      },
      gate: { intervalMs: 2000, startPeriodMs: 5000, retries: 3, successThreshold: 2, deadlineMs: 120_000 },
      smoke: [
        {
          line: 'GET /api/items 200 items',
          method: 'GET',
          path: '/api/items',
          status: '200',
          bodyContains: 'items'
        }
      ]
    });
  });

  it('names the smoke line that does not fit', () => {
    const result = z.object(healthInputs('health-', defaults)).safeParse({
      'health-url': 'http://app.internal',
      'health-smoke': 'GET /ok 200\nfetch everything'
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual(['health-smoke']);
    expect(result.error!.issues[0]!.message).toContain('line 2, "fetch everything"');
  });
});
