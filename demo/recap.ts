/**
 * The end of the demo: a table of the stages, what it showed (or what went wrong), the Markdown
 * file and the elapsed time.
 */
import type { DemoOutput, StageResult } from './output.ts';
import type { RehearsalResult } from './rehearsal.ts';

/** Builds the recap as Markdown: one row per stage. Pure. */
export function recapMarkdown(stages: readonly StageResult[]): string {
  const rows = stages.map(
    (s) =>
      `| ${s.number}. ${s.name} | ${s.verdict.replace(/\|/g, '\\|')} | ${s.asIntended ? '✅' : '❌'} | ${s.seconds.toFixed(1)} s |`
  );
  return ['| stage | verdict | as intended | time |', '| --- | --- | :---: | ---: |', ...rows].join('\n');
}

export function printRecap(
  output: DemoOutput,
  result: RehearsalResult,
  run: { badCanary: boolean; markdownFile: string; seconds: number }
): void {
  const ok = result.problems.length === 0;
  output.say();
  output.markdown('---\n\n## Recap\n');
  output.both(`${recapMarkdown(result.stages)}\n`);
  output.say();
  if (ok) {
    const shown = run.badCanary
      ? "deploy-stage.yml's canary-step caught the bad canary and rolled it back; rollback.yml restored v1.0.0 from its deploy record, verified it healthy, told the webhook and opened an incident."
      : 'deploy-stage.yml took v2.0.0 through the migration rehearsal and its health gate, promoted it 10% -> 50% -> 100% on live metrics and recorded the deploy.';
    output.both(`✅ Demo complete: ${shown}\n`);
  } else {
    output.both(
      `❌ The demo did not show what it meant to:\n\n${result.problems.map((p) => `- ${p}`).join('\n')}\n`
    );
  }
  output.say(`Markdown summaries written to ${run.markdownFile}`);
  output.say(`Elapsed: ${run.seconds.toFixed(1)} s`);
  output.markdown(`_Elapsed: ${run.seconds.toFixed(1)} s._\n`);
}
