import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../src/clock.ts';
import { GitHubApiError } from '../../src/github/client.ts';
import { MemoryLogger } from '../../src/logger.ts';
import {
  checkWindow,
  renderPreflightSummary,
  runPreflight,
  selectChecks,
  type PreflightConfig,
  type ReportFileAccess
} from '../../src/preflight/index.ts';
import {
  fixedHolidayCalendar,
  parseDateRange,
  parseFreezeWindows,
  type FreezeRule
} from '../../src/window/index.ts';
import { MemoryGitHub, checkRun, deployment, deploymentStatus } from './memory-github.ts';

const SHA = 'ffac537e6cbbf934b08745a378932722df287a53';
const TUESDAY = Date.parse('2026-03-03T15:00:00Z');
const FRIDAY_EVENING = Date.parse('2026-03-06T21:30:00Z'); // 16:30 in New York

const rules = (text: string) => parseFreezeWindows(text) as FreezeRule[];
const noFiles: ReportFileAccess = { glob: async () => [], readFile: async () => '' };

function config(change: Partial<PreflightConfig> = {}): PreflightConfig {
  return {
    environment: 'production',
    sha: SHA,
    baseBranch: 'main',
    checks: ['ci', 'up-to-date', 'security', 'incidents', 'window', 'reviewers'],
    ciWaitMs: 0,
    ciIgnore: [],
    security: { sources: [], failOnSeverity: 'high', ignores: [] },
    incidentLabels: ['incident'],
    incidentSeverityLabels: ['P1', 'P2'],
    window: { timeZone: 'America/New_York', freezeWindows: rules('Fri 16:00-24:00; Sat; Sun'), holidays: [] },
    requireReviewers: 'auto',
    stagingEnvironment: 'staging',
    secrets: { settleMs: 3_600_000, maxAgeMs: 90 * 86_400_000, token: 'secrets-token' },
    run: { repository: 'octo-org/shop', runId: 9876543210, actor: 'octocat' },
    ...change
  };
}

/** A repository where everything passes for production. */
function healthyGitHub(): MemoryGitHub {
  const github = new MemoryGitHub();
  github.checkRuns = [checkRun('test'), checkRun('lint')];
  github.comparisons.set(`main...${SHA}`, {
    status: 'ahead',
    aheadBy: 1,
    behindBy: 0,
    htmlUrl: 'https://github.com/compare',
    mergeBaseSha: null
  });
  github.environments = [
    {
      name: 'production',
      htmlUrl: 'https://github.com/octo-org/shop/settings/environments/1',
      protectionRules: [{ type: 'required_reviewers', reviewers: [{ type: 'Team', name: 'sre' }] }],
      branchPolicy: null
    }
  ];
  github.deployments = [deployment(7, SHA, 'staging')];
  github.deploymentStatuses.set(7, [deploymentStatus('success')]);
  return github;
}

async function preflight(change: Partial<PreflightConfig>, github: MemoryGitHub, at = TUESDAY) {
  const clock = new ManualClock(0, at);
  return runPreflight(config(change), {
    github,
    clock,
    logger: new MemoryLogger(),
    files: noFiles,
    random: () => 0.5
  });
}

describe('selectChecks', () => {
  it('adds staging-verified for production-like environments only, in report order', () => {
    expect(selectChecks({ checks: ['window', 'ci'], environment: 'prod-eu' })).toEqual([
      'ci',
      'window',
      'staging-verified'
    ]);
    expect(selectChecks({ checks: ['window', 'ci'], environment: 'staging' })).toEqual(['ci', 'window']);
    expect(selectChecks({ checks: ['staging-verified'], environment: 'qa' })).toEqual(['staging-verified']);
  });
});

describe('runPreflight', () => {
  it('passes production when everything holds, with one entry per check', async () => {
    const report = await preflight({}, healthyGitHub());
    expect(report).toMatchObject({
      schema: 'preflight-validate/v1',
      passed: true,
      productionLike: true,
      failedChecks: [],
      warnedChecks: ['security'],
      verdict: 'ffac537 may be deployed to production: 6 of 7 checks passed, 1 with a warning (security).'
    });
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['ci', 'pass'],
      ['up-to-date', 'pass'],
      ['security', 'warn'],
      ['incidents', 'pass'],
      ['window', 'pass'],
      ['reviewers', 'pass'],
      ['staging-verified', 'pass'],
      ['secrets', 'skip']
    ]);
    expect(report.override).toBeUndefined();
  });

  it('skips what is not selected and says why', async () => {
    const report = await preflight({ environment: 'staging', checks: ['window'] }, new MemoryGitHub());
    expect(report.checks.map((c) => [c.id, c.status, c.reason])).toEqual([
      ['ci', 'skip', 'Not selected in `checks`.'],
      ['up-to-date', 'skip', 'Not selected in `checks`.'],
      ['security', 'skip', 'Not selected in `checks`.'],
      ['incidents', 'skip', 'Not selected in `checks`.'],
      ['window', 'pass', expect.stringMatching(/^Tue 2026-03-03 10:00 EST is outside every freeze window/)],
      ['reviewers', 'skip', 'Not selected in `checks`.'],
      [
        'staging-verified',
        'skip',
        'Only for production-like environments (names starting with "prod"), unless listed in `checks`.'
      ],
      ['secrets', 'skip', 'Not selected in `checks`.']
    ]);
  });

  it('fails a check that could not run, with the reason, and never passes on it', async () => {
    const github = healthyGitHub();
    github.failing.set(
      'compareCommits',
      new GitHubApiError('GitHub API GET /x failed with HTTP 502: Bad Gateway', 'server', 502, 'GET /x')
    );
    const report = await preflight({}, github);
    expect(report.passed).toBe(false);
    expect(report.failedChecks).toEqual(['up-to-date']);
    expect(report.checks[1]).toMatchObject({
      status: 'fail',
      reason: 'Could not check: GitHub API GET /x failed with HTTP 502: Bad Gateway'
    });
  });

  it('runs the secrets check with its own client, at the time the checks run', async () => {
    const secrets = {
      listRepositorySecrets: async () => [
        { name: 'DB_URL', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-03-03T14:30:00Z' }
      ],
      listEnvironmentSecrets: async () => []
    };
    const report = await runPreflight(config({ environment: 'staging', checks: ['secrets'] }), {
      secrets,
      clock: new ManualClock(0, TUESDAY),
      logger: new MemoryLogger(),
      files: noFiles
    });
    expect(report.failedChecks).toEqual(['secrets']);
    expect(report.checks.find((c) => c.id === 'secrets')?.reason).toMatch(
      /^1 secret updated less than 1h ago: DB_URL \(repository, 30m ago\)/
    );
    await expect(
      runPreflight(config({ environment: 'staging', checks: ['secrets'] }), {
        clock: new ManualClock(0, TUESDAY),
        logger: new MemoryLogger(),
        files: noFiles
      })
    ).rejects.toThrow('no secrets client was given');
  });

  it('evaluates the window at window-at, and an override turns window and incidents into recorded warnings', async () => {
    const github = healthyGitHub();
    github.issues = [
      {
        number: 3,
        title: 'Checkout down',
        body: '',
        htmlUrl: 'https://github.com/i/3',
        state: 'open',
        labels: ['incident', 'P1'],
        createdAt: '',
        author: null
      }
    ];
    const blocked = await preflight({ windowAtMs: FRIDAY_EVENING }, github);
    expect(blocked.failedChecks).toEqual(['incidents', 'window']);
    expect(blocked.verdict).toBe('ffac537 must not be deployed to production now: incidents, window failed.');
    const overridden = await preflight(
      { windowAtMs: FRIDAY_EVENING, overrideReason: 'hotfix for the checkout outage #3' },
      github
    );
    expect(overridden.passed).toBe(true);
    expect(overridden.override).toEqual({
      reason: 'hotfix for the checkout outage #3',
      by: 'octocat',
      appliesTo: ['window', 'incidents'],
      bypassed: ['incidents', 'window']
    });
    expect(overridden.verdict).toMatch(/; incidents and window overridden\.$/);
    // The override does not touch the other checks.
    github.checkRuns.push(checkRun('e2e', { conclusion: 'failure' }));
    const stillFailing = await preflight(
      { windowAtMs: FRIDAY_EVENING, overrideReason: 'hotfix for the checkout outage #3' },
      github
    );
    expect(stillFailing.failedChecks).toEqual(['ci']);
  });

  it('skips staging-verified with staging-environment none, and for the staging environment itself', async () => {
    const none = await preflight({ stagingEnvironment: undefined }, healthyGitHub());
    expect(none.checks[6]).toMatchObject({
      status: 'skip',
      reason: 'staging-environment is `none`: no staging deployment is required.'
    });
    const itself = await preflight(
      { environment: 'prod-staging', stagingEnvironment: 'PROD-staging', checks: ['staging-verified'] },
      healthyGitHub()
    );
    expect(itself.checks[6]).toMatchObject({ status: 'skip' });
  });
});

describe('checkWindow', () => {
  const window = {
    timeZone: 'Europe/Berlin',
    freezeWindows: rules('Fri 16:00-24:00; Sat; Sun'),
    holidays: [parseDateRange('2026-12-24')!],
    calendar: fixedHolidayCalendar('DE-BY', { '2026-06-04': 'Corpus Christi' })
  };

  it('fails inside a freeze window and says when deploys reopen', () => {
    const result = checkWindow(window, { atMs: Date.parse('2026-03-06T15:00:00Z'), source: 'window-at' });
    expect(result.status).toBe('fail');
    expect(result.reason).toBe(
      'Fri 2026-03-06 16:00 GMT+1 (window-at) is inside freeze window `Fri 16:00-24:00`; deploys reopen Mon 2026-03-09 00:00 GMT+1 (in 2d 8h).'
    );
    expect(result.details).toMatchObject({ reopensAt: '2026-03-08T23:00:00.000Z', overridden: false });
  });

  it('passes before it, announcing the next freeze', () => {
    const result = checkWindow(window, { atMs: Date.parse('2026-03-06T14:59:00Z'), source: 'now' });
    expect(result.status).toBe('pass');
    expect(result.reason).toBe(
      'Fri 2026-03-06 15:59 GMT+1 is outside every freeze window and holiday; the next freeze starts Fri 2026-03-06 16:00 GMT+1 (in 1m).'
    );
  });

  it('names explicit and calendar holidays', () => {
    expect(checkWindow(window, { atMs: Date.parse('2026-12-24T09:00:00Z'), source: 'now' }).reason).toMatch(
      /inside holiday 2026-12-24; deploys reopen Fri 2026-12-25 00:00/
    );
    const corpusChristi = checkWindow(window, { atMs: Date.parse('2026-06-04T09:00:00Z'), source: 'now' });
    expect(corpusChristi.reason).toMatch(
      /inside public holiday Corpus Christi \(DE-BY\); deploys reopen Fri 2026-06-05 00:00 GMT\+2/
    );
  });
});

describe('renderPreflightSummary', () => {
  it('shows the verdict, a checklist with reasons and links, details and next steps', async () => {
    const github = healthyGitHub();
    github.checkRuns.push(
      checkRun('e2e', { conclusion: 'failure', htmlUrl: 'https://github.com/octo-org/shop/runs/9' })
    );
    const report = await preflight({ windowAtMs: FRIDAY_EVENING }, github);
    const md = renderPreflightSummary(report);
    expect(md).toMatch(
      /^## ❌ preflight-validate: `ffac537` → production blocked\n\n> ffac537 must not be deployed to production now: ci, window failed\.\n/
    );
    expect(md).toContain('| ❌ | **ci** | 1 of 3 checks on ffac537 failed: e2e (failure). |');
    expect(md).toContain(
      '| ✅ | **up-to-date** | ffac537 contains the tip of main (1 commit ahead).<br>[main...ffac537](https://github.com/compare) |'
    );
    expect(md).not.toContain('| ⏭ | **staging-verified**');
    expect(md).toContain('| ❌ | [e2e](https://github.com/octo-org/shop/runs/9) | check run | failure |');
    expect(md).toContain('### Deploy window (America/New_York)');
    expect(md).toContain('Fri 03-06  ················████████  ◀');
    expect(md).toContain('### What to do next\n\n- ci: Fix the failing checks');
    expect(md).toContain('- window: Deploy after the window reopens (Mon 2026-03-09 00:00 EDT)');
  });

  it('records an override where people see it', async () => {
    const report = await preflight(
      { windowAtMs: FRIDAY_EVENING, overrideReason: 'hotfix <b>now</b> | urgent' },
      healthyGitHub()
    );
    const md = renderPreflightSummary(report);
    expect(md).toContain(
      '> ⚠️ **Override** by octocat: hotfix &lt;b&gt;now&lt;/b&gt; \\| urgent — applies to window and incidents only; bypassed: window.'
    );
    expect(md).toContain('| ⚠️ | **window** |');
  });
});
