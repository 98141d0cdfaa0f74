import { describe, expect, it } from '@jest/globals';
import { interpretAnswer, normalizeStatus } from '../src/health/responses.ts';

const json = (value: unknown) => JSON.stringify(value);

describe('normalizeStatus', () => {
  it.each([
    ['ok', 'pass'],
    ['OK', 'pass'],
    [' Healthy ', 'pass'],
    ['UP', 'pass'],
    ['pass', 'pass'],
    ['passed', 'pass'],
    ['ready', 'pass'],
    ['green', 'pass'],
    ['success', 'pass'],
    [true, 'pass'],
    ['warn', 'warn'],
    ['WARNING', 'warn'],
    ['degraded', 'warn'],
    ['fail', 'fail'],
    ['down', 'fail'],
    ['error', 'fail'],
    ['banana', 'fail'],
    ['', 'fail'],
    [false, 'fail'],
    [undefined, undefined],
    [null, undefined],
    [1, undefined],
    [{ status: 'ok' }, undefined]
  ])('maps %j to %j', (value, expected) => {
    expect(normalizeStatus(value)).toBe(expected);
  });
});

describe('interpretAnswer: the contract JSON', () => {
  it('reads status, version, git_sha and uptime_seconds from /health', () => {
    expect(
      interpretAnswer(
        200,
        json({ status: 'ok', version: '1.4.0', git_sha: '0123456789abcdef', uptime_seconds: 12.5 })
      )
    ).toEqual({
      status: 'pass',
      checks: [],
      version: '1.4.0',
      gitSha: '0123456789abcdef',
      uptimeSeconds: 12.5
    });
  });

  it('reads the readiness checks array', () => {
    expect(
      interpretAnswer(
        200,
        json({
          status: 'ok',
          checks: [
            { name: 'postgres', status: 'ok', latency_ms: 3.2 },
            { name: 'redis', status: 'ok', latencyMs: 1 },
            { status: 'ok' },
            'not an object',
            null
          ]
        })
      )
    ).toEqual({
      status: 'pass',
      checks: [
        { name: 'postgres', status: 'pass', latencyMs: 3.2 },
        { name: 'redis', status: 'pass', latencyMs: 1 },
        { name: 'check 3', status: 'pass' }
      ]
    });
  });

  it('names the failing dependency of a 503 readiness answer', () => {
    const answer = interpretAnswer(
      503,
      json({
        status: 'fail',
        checks: [
          { name: 'postgres', status: 'ok', latency_ms: 2 },
          { name: 'redis', status: 'fail', error: 'Connection refused' }
        ]
      })
    );
    expect(answer).toEqual({
      status: 'fail',
      problem: 'HTTP 503 (redis: Connection refused)',
      checks: [
        { name: 'postgres', status: 'pass', latencyMs: 2 },
        { name: 'redis', status: 'fail', error: 'Connection refused' }
      ]
    });
  });

  it('joins several failing dependencies and describes one without an error text by its status', () => {
    const answer = interpretAnswer(
      503,
      json({
        status: 'fail',
        checks: [
          { name: 'redis', status: 'fail', error: 'Connection refused' },
          { name: 'kafka', status: 'down' },
          { name: 's3', status: 'ok' }
        ]
      })
    );
    expect(answer.problem).toBe('HTTP 503 (redis: Connection refused; kafka: status "down")');
    expect(answer.checks[1]).toEqual({ name: 'kafka', status: 'fail', error: 'status "down"' });
  });

  it('treats a check without a status as failing', () => {
    expect(interpretAnswer(200, json({ checks: [{ name: 'db' }] })).checks).toEqual([
      { name: 'db', status: 'fail', error: '' }
    ]);
  });

  it('passes a 2xx without a status field: the status code is the signal', () => {
    expect(interpretAnswer(200, json({ version: '2.0.0', commit: 'abc1234' }))).toEqual({
      status: 'pass',
      checks: [],
      version: '2.0.0',
      gitSha: 'abc1234'
    });
  });

  it('accepts numeric versions and camelCase field names', () => {
    expect(
      interpretAnswer(204, json({ status: 'UP', version: 3, gitSha: 'def5678', uptimeSeconds: 7 }))
    ).toEqual({
      status: 'pass',
      checks: [],
      version: '3',
      gitSha: 'def5678',
      uptimeSeconds: 7
    });
  });

  it('ignores an uptime that is not a finite number', () => {
    expect(interpretAnswer(200, json({ status: 'ok', uptime_seconds: '12' }))).toEqual({
      status: 'pass',
      checks: []
    });
  });
});

describe('interpretAnswer: IETF application/health+json', () => {
  it.each([
    ['pass', 'pass', undefined],
    ['warn', 'warn', 'reports status "warn"'],
    ['fail', 'fail', 'reports status "fail"']
  ])('maps a top-level %j to %j', (word, status, problem) => {
    const answer = interpretAnswer(200, json({ status: word, version: '1', releaseId: '1.0.0-abc' }));
    expect(answer.status).toBe(status);
    expect(answer.problem).toBe(problem);
    expect(answer.version).toBe('1');
    expect(answer.gitSha).toBe('1.0.0-abc');
  });

  it('reads checks keyed by component:measure, with componentId and output', () => {
    const answer = interpretAnswer(
      200,
      json({
        status: 'warn',
        checks: {
          'postgres:responseTime': [
            { componentId: 'db-1', status: 'pass', observedValue: 4, observedUnit: 'ms' },
            { componentId: 'db-2', status: 'warn', output: 'replica lag 3s' }
          ],
          'redis:connections': { status: 'fail', output: 'Connection refused' },
          'cpu:utilization': [{ status: 'pass' }, 'junk']
        }
      })
    );
    expect(answer).toEqual({
      status: 'warn',
      problem: 'reports status "warn"',
      checks: [
        { name: 'postgres:responseTime (db-1)', status: 'pass' },
        { name: 'postgres:responseTime (db-2)', status: 'warn', error: 'replica lag 3s' },
        { name: 'redis:connections', status: 'fail', error: 'Connection refused' },
        { name: 'cpu:utilization', status: 'pass' }
      ]
    });
  });

  it('names a failing IETF check in the problem of a failing answer', () => {
    const answer = interpretAnswer(
      200,
      json({ status: 'fail', checks: { 'redis:connections': [{ status: 'fail', output: 'timeout' }] } })
    );
    expect(answer.status).toBe('fail');
    expect(answer.problem).toBe('reports status "fail" (redis:connections: timeout)');
  });
});

describe('interpretAnswer: bodies that say nothing', () => {
  it('fails invalid JSON on a 200, saying it is not JSON and quoting the body', () => {
    const answer = interpretAnswer(200, '<html>\n  <body>Welcome to nginx!</body>\n</html>');
    expect(answer.status).toBe('fail');
    expect(answer.checks).toEqual([]);
    expect(answer.problem).toMatch(/^answered HTTP 200 but the body is not JSON \(.+\): /s);
    expect(answer.problem).toContain('"<html> <body>Welcome to nginx!</body> </html>"');
  });

  it('cuts a long non-JSON body', () => {
    const answer = interpretAnswer(200, `x${'y'.repeat(200)}`);
    expect(answer.problem).toContain(`"x${'y'.repeat(58)}…"`);
    expect(answer.problem!.length).toBeLessThan(250);
  });

  it.each(['', '   \n'])('fails an empty body %j on a 200', (body) => {
    expect(interpretAnswer(200, body)).toEqual({
      status: 'fail',
      problem: 'answered HTTP 200 with an empty body; a JSON object with a status was expected',
      checks: []
    });
  });

  it.each([
    ['[{"status":"ok"}]', '"[{\\"status\\":\\"ok\\"}]"'],
    ['"ok"', '"\\"ok\\""'],
    ['null', '"null"'],
    ['42', '"42"']
  ])('fails JSON %s that is not an object', (body, quoted) => {
    expect(interpretAnswer(200, body)).toEqual({
      status: 'fail',
      problem: `answered HTTP 200 with JSON that is not an object: ${quoted}`,
      checks: []
    });
  });

  it('fails an unknown status word on a 200', () => {
    expect(interpretAnswer(200, json({ status: 'banana', version: '1.0.0' }))).toEqual({
      status: 'fail',
      problem: 'reports status "banana"',
      checks: [],
      version: '1.0.0'
    });
  });
});

describe('interpretAnswer: HTTP errors', () => {
  it.each([
    [500, 'Internal Server Error', 'HTTP 500 (body is not JSON)'],
    [500, json({ status: 'fail', version: '1.0.0' }), 'HTTP 500 (status "fail")'],
    [500, json({ version: '1.0.0' }), 'HTTP 500'],
    [500, '', 'HTTP 500'],
    [502, '<html>Bad Gateway</html>', 'HTTP 502 (body is not JSON)'],
    [404, json({ detail: 'Not Found' }), 'HTTP 404'],
    [301, '', 'HTTP 301'],
    [503, json({ status: 'ok' }), 'HTTP 503 (status "ok")']
  ])('fails HTTP %d with body %j as %j', (status, body, problem) => {
    const answer = interpretAnswer(status, body);
    expect(answer.status).toBe('fail');
    expect(answer.problem).toBe(problem);
  });

  it('keeps the fields of a JSON error body', () => {
    expect(
      interpretAnswer(500, json({ status: 'fail', version: '1.0.0', git_sha: 'abcdef1' }))
    ).toMatchObject({
      version: '1.0.0',
      gitSha: 'abcdef1'
    });
  });
});

describe('text from the service', () => {
  it.each([
    ['a new line and a command', '2.0.0\n::add-mask::x'],
    ['a carriage return', '\r::stop-commands::tok'],
    ['a space', '2.0.0 beta'],
    ['a legacy command', '##[add-mask]x'],
    ['too long', `1.${'0'.repeat(200)}`]
  ])('refuses a version with %s, saying why', (_name, version) => {
    const answer = interpretAnswer(200, json({ status: 'ok', version, git_sha: 'unknown' }));
    expect(answer.status).toBe('pass');
    expect(answer.version).toBeUndefined();
    expect(answer.gitSha).toBe('unknown');
    expect(answer.refused).toEqual([
      {
        field: 'version',
        reason: expect.stringMatching(
          /^\/health reports a version that is not one \(".*"\); expected letters, digits/
        )
      }
    ]);
    expect(answer.refused![0]!.reason).not.toMatch(/[\r\n]|##\[/);
  });

  it.each(['1.4.0', 'v2.0.0-rc.1+build.5', '2024.01.02_3', '1.0~rc1', 20])(
    'keeps the version %j',
    (version) => {
      expect(interpretAnswer(200, json({ status: 'ok', version })).version).toBe(String(version));
    }
  );

  it('refuses a git_sha with a line break', () => {
    const answer = interpretAnswer(200, json({ status: 'ok', version: '1.4.0', git_sha: 'abc\n::error::x' }));
    expect(answer.gitSha).toBeUndefined();
    expect(answer.refused?.map((r) => r.field)).toEqual(['git_sha']);
  });

  it('neutralises readiness check names and errors', () => {
    const answer = interpretAnswer(
      503,
      json({
        status: 'fail',
        checks: [{ name: 'db\n::add-mask::x', status: 'fail', error: 'down\r::stop-commands::tok' }]
      })
    );
    expect(answer.checks).toEqual([
      { name: 'db\\n::add-mask::x', status: 'fail', error: 'down\\r::stop-commands::tok' }
    ]);
  });
});
