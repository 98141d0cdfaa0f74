/**
 * The smallest scenario: the engine's own fixture workflow with two jobs, a job output passed
 * through needs and a step summary. It needs no stand-in and no service, so it runs anywhere.
 */
import type { Scenario } from './scenario.ts';

export const engineSmoke: Scenario = {
  name: 'engine-smoke',
  description: 'two jobs of a fixture workflow: an output through needs and a step summary',
  async run(context) {
    const result = await context.rehearse({
      workflow: 'rehearsal/engine/__fixtures__/workflows/smoke.yml',
      event: { name: 'push' }
    });
    const problems: string[] = [];
    if (result.conclusion !== 'success') problems.push(`the run concluded ${result.conclusion}`);
    const report = result.jobs.find((job) => job.id === 'report');
    if (report?.summaries.join('').includes('hello from build') !== true) {
      problems.push('the report job did not see the build output');
    }
    return { ok: problems.length === 0, results: [result], problems };
  }
};
