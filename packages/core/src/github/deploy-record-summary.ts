import type { DeployRecord } from './deploy-record.ts';
import { cell, table } from '../summary/markdown.ts';

/** What health-gate's summary says about the deploy record it wrote (or could not write). */
export interface DeployRecordSummaryInput {
  environment: string;
  record: DeployRecord;
  /** The status the record ended with. */
  state: 'success' | 'failure';
  deploymentId?: number;
  /** Why it was not written. */
  error?: string;
}

/** The deploy record section: what rollback will find on GitHub, or that it will not find it. */
export function renderDeployRecordSummary(input: DeployRecordSummaryInput): string {
  const { record } = input;
  const heading =
    input.deploymentId === undefined
      ? `### Deploy record ❌ not written to ${cell(input.environment)}`
      : `### Deploy record ${input.state === 'success' ? '✅' : '❌'} deployment #${input.deploymentId} of ${cell(input.environment)}: ${input.state}`;
  const parts = [heading];
  if (input.error !== undefined) parts.push(`> ${cell(input.error)}`);
  parts.push(
    table(
      ['version', 'sha', 'alembic head', 'images'],
      [
        [
          record.version,
          record.sha.slice(0, 7),
          record.alembic_head ?? undefined,
          Object.entries(record.images)
            .map(([name, image]) => `${name}=${image}`)
            .join('\n')
        ]
      ]
    )
  );
  return parts.join('\n\n');
}
