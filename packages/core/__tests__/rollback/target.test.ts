import { describe, expect, it } from '@jest/globals';
import { buildDeployRecord } from '../../src/github/deploy-record.ts';
import {
  chooseRollbackTarget,
  toDeploymentRecord,
  type DeploymentRecord,
  type DeploymentState
} from '../../src/rollback/target.ts';

let nextId = 100;
function deployment(
  version: string,
  sha: string,
  day: number,
  ...states: DeploymentState[]
): DeploymentRecord {
  return {
    id: nextId++,
    sha,
    ref: version,
    version,
    createdAt: `2026-11-${String(day).padStart(2, '0')}T10:00:00Z`,
    statuses: states.map((state, i) => ({
      state,
      createdAt: `2026-11-${String(day).padStart(2, '0')}T10:0${9 - i}:00Z`
    }))
  };
}

const SHA = (n: number) => `${n}`.repeat(40).slice(0, 40);

describe('chooseRollbackTarget', () => {
  it('takes the newest older successful deployment, skipping failed ones', () => {
    const current = deployment('1.5.0', SHA(5), 20, 'failure', 'in_progress');
    const failed = deployment('1.4.1', SHA(4), 19, 'error');
    const good = deployment('1.4.0', SHA(3), 18, 'inactive', 'success');
    const older = deployment('1.3.0', SHA(2), 17, 'inactive', 'success');
    const choice = chooseRollbackTarget([older, current, good, failed]);
    expect(choice.current?.version).toBe('1.5.0');
    expect(choice.target).toMatchObject({ version: '1.4.0', sha: SHA(3), deploymentId: good.id });
  });

  it('counts a superseded (auto-inactivated) success as good but not one that never succeeded', () => {
    const current = deployment('2.0.0', SHA(9), 20, 'success');
    const neverSucceeded = deployment('1.9.0', SHA(8), 19, 'inactive', 'in_progress');
    const superseded = deployment('1.8.0', SHA(7), 18, 'inactive', 'success');
    expect(chooseRollbackTarget([current, neverSucceeded, superseded]).target?.version).toBe('1.8.0');
  });

  it('skips a deployment of the same commit as the current one', () => {
    const current = deployment('1.1.0-rerun', SHA(1), 20, 'failure');
    const sameCommit = deployment('1.1.0', SHA(1), 19, 'success');
    const good = deployment('1.0.0', SHA(2), 18, 'success');
    expect(chooseRollbackTarget([current, sameCommit, good]).target?.version).toBe('1.0.0');
  });

  it('says clearly when there is nothing to roll back to', () => {
    expect(chooseRollbackTarget([]).problem).toMatch(/no deployments/);
    const only = deployment('1.0.0', SHA(1), 20, 'success');
    const choice = chooseRollbackTarget([only, deployment('0.9.0', SHA(2), 19, 'failure', 'success')]);
    expect(choice.target).toBeUndefined();
    expect(choice.problem).toMatch(/no successful deployment before the current one/);
  });

  it('uses an explicit version, with the sha from history when it was deployed before', () => {
    const current = deployment('1.5.0', SHA(5), 20, 'success');
    const old = deployment('1.2.0', SHA(2), 10, 'inactive', 'success');
    expect(chooseRollbackTarget([current, old], '1.2.0').target).toMatchObject({
      version: '1.2.0',
      sha: SHA(2)
    });
    expect(chooseRollbackTarget([current], 'abcdef1').target).toMatchObject({
      version: 'abcdef1',
      sha: 'abcdef1'
    });
    expect(chooseRollbackTarget([current], 'v0.1').target).toEqual({
      version: 'v0.1',
      reason: 'version v0.1 given'
    });
  });
});

/** A deployment as GitHub lists it, turned into a DeploymentRecord the way the history is read. */
function listed(
  payload: unknown,
  sha: string,
  ref: string,
  at: string,
  ...states: DeploymentState[]
): DeploymentRecord {
  return toDeploymentRecord(
    { id: nextId++, sha, ref, createdAt: `2026-11-20T${at}:00Z`, payload },
    states.map((state) => ({ state, createdAt: `2026-11-20T${at}:30Z` }))
  );
}

const recordOf = (version: string, sha: string) =>
  buildDeployRecord({
    version,
    sha,
    images: { api: `ghcr.io/acme/api@sha256:${sha.slice(0, 1).repeat(64)}` },
    alembicHead: `rev${version.replace(/\./g, '')}`
  });

describe('chooseRollbackTarget with deploy records', () => {
  // Each deploy job: GitHub's own environment deployment (ref main, no payload) when the job
  // starts, then health-gate's record of the same commit once the gate passed.
  const goodGitHub = () => listed({}, SHA(3), 'main', '10:00', 'inactive', 'success');
  const goodRecord = () => listed(recordOf('1.4.0', SHA(3)), SHA(3), SHA(3), '10:02', 'inactive', 'success');
  const badGitHub = () => listed({}, SHA(5), 'main', '11:00', 'success');
  const badRecord = () => listed(recordOf('1.5.0', SHA(5)), SHA(5), SHA(5), '11:02', 'success');

  it.each([
    {
      name: 'the record wins over GitHub’s own deployment of the same sha, and names the current one',
      history: () => [goodGitHub(), goodRecord(), badGitHub(), badRecord()],
      version: '1.4.0',
      sha: SHA(3),
      recorded: true,
      current: '1.5.0'
    },
    {
      name: 'the record wins even when GitHub’s own deployment is newer (GitHub ends it when the job ends)',
      history: () => [goodRecord(), listed({}, SHA(3), 'main', '10:05', 'success'), badGitHub()],
      version: '1.4.0',
      sha: SHA(3),
      recorded: true,
      current: SHA(5)
    },
    {
      name: 'without any record: the sha, never the branch',
      history: () => [goodGitHub(), badGitHub()],
      version: SHA(3),
      sha: SHA(3),
      recorded: false,
      current: SHA(5)
    },
    {
      name: 'an older deployment with payload.version only: that version, restored by sha',
      history: () => [listed({ version: '1.3.0' }, SHA(2), 'main', '09:00', 'success'), badRecord()],
      version: '1.3.0',
      sha: SHA(2),
      recorded: false,
      current: '1.5.0'
    }
  ])('$name', ({ history, version, sha, recorded, current }) => {
    const choice = chooseRollbackTarget(history());
    expect(choice.current?.version).toBe(current);
    expect(choice.target?.version).toBe(version);
    expect(choice.target?.sha).toBe(sha);
    expect(choice.target?.record !== undefined).toBe(recorded);
  });

  it('says when it restores by sha because the deployment has no record', () => {
    const github = goodGitHub();
    const choice = chooseRollbackTarget([github, badGitHub()]);
    expect(choice.target).toMatchObject({ sha: SHA(3), deploymentId: github.id });
    expect(choice.target?.reason).toContain(
      `no deploy record on deployment #${github.id}; restoring by sha ${SHA(3).slice(0, 7)}`
    );
  });

  it('prefers an older recorded version to a newer unrecorded one, and says which it skipped', () => {
    const unrecorded = listed({}, SHA(4), 'main', '10:30', 'success');
    const choice = chooseRollbackTarget([goodGitHub(), goodRecord(), unrecorded, badRecord()]);
    expect(choice.target?.version).toBe('1.4.0');
    expect(choice.target?.reason).toContain(`skipped: #${unrecorded.id} (${SHA(4).slice(0, 7)})`);
  });

  it('never brings back a commit whose newest record failed, whatever GitHub’s own deployment says', () => {
    // After a first rollback: 1.5.0's record marked failure, the rollback's own record of 1.4.0 newest.
    const again = listed(recordOf('1.4.0', SHA(3)), SHA(3), SHA(3), '12:00', 'success');
    const rolledBack = listed(recordOf('1.5.0', SHA(5)), SHA(5), SHA(5), '11:02', 'failure', 'success');
    const choice = chooseRollbackTarget([goodGitHub(), goodRecord(), badGitHub(), rolledBack, again]);
    expect(choice.current?.id).toBe(again.id);
    expect(choice.target).toBeUndefined();
    // A gate that failed on a commit: GitHub's success of the same commit does not make it good.
    const gateFailed = listed(recordOf('1.4.0', SHA(3)), SHA(3), SHA(3), '10:02', 'failure', 'in_progress');
    expect(chooseRollbackTarget([goodGitHub(), gateFailed, badRecord()]).target).toBeUndefined();
  });

  it.each([
    ['the newest deployment failed', ['failure'] as DeploymentState[]],
    [
      'the newest was marked inactive without ever succeeding',
      ['inactive', 'in_progress'] as DeploymentState[]
    ]
  ])('never takes a deployment that is not known-good: %s', (_name, states) => {
    const choice = chooseRollbackTarget([
      listed(recordOf('1.4.0', SHA(3)), SHA(3), SHA(3), '10:02', ...states),
      badRecord()
    ]);
    expect(choice.target).toBeUndefined();
    expect(choice.problem).toMatch(/no successful deployment before the current one/);
  });

  it('a given version is looked up in the records first, with its images', () => {
    const choice = chooseRollbackTarget([goodGitHub(), goodRecord(), badRecord()], '1.4.0');
    expect(choice.target).toMatchObject({
      version: '1.4.0',
      sha: SHA(3),
      record: { alembic_head: 'rev140' }
    });
    const bySha = chooseRollbackTarget([goodGitHub(), goodRecord(), badRecord()], SHA(3).slice(0, 8));
    expect(bySha.target).toMatchObject({ version: '1.4.0', sha: SHA(3) });
  });
});

describe('chooseRollbackTarget within one second', () => {
  it('orders deployments of the same second by id, as GitHub numbers them', () => {
    const at = '2026-11-20T10:00:00Z';
    const older = toDeploymentRecord({ id: 1, sha: SHA(3), ref: 'main', createdAt: at, payload: {} }, [
      { state: 'success', createdAt: at }
    ]);
    const newer = toDeploymentRecord({ id: 2, sha: SHA(5), ref: 'main', createdAt: at, payload: {} }, [
      { state: 'success', createdAt: at }
    ]);
    expect(chooseRollbackTarget([older, newer]).current?.id).toBe(2);
    expect(chooseRollbackTarget([newer, older]).target?.deploymentId).toBe(1);
  });
});
