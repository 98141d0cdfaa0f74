import type { HealthGateReport, TimelineEntry } from './report.ts';
import { formatDuration } from '../inputs/duration.ts';
import type { WindowVerdict } from './watch-window.ts';
import { MIN_ANSWERED_PER_WINDOW } from './watch-window.ts';
import { cell, code, details, escapeHtml, ms, raw, sparkline, table } from '../summary/markdown.ts';

const STATUS_ICON = { pass: '✅', warn: '⚠️', fail: '❌' } as const;

function probeIcon(entry: TimelineEntry): string {
  if (entry.outcome === 'pass') return '✅';
  if (entry.outcome === 'pending') return '⏳';
  return entry.inStartPeriod ? '🟡' : '❌';
}

const WINDOW_ICON: Record<WindowVerdict, string> = {
  pass: '✅',
  errors: '❌',
  slow: '🐢',
  inconclusive: '❔'
};
const WATCH_TITLE: Record<NonNullable<HealthGateReport['watch']>['status'], string> = {
  passed: '✅',
  failed: '❌',
  inconclusive: '❔ inconclusive',
  'cut-short': '⏱️ cut short by the deadline'
};

function renderWatch(watch: NonNullable<HealthGateReport['watch']>): string {
  const parts = [`### Post-deploy watch ${WATCH_TITLE[watch.status]}`];
  parts.push(
    `${watch.rps} requests/s to ${watch.paths.map(code).join(', ')} for ${formatDuration(watch.durationMs)}, ` +
      `judged every ${formatDuration(watch.intervalMs)}: a window fails above ${watch.maxErrorRate} % errors ` +
      `(5xx, timeouts, refused) or a p99 above ${ms(watch.maxP99Ms)}, and is inconclusive with fewer than ` +
      `${MIN_ANSWERED_PER_WINDOW} answers.\n\nOutcome: ${cell(watch.reason)}.`
  );
  if (watch.windows.length > 0) {
    // Anchored at 0 and twice the limit, so a blip well under the limit does not draw a full bar.
    const rates = watch.windows.map((w) => w.errorRate);
    const chart = sparkline([0, watch.maxErrorRate * 2, ...rates]).slice(2);
    parts.push(
      `Error rate per window: ${code(chart)} ` +
        `${watch.windows.map((w) => WINDOW_ICON[w.verdict]).join('')}` +
        (watch.windows.length < watch.plannedWindows
          ? ` (stopped after ${watch.windows.length} of ${watch.plannedWindows} windows)`
          : '')
    );
    const windowTable = table(
      ['window', 'requests', 'errors', 'error rate', 'p99', 'verdict'],
      watch.windows.map((w) => [
        `${w.window} (+${formatDuration(w.startMs)})`,
        w.requests,
        w.errors,
        w.errorRate !== undefined ? `${w.errorRate} %` : undefined,
        ms(w.p99Ms),
        `${WINDOW_ICON[w.verdict]} ${w.reason}`
      ])
    );
    parts.push(
      watch.windows.length <= 12 ? windowTable : details(`All ${watch.windows.length} windows`, windowTable)
    );
  }
  return parts.join('\n\n');
}

/** Renders the health-gate job summary: verdict, probe timeline, checks, latency, smoke, next steps. */
export function renderHealthGateSummary(report: HealthGateReport): string {
  const parts: string[] = [];
  parts.push(`## ${report.healthy ? '✅' : '❌'} health-gate: ${report.healthy ? 'healthy' : 'unhealthy'}`);
  // The verdict quotes what the service said (error texts, a non-JSON body): escape it like a cell.
  parts.push(`> ${cell(report.verdict)}`);
  const expected = [report.target.expectedVersion, report.target.expectedSha?.slice(0, 12)]
    .filter(Boolean)
    .join(' @ ');
  const reported = [report.reported.version, report.reported.gitSha?.slice(0, 12)]
    .filter(Boolean)
    .join(' @ ');
  parts.push(
    table(
      ['target', 'expected', 'reported', 'uptime', 'probes', 'elapsed'],
      [
        [
          raw(code(report.target.url)),
          expected || 'any version',
          reported || undefined,
          report.reported.uptimeSeconds !== undefined
            ? formatDuration(report.reported.uptimeSeconds * 1000)
            : undefined,
          report.gate.attempts,
          formatDuration(report.gate.elapsedSeconds * 1000)
        ]
      ]
    )
  );

  parts.push('### Probes');
  const strip = report.timeline.map(probeIcon).join('');
  parts.push(
    `${strip}\n\n<sub>✅ passed · ❌ failed · 🟡 failed in the start period (not counted) · ⏳ healthy but another version · ` +
      `every ${formatDuration(report.settings.intervalMs)}, ${report.settings.successThreshold} passes in a row needed, ` +
      `${report.settings.retries} counted failures in a row fail, start period ${formatDuration(report.settings.startPeriodMs)}, ` +
      `deadline ${formatDuration(report.settings.deadlineMs)}</sub>`
  );
  const probeRows = report.timeline.map((e) => [
    `${probeIcon(e)} ${e.attempt}`,
    `+${formatDuration(e.atMs)}`,
    ms(e.durationMs),
    e.version,
    e.summary
  ]);
  const probeTable = table(['probe', 'at', 'took', 'version', 'result'], probeRows);
  parts.push(
    report.timeline.length <= 8 ? probeTable : details(`All ${report.timeline.length} probes`, probeTable)
  );

  if (report.checks.length > 0) {
    parts.push('### Checks at the last probe');
    parts.push(
      table(
        ['check', 'result', 'detail'],
        report.checks.map((c) => [c.name, STATUS_ICON[c.status], c.detail])
      )
    );
  }
  if (report.dependencies.length > 0) {
    parts.push(
      table(
        ['dependency', 'status', 'latency', 'error'],
        report.dependencies.map((d) => [
          d.name,
          STATUS_ICON[d.status],
          d.latencyMs !== undefined ? ms(d.latencyMs) : undefined,
          d.error
        ])
      )
    );
  }

  if (report.latency) {
    const l = report.latency;
    parts.push(`### Latency ${l.passed ? '✅' : '❌'}`);
    parts.push(
      table(
        ['requests', 'failed', 'p50', 'p95', 'p99', 'max', 'p99 limit'],
        [[l.samples, l.failures, ms(l.p50Ms), ms(l.p95Ms), ms(l.p99Ms), ms(l.maxMs), ms(l.maxP99Ms)]]
      )
    );
    if (l.seriesMs.length > 1)
      parts.push(
        `Latency of ${code(l.path)} per request, in completion order: ${sparkline(l.seriesMs.slice(0, 200))}`
      );
    if (l.failureReasons.length) parts.push(`Failed requests: ${l.failureReasons.join(', ')}`);
  }

  if (report.smoke.length > 0) {
    parts.push(`### Smoke checks ${report.smoke.every((s) => s.passed) ? '✅' : '❌'}`);
    parts.push(
      table(
        ['check', 'result', 'detail', 'took'],
        report.smoke.map((s) => [
          s.check,
          s.passed ? '✅' : '❌',
          s.detail,
          s.latencyMs !== undefined ? ms(s.latencyMs) : undefined
        ])
      )
    );
  }

  if (report.watch) parts.push(renderWatch(report.watch));

  if (report.nextSteps.length > 0) {
    parts.push('### What to look at next');
    // Steps quote what the service said (errors, bodies): escape HTML, keep the Markdown code spans.
    parts.push(report.nextSteps.map((step) => `- ${escapeHtml(step)}`).join('\n'));
  }
  return `${parts.join('\n\n')}\n`;
}
