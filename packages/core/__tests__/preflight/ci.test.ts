import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../src/clock.ts';
import { MemoryLogger } from '../../src/logger.ts';
import { GitHubApiError } from '../../src/github/client.ts';
import { assessCiSnapshot, checkCi, latestStatuses, nameGlob, ownRunReason } from '../../src/preflight/ci.ts';
import { MemoryGitHub, checkRun, commitStatus } from './memory-github.ts';

const SHA = 'ffac537e6cbbf934b08745a378932722df287a53';
const RUN_ID = 9876543210;
const own = { runId: RUN_ID };

describe('assessCiSnapshot', () => {
  it.each([
    ['success', 'success'],
    ['neutral', 'success'],
    ['skipped', 'success'],
    ['failure', 'failure'],
    ['cancelled', 'failure'],
    ['timed_out', 'failure'],
    ['action_required', 'failure'],
    ['stale', 'failure'],
    [null, 'failure']
  ] as const)('a completed check run concluding %s counts as %s', (conclusion, state) => {
    const snapshot = assessCiSnapshot([checkRun('test', { conclusion })], [], { ignore: [], own });
    expect(snapshot.entries[0]!.state).toBe(state);
    expect(snapshot.verdict).toBe(state === 'success' ? 'pass' : 'fail');
  });

  it.each(['queued', 'in_progress', 'waiting', 'requested', 'pending'])(
    'a check run %s is pending',
    (status) => {
      const snapshot = assessCiSnapshot(
        [checkRun('e2e', { status, conclusion: null }), checkRun('lint')],
        [],
        { ignore: [], own }
      );
      expect(snapshot.verdict).toBe('pending');
      expect(snapshot.entries.map((e) => [e.name, e.state, e.detail])).toEqual([
        ['e2e', 'pending', status],
        ['lint', 'success', 'success']
      ]);
    }
  );

  it('fails on a failure even while others are pending, and lists failures first', () => {
    const snapshot = assessCiSnapshot(
      [
        checkRun('e2e', { status: 'in_progress', conclusion: null }),
        checkRun('unit', { conclusion: 'failure' })
      ],
      [commitStatus('ci/jenkins', 'success', '2026-03-02T09:00:00Z')],
      { ignore: [], own }
    );
    expect(snapshot.verdict).toBe('fail');
    expect(snapshot.entries.map((e) => e.name)).toEqual(['unit', 'e2e', 'ci/jenkins']);
  });

  it('shows check-run and status names from the API on one line, as text', () => {
    const snapshot = assessCiSnapshot(
      [checkRun('unit\n::add-mask::x', { conclusion: 'failure' })],
      [commitStatus('ci\r::stop-commands::t', 'success', '2026-03-02T09:00:00Z')],
      { ignore: [], own }
    );
    expect(snapshot.entries.map((e) => e.name)).toEqual(['unit\\n::add-mask::x', 'ci\\r::stop-commands::t']);
  });

  it('judges each status context by its latest status', () => {
    const statuses = [
      commitStatus('ci/jenkins', 'failure', '2026-03-02T09:00:00Z'),
      commitStatus('ci/jenkins', 'success', '2026-03-02T09:10:00Z'),
      commitStatus('security/snyk', 'pending', '2026-03-02T09:12:00Z'),
      commitStatus('security/snyk', 'error', '2026-03-02T09:11:00Z')
    ];
    expect(latestStatuses(statuses).map((s) => [s.context, s.state])).toEqual([
      ['security/snyk', 'pending'],
      ['ci/jenkins', 'success']
    ]);
    expect(assessCiSnapshot([], statuses, { ignore: [], own }).verdict).toBe('pending');
  });

  it('ignores names matching ci-ignore globs, whole names, slashes included', () => {
    expect(nameGlob('build / *').test('build / test (3.11)')).toBe(true);
    expect(nameGlob('lint').test('lint-extra')).toBe(false);
    expect(nameGlob('test (3.1?)').test('test (3.12)')).toBe(true);
    expect(nameGlob('a.b').test('axb')).toBe(false);
    const snapshot = assessCiSnapshot(
      [
        checkRun('build / test (3.11)', { conclusion: 'failure' }),
        checkRun('deploy-docs', { conclusion: 'failure' })
      ],
      [
        commitStatus('codecov/patch', 'failure', '2026-03-02T09:00:00Z'),
        commitStatus('ci/jenkins', 'success', '2026-03-02T09:00:00Z')
      ],
      { ignore: ['build / *', 'codecov/*', 'deploy-docs'], own }
    );
    expect(snapshot.verdict).toBe('pass');
    expect(snapshot.entries.filter((e) => e.state === 'ignored').map((e) => e.ignoredBecause)).toEqual([
      'matches ci-ignore `build / *`',
      'matches ci-ignore `codecov/*`',
      'matches ci-ignore `deploy-docs`'
    ]);
  });

  it("recognises the run's own checks by check suite, or by a URL that points at the run", () => {
    const bySuite = checkRun('preflight', {
      status: 'in_progress',
      conclusion: null,
      checkSuiteId: 77,
      htmlUrl: null,
      detailsUrl: null
    });
    const byUrl = checkRun('build', {
      status: 'in_progress',
      conclusion: null,
      htmlUrl: `https://github.com/octo-org/shop/actions/runs/${RUN_ID}/job/555`,
      detailsUrl: null
    });
    const otherRun = checkRun('deploy', {
      status: 'in_progress',
      conclusion: null,
      htmlUrl: `https://github.com/octo-org/shop/actions/runs/${RUN_ID}1/job/556`,
      detailsUrl: null
    });
    expect(ownRunReason(bySuite, { runId: RUN_ID, checkSuiteId: 77 })).toBe(
      'this workflow run (its check suite)'
    );
    expect(ownRunReason(bySuite, { runId: RUN_ID })).toBeUndefined();
    expect(ownRunReason(byUrl, { runId: RUN_ID })).toBe('this workflow run (its URL)');
    expect(ownRunReason(otherRun, { runId: RUN_ID })).toBeUndefined();
    const snapshot = assessCiSnapshot(
      [bySuite, byUrl, otherRun],
      [
        commitStatus('deploy/preview', 'pending', '2026-03-02T09:00:00Z', {
          targetUrl: `https://github.com/octo-org/shop/actions/runs/${RUN_ID}`
        })
      ],
      { ignore: [], own: { runId: RUN_ID, checkSuiteId: 77 } }
    );
    expect(snapshot.verdict).toBe('pending');
    expect(snapshot.entries.filter((e) => e.state !== 'ignored').map((e) => e.name)).toEqual(['deploy']);
  });

  it('has no verdict but "none" when nothing counts', () => {
    expect(assessCiSnapshot([], [], { ignore: [], own }).verdict).toBe('none');
    expect(assessCiSnapshot([checkRun('docs')], [], { ignore: ['*'], own }).verdict).toBe('none');
  });
});

function setup() {
  const github = new MemoryGitHub();
  const clock = new ManualClock();
  const logger = new MemoryLogger();
  return { github, clock, logger, deps: { github, clock, logger, random: () => 0.5 } };
}

describe('checkCi', () => {
  it('passes at once when every check passed, ignoring the run itself (found through its suite)', async () => {
    const { github, clock, deps } = setup();
    github.workflowRuns.push({ id: RUN_ID, name: 'deploy', checkSuiteId: 77, htmlUrl: 'x', headSha: SHA });
    github.checkRuns = [
      checkRun('test'),
      checkRun('preflight', {
        status: 'in_progress',
        conclusion: null,
        checkSuiteId: 77,
        htmlUrl: null,
        detailsUrl: null
      })
    ];
    const result = await checkCi({ sha: SHA, waitMs: 600_000, ignore: [], runId: RUN_ID }, deps);
    expect(result).toMatchObject({ status: 'pass', reason: 'The only check on ffac537 passed (1 ignored).' });
    expect(result.details.ownRun).toEqual({
      runId: RUN_ID,
      checkSuiteId: 77,
      identifiedBy: `check suite 77 of workflow run ${RUN_ID}, and check run URLs`
    });
    expect(clock.now()).toBe(0);
  });

  it('waits for pending checks with backoff and passes when they finish', async () => {
    const { github, clock, logger, deps } = setup();
    const e2e = checkRun('e2e', { status: 'in_progress', conclusion: null });
    github.checkRuns = [checkRun('unit'), e2e];
    github.beforeCheckRuns = (poll) => {
      if (poll === 3) Object.assign(e2e, { status: 'completed', conclusion: 'success' });
    };
    const result = await checkCi({ sha: SHA, waitMs: 600_000, ignore: [] }, deps);
    expect(result.status).toBe('pass');
    expect(result.details.polls).toBe(3);
    // Equal jitter with random 0.5: 75% of 5 s, then of 10 s.
    expect(clock.now()).toBe(3750 + 7500);
    expect(logger.lines).toContain('info: ci: waiting 3.75s for e2e (in_progress)');
  });

  it('fails at ci-wait with the checks still pending; the last poll is at the deadline', async () => {
    const { github, clock, deps } = setup();
    github.checkRuns = [checkRun('e2e', { status: 'queued', conclusion: null })];
    const result = await checkCi({ sha: SHA, waitMs: 120_000, ignore: [] }, deps);
    expect(result).toMatchObject({ status: 'fail', reason: '1 check still pending after 2m: e2e (queued).' });
    expect(clock.now()).toBe(120_000);
    // 3.75 + 7.5 + 15 + 30 + 60 (max) = 116.25 s, then the rest of the wait.
    expect(result.details.polls).toBe(7);
  });

  it('fails at once on a failed check, without waiting for the pending ones', async () => {
    const { github, clock, deps } = setup();
    github.checkRuns = [
      checkRun('e2e', { status: 'queued', conclusion: null }),
      checkRun('unit', { conclusion: 'timed_out' })
    ];
    const result = await checkCi({ sha: SHA, waitMs: 600_000, ignore: [] }, deps);
    expect(result).toMatchObject({
      status: 'fail',
      reason: '1 of 2 checks on ffac537 failed: unit (timed_out).'
    });
    expect(clock.now()).toBe(0);
  });

  it('waits for the first checks to appear and fails when none do', async () => {
    const { github, clock, deps } = setup();
    github.checkRuns = [
      checkRun('preflight', { htmlUrl: `https://github.com/octo-org/shop/actions/runs/${RUN_ID}/job/1` })
    ];
    const result = await checkCi({ sha: SHA, waitMs: 30_000, ignore: [], runId: RUN_ID }, deps);
    expect(result.status).toBe('fail');
    expect(result.reason).toBe(
      'No check runs or commit statuses on ffac537 within 30s (1 ignored): nothing shows this commit was tested.'
    );
    expect(clock.now()).toBe(30_000);
    // The workflow run could not be read: its checks were still recognised by URL.
    expect(result.details.ownRun.identifiedBy).toBe('check run URLs');
  });

  it('reads once with ci-wait 0', async () => {
    const { github, deps } = setup();
    github.statuses = [commitStatus('ci/jenkins', 'pending', '2026-03-02T09:00:00Z')];
    const result = await checkCi({ sha: SHA, waitMs: 0, ignore: [] }, deps);
    expect(result.details.polls).toBe(1);
    expect(result.reason).toBe('1 check still pending after 0ms: ci/jenkins (pending).');
  });

  it('lets a GitHub failure propagate (the caller fails the check with it)', async () => {
    const { github, deps } = setup();
    github.failing.set('listCheckRuns', new GitHubApiError('rate limited', 'rate-limit', 403, 'GET x'));
    await expect(checkCi({ sha: SHA, waitMs: 1000, ignore: [] }, deps)).rejects.toThrow('rate limited');
  });
});
