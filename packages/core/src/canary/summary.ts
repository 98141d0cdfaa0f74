/**
 * The canary-step job summary: verdict, the weights walked, charts of error rate and p99 over time
 * (Mermaid renders in job summaries), every measurement, and what to do next. Pure.
 */
import { formatDuration } from '../inputs/duration.ts';
import { cell, details, escapeHtml, ms, raw, table } from '../summary/markdown.ts';
import type { MeasurementStatus, SequentialLook } from './analysis.ts';
import type { HistoryEntry } from './history.ts';
import { canaryHeadline, type CanaryReport } from './report.ts';
import type { MeasurementRecord } from './run-canary.ts';
import type { CanaryPostResult } from './state.ts';

const DECISION_ICON = { promote: '✅', rollback: '❌', inconclusive: '⚠️' } as const;
const STATUS_ICON: Record<MeasurementStatus, string> = {
  pass: '✅',
  fail: '❌',
  inconclusive: '❔',
  error: '⚠️'
};
const WEIGHT_ICON = { promote: '✅', rollback: '❌', inconclusive: '⚠️', 'not-applied': '⛔' } as const;

/** Most points a chart shows (the newest); a job summary chart wider than this is unreadable. */
const CHART_POINTS = 60;

interface Point {
  label: string;
  canary: number;
  baseline: number;
}

function formatNumber(value: number): string {
  return String(Number(value.toFixed(value < 10 ? 2 : 1)));
}

/** A Mermaid xychart: canary as bars, baseline as a line (xychart has no legend; the title says it). */
function chart(title: string, axis: string, points: readonly Point[]): string {
  const shown = points.slice(-CHART_POINTS);
  const top = Math.max(...shown.flatMap((p) => [p.canary, p.baseline]), 0);
  const ceiling = top > 0 ? Number((top * 1.15).toPrecision(2)) : 1;
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${title}"`,
    `  x-axis [${shown.map((p) => `"${p.label}"`).join(', ')}]`,
    `  y-axis "${axis}" 0 --> ${ceiling}`,
    `  bar [${shown.map((p) => formatNumber(p.canary)).join(', ')}]`,
    `  line [${shown.map((p) => formatNumber(p.baseline)).join(', ')}]`,
    '```'
  ].join('\n');
}

function chartPoints(report: CanaryReport): { errors: Point[]; p99: Point[] } {
  const errors: Point[] = [];
  const p99: Point[] = [];
  const rate = (t: { requests: number; errors: number }) =>
    t.requests > 0 ? (100 * t.errors) / t.requests : 0;
  // Earlier steps (history) first, marked with a leading `·`, then this step.
  const earlier = report.earlier.map((e: HistoryEntry, i) => ({
    label: `·${e.weight}%#${i + 1}`,
    c: e.canary,
    b: e.baseline
  }));
  const current = report.measurements.map((m) => ({
    label: `${m.weight}%#${m.look}`,
    c: m.canary,
    b: m.baseline
  }));
  for (const { label, c, b } of [...earlier, ...current]) {
    if (!c || !b || c.requests === 0) continue;
    errors.push({ label, canary: rate(c), baseline: rate(b) });
    if (
      c.p99Ms !== undefined &&
      b.p99Ms !== undefined &&
      Number.isFinite(c.p99Ms) &&
      Number.isFinite(b.p99Ms)
    ) {
      p99.push({ label, canary: c.p99Ms, baseline: b.p99Ms });
    }
  }
  return { errors, p99 };
}

const percent = (value: number | undefined) => (value === undefined ? undefined : `${formatNumber(value)}%`);

/** A look's canary and baseline: rates, p99s, or (one p99 per look) the mean ratio alone. */
const lookValues = (look: SequentialLook) =>
  look.test === 'error rates'
    ? `${formatNumber(look.canary)}% / ${formatNumber(look.baseline)}%`
    : look.test === 'latency ranks'
      ? `${ms(look.canary)} / ${ms(look.baseline)}`
      : `p99 ×${look.canary} the baseline's`;

/** Why the sequential test stopped the canary: in plain words, then the statistics collapsed. */
function renderStop(report: CanaryReport, measurement: MeasurementRecord): string {
  const why = measurement.sequential
    .filter((look) => look.stop)
    .map((look) => look.why)
    .join('; and ');
  const alpha = report.settings.statistics.sequentialAlpha;
  const rows = measurement.sequential.map((look) => [
    look.metric,
    look.test,
    lookValues(look),
    `${look.canaryRequests} / ${look.baselineRequests}`,
    Number(look.eValue.toPrecision(3)),
    Number((1 / look.alpha).toPrecision(3)),
    Number(look.pValue.toPrecision(2)),
    look.stop ? 'stop' : 'go on'
  ]);
  const method =
    `Anytime-valid one-sided tests over everything measured at ${measurement.weight}%: normal-mixture e-values (a mixture SPRT) on the difference of error rates ` +
    `and on the Mann-Whitney effect of every latency (probe), a Bayes factor t test on the p99 log ratio across measurements (Prometheus). ` +
    `A canary no worse than the stable version reaches an e-value of ${Number((1 / alpha).toPrecision(3))} with probability at most ${alpha * 100}% per metric and weight however many measurements are looked at, ` +
    `so the budget is not split over the ${report.settings.measurementsPerWeight} planned; a stop also needs the observed difference above the limit. ` +
    `Measurement ${measurement.look} of ${report.settings.measurementsPerWeight} at this weight.`;
  return [
    `**Why it was stopped:** ${escapeHtml(why.charAt(0).toUpperCase() + why.slice(1))}.`,
    details(
      'The sequential test in detail',
      `${table(
        [
          'metric',
          'test',
          'canary / baseline',
          'requests canary / baseline',
          'e-value',
          'stop at',
          'anytime p',
          'result'
        ],
        rows
      )}\n\n<sub>${escapeHtml(method)}</sub>`
    )
  ].join('\n\n');
}

/** Renders the canary-step job summary from its report. */
export function renderCanarySummary(report: CanaryReport): string {
  const parts: string[] = [];
  parts.push(`## ${DECISION_ICON[report.decision]} canary-step: ${canaryHeadline(report)}`);
  parts.push(`> ${cell(report.reason)}`);
  parts.push(
    table(
      ['decision', 'canary weight now', 'weights', 'measurements', 'elapsed', 'router', 'metrics'],
      [
        [
          `${DECISION_ICON[report.decision]} ${report.decision}`,
          report.weight === null ? 'unknown' : `${report.weight}%`,
          report.settings.weights.map((w) => `${w}%`).join(' → '),
          report.measurements.length,
          formatDuration(report.elapsedSeconds * 1000),
          report.router.type,
          report.metrics.type
        ]
      ]
    )
  );
  parts.push(`**Traffic:** ${escapeHtml(report.traffic.description)}`);
  const stoppedAt = report.measurements.find((m) => m.sequential.some((look) => look.stop));
  if (stoppedAt) parts.push(renderStop(report, stoppedAt));

  if (report.weights.length > 0) {
    parts.push('### Weights');
    parts.push(
      table(
        ['weight', 'result', 'measurements', 'why'],
        report.weights.map((w) => [
          `${w.weight}%`,
          `${WEIGHT_ICON[w.status]} ${w.status}`,
          w.measurements,
          w.reason
        ])
      )
    );
  }

  const points = chartPoints(report);
  if (points.errors.length > 0) {
    parts.push('### Canary against baseline over time');
    parts.push(chart('Error rate (%): bars canary, line baseline', 'errors (%)', points.errors));
    if (points.p99.length > 0)
      parts.push(chart('p99 latency (ms): bars canary, line baseline', 'p99 (ms)', points.p99));
    if (report.earlier.length > 0) {
      parts.push(`<sub>Points marked · come from earlier steps (the \`history\` input).</sub>`);
    }
  }

  if (report.measurements.length > 0) {
    const rows = report.measurements.map((m) => [
      `${STATUS_ICON[m.status]} ${m.index}`,
      `${m.weight}%`,
      `+${formatDuration(m.elapsedMs)}`,
      m.canary
        ? `${m.canary.requests} / ${m.baseline?.requests ?? '–'}${m.baselineFrom === 'reference' ? '*' : ''}`
        : undefined,
      m.canary
        ? `${percent(m.canary.errorRatePct)} / ${percent(m.baseline?.errorRatePct) ?? '–'}`
        : undefined,
      m.canary ? `${ms(m.canary.p99Ms)} / ${ms(m.baseline?.p99Ms)}` : undefined,
      m.reason
    ]);
    const measurementTable = table(
      [
        '#',
        'weight',
        'at',
        'requests canary / baseline',
        'errors canary / baseline',
        'p99 canary / baseline',
        'result'
      ],
      rows
    );
    parts.push('### Measurements');
    parts.push(
      report.measurements.length <= 12
        ? measurementTable
        : details(`All ${report.measurements.length} measurements`, measurementTable)
    );
    if (report.measurements.some((m) => m.baselineFrom === 'reference')) {
      parts.push(
        '<sub>* the stable version served too few requests in that window (at 100% it serves none): the canary was compared with the baseline of earlier measurements.</sub>'
      );
    }
  }

  const s = report.settings;
  const extra = report.metrics.extraChecks.length
    ? `; extra checks: ${report.metrics.extraChecks.join(', ')}`
    : '';
  const rules =
    `${STATUS_ICON.pass} pass · ${STATUS_ICON.fail} fail · ${STATUS_ICON.inconclusive} inconclusive (too few requests) · ${STATUS_ICON.error} no data. ` +
    `Rules: canary error rate ≤ baseline + ${s.maxErrorRateDeltaPp} pp; p99 ≤ ${s.maxP99Ratio} × baseline (differences under ${s.minP99DeltaMs} ms ignored)${extra}; ` +
    `at least ${s.minRequests} requests per track per measurement. A check fails only when the difference is also significant (p < ${s.statistics.intervalAlpha}); ` +
    `${s.failureLimit} failed and ${s.inconclusiveLimit} inconclusive measurement(s) tolerated per weight; a sequential test over each weight stops a clearly worse canary at once ` +
    `(anytime-valid: false-stop budget ${s.statistics.sequentialAlpha * 100}% per metric and weight, whatever the number of measurements). ` +
    `Source: ${report.metrics.source}; router: ${report.router.target}.`;
  parts.push(`<sub>${escapeHtml(rules)}</sub>`);

  if (report.nextSteps.length > 0) {
    parts.push('### What to do next');
    parts.push(report.nextSteps.map((step) => `- ${escapeHtml(step)}`).join('\n'));
  }
  return `${parts.join('\n\n')}\n`;
}

/** The post step's summary: a short note, only when it had to act. */
export function renderCanaryPostSummary(result: CanaryPostResult): string {
  const icon = result.ok ? '↩️' : '❌';
  return (
    [
      `## ${icon} canary-step post: ${result.ok ? 'traffic reset' : 'RESET FAILED'}`,
      `> ${cell(`${result.reason}: ${result.outcome}.`)}`,
      result.ok
        ? 'The canary was taken out of traffic because the step did not finish; run the canary again once the cause is fixed.'
        : table(
            ['what to do'],
            [
              [
                raw(
                  'Put traffic back on stable by hand (or run the rollback action): the canary may still receive traffic.'
                )
              ]
            ]
          )
    ].join('\n\n') + '\n'
  );
}
