import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CanaryState } from '@deploy-actions/core/canary';
import { ManualClock } from '@deploy-actions/core/clock';
import { VerdictFailure } from '@deploy-actions/core/errors';
import { type Exec, type ExecResult } from '@deploy-actions/core/exec';
import { type HttpClient, type HttpRequest, type HttpResponse } from '@deploy-actions/core/http';
import { readUpstreamWeight } from '@deploy-actions/core/traffic';
import { fakeContext } from '../../../packages/core/__tests__/fakes/fake-context.ts';
import { runWith } from '../src/main.ts';
import { runPostWith } from '../src/post-main.ts';

/** nginx stand-in: every command succeeds and is recorded. */
class RecordingExec implements Exec {
  readonly commands: string[] = [];
  async run(argv: readonly string[]): Promise<ExecResult> {
    this.commands.push(argv.join(' '));
    return { exitCode: 0, signal: null, timedOut: false, stdout: '', stderr: '', durationMs: 1 };
  }
}

/** Two tracks answering at once; the canary fails `canaryErrorEvery`-th request. */
class Tracks implements HttpClient {
  private n = 0;
  constructor(private readonly canaryErrorEvery = 0) {}
  async request(request: HttpRequest): Promise<HttpResponse> {
    const canary = request.url.includes('canary');
    const fail = canary && this.canaryErrorEvery > 0 && ++this.n % this.canaryErrorEvery === 0;
    return { status: fail ? 500 : 200, headers: {}, body: '{}', latencyMs: canary ? 12 : 11 };
  }
}

function setup(extra: Record<string, string> = {}, http: HttpClient = new Tracks()) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'canary-main-'));
  const file = path.join(dir, 'upstream.conf');
  const inputs = {
    steps: '10,50',
    duration: '20s',
    interval: '10s',
    router: 'nginx',
    'nginx-upstream-file': file,
    'nginx-stable-server': '127.0.0.1:8001',
    'nginx-canary-server': '127.0.0.1:8002',
    'probe-canary-url': 'http://canary.internal:8000/health',
    'probe-stable-url': 'http://stable.internal:8000/health',
    'probe-rps': '10',
    ...extra
  };
  const exec = new RecordingExec();
  const fake = fakeContext(inputs, { state: {} });
  const go = () => runWith(fake.context, { http, exec, clock: new ManualClock(), runId: '9876' });
  return { ...fake, exec, file, go, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('canary-step main', () => {
  it('promotes a healthy canary through its steps; outputs, state and summary', async () => {
    const t = setup();
    try {
      await t.go();
      expect(t.outputs).toMatchObject({
        decision: 'promote',
        weight: '50',
        'canary-error-rate': '0',
        'baseline-error-rate': '0',
        'canary-p99-ms': '12',
        'baseline-p99-ms': '11'
      });
      expect(readUpstreamWeight(readFileSync(t.file, 'utf8'))).toBe(50);
      expect(t.exec.commands).toEqual(['nginx -t', 'nginx -s reload', 'nginx -t', 'nginx -s reload']);
      expect(t.saved).toMatchObject({ [CanaryState.weight]: '50', [CanaryState.finished]: 'true' });
      expect(JSON.parse(t.saved[CanaryState.router]!)).toMatchObject({
        type: 'nginx',
        stableServer: '127.0.0.1:8001'
      });
      const report = JSON.parse(t.outputs.report!);
      expect(report.schema).toBe('canary-step/v1');
      expect(report.measurements).toHaveLength(4);
      expect(JSON.parse(t.outputs.history!)).toMatchObject({
        schema: 'canary-step-history/v1',
        runId: '9876'
      });
      expect(t.summaries[0]).toContain('## ✅ canary-step: promote at 50%');
    } finally {
      t.cleanup();
    }
  });

  it('rolls a bad canary back to 0 and fails the step', async () => {
    const t = setup({ 'probe-rps': '20' }, new Tracks(4));
    try {
      const error = await t.go().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VerdictFailure);
      expect((error as Error).message).toMatch(
        /^rollback: at 10%: measurement 1: stopped early: the canary fails /
      );
      expect(t.outputs).toMatchObject({ decision: 'rollback', weight: '0', 'canary-error-rate': '25' });
      expect(readUpstreamWeight(readFileSync(t.file, 'utf8'))).toBe(0);
      expect(t.saved[CanaryState.finished]).toBe('true');
    } finally {
      t.cleanup();
    }
  });

  it('warns about a history from another workflow run', async () => {
    const history = JSON.stringify({ schema: 'canary-step-history/v1', runId: '1111', measurements: [] });
    const t = setup({ steps: '', weight: '10', history });
    try {
      await t.go();
      expect(t.logger.lines).toContain(
        "warning: The history input comes from workflow run 1111, not this one (9876): check that it is this canary's."
      );
    } finally {
      t.cleanup();
    }
  });
});

describe('canary-step post', () => {
  it('resets the weight when main did not finish', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'canary-post-'));
    try {
      const file = path.join(dir, 'upstream.conf');
      const spec = {
        type: 'nginx',
        upstreamFile: file,
        upstreamName: 'backend',
        stableServer: '127.0.0.1:8001',
        canaryServer: '127.0.0.1:8002',
        testCommand: ['nginx', '-t'],
        reloadCommand: ['nginx', '-s', 'reload'],
        timeoutMs: 5000
      };
      const exec = new RecordingExec();
      const t = fakeContext(
        {},
        { state: { router: JSON.stringify(spec), weight: '10', 'requested-weight': '10' } }
      );
      await runPostWith(t.context, { exec });
      expect(readUpstreamWeight(readFileSync(file, 'utf8'))).toBe(0);
      expect(t.annotations[0]?.message).toMatch(/did not finish .* canary weight reset to 0/);
      expect(t.summaries[0]).toContain('canary-step post: traffic reset');
      expect(t.failures).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does nothing, silently, when main finished', async () => {
    const t = fakeContext({}, { state: { router: '{}', weight: '10', finished: 'true' } });
    await runPostWith(t.context, { exec: new RecordingExec() });
    expect(t.summaries).toEqual([]);
    expect(t.annotations).toEqual([]);
  });
});
