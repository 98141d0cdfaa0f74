import { describe, expect, it } from '@jest/globals';
import {
  chooseRollbackTarget,
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
