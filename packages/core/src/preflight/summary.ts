/**
 * The preflight job summary: the verdict, a checklist with a reason (and links) for every check,
 * then the details a person needs for what failed: CI checks, security counts, incidents, the
 * week's freeze chart, and what to do next. Pure: a function of the report.
 */
import { formatDuration } from '../inputs/duration.ts';
import { bar, cell, code, codeBlock, details, escapeHtml, raw, table } from '../summary/markdown.ts';
import type { CiDetails } from './ci.ts';
import type { IncidentDetails } from './github-checks.ts';
import type { PreflightReport } from './run-preflight.ts';
import { VULN_SEVERITIES } from './scanners/finding.ts';
import { formatAge, type SecretsDetails } from './secrets.ts';
import type { SecurityDetails } from './security.ts';
import type { PreflightCheckResult, PreflightCheckStatus } from './types.ts';
import type { WindowDetails } from './window-check.ts';

const ICON: Record<PreflightCheckStatus, string> = { pass: '✅', fail: '❌', warn: '⚠️', skip: '⏭' };

function link(title: string, url: string): string {
  return `[${escapeHtml(title).replace(/[[\]]/g, '\\$&')}](${url.replace(/\)/g, '%29')})`;
}

function reasonCell(check: PreflightCheckResult): string {
  const links = (check.links ?? []).slice(0, 5).map((l) => link(l.title, l.url));
  return `${cell(check.reason)}${links.length ? `<br>${links.join(' · ')}` : ''}`;
}

function ciSection(check: PreflightCheckResult): string | undefined {
  const d = check.details as Partial<CiDetails>;
  if (!d.entries || d.entries.length === 0) return undefined;
  const rows = d.entries.map((e) => [
    e.state === 'success' ? '✅' : e.state === 'failure' ? '❌' : e.state === 'pending' ? '⏳' : '⏭',
    e.url ? raw(link(e.name, e.url)) : e.name,
    e.kind === 'check-run' ? 'check run' : 'status',
    e.ignoredBecause ? `${e.detail}; ignored: ${e.ignoredBecause}` : e.detail
  ]);
  const body = table(['', 'check', 'kind', 'state'], rows);
  const note = `<sub>${d.polls ?? 0} poll${d.polls === 1 ? '' : 's'} over ${formatDuration(d.waitedMs ?? 0)}; this run's own checks recognised by ${escapeHtml(d.ownRun?.identifiedBy ?? '–')}</sub>`;
  const failing = d.entries.filter((e) => e.state === 'failure' || e.state === 'pending').length;
  return failing > 0 && d.entries.length <= 15
    ? `### CI\n\n${body}\n\n${note}`
    : details(`CI: ${d.entries.length} checks and statuses`, `${body}\n\n${note}`);
}

function securitySection(check: PreflightCheckResult): string | undefined {
  const d = check.details as Partial<SecurityDetails>;
  if (!d.counts || !d.reports) return undefined;
  const total = VULN_SEVERITIES.reduce((sum, s) => sum + d.counts![s], 0);
  const max = Math.max(1, ...VULN_SEVERITIES.map((s) => d.counts![s]));
  const parts: string[] = ['### Security'];
  parts.push(
    table(
      ['severity', 'findings', '', 'fails?'],
      VULN_SEVERITIES.filter((s) => s !== 'info' || d.counts!.info > 0).map((s) => [
        s,
        d.counts![s],
        raw(`\`${bar(d.counts![s], max, 16)}\``),
        s === 'unknown' ? 'yes (no severity given)' : isAtOrAbove(s, d.failOnSeverity!) ? 'yes' : 'no'
      ])
    )
  );
  parts.push(
    `<sub>fail-on-severity: ${d.failOnSeverity}; ${total} counted, ${d.ignored ?? 0} ignored; ${d.reports.length} report${d.reports.length === 1 ? '' : 's'}</sub>`
  );
  parts.push(
    table(
      ['report', 'tool', 'result'],
      [
        ...d.reports.map((r) => [
          raw(code(r.file)),
          r.tool,
          r.error !== undefined
            ? `❌ ${r.error}`
            : `${
                VULN_SEVERITIES.filter((s) => (r.counts?.[s] ?? 0) > 0)
                  .map((s) => `${r.counts![s]} ${s}`)
                  .join(', ') || 'clean'
              }${r.notAudited?.length ? `; not audited: ${r.notAudited.join('; ')}` : ''}`
        ]),
        ...(d.unmatched ?? []).map((u) => [raw(code(u.pattern)), u.input, '❌ matched no file'])
      ]
    )
  );
  if ((d.findings ?? []).length > 0) {
    const rows = (d.findings ?? [])
      .slice(0, 100)
      .map((f) => [
        f.verdict === 'fails' ? '❌' : f.verdict === 'ignored' ? '⏭' : '⚠️',
        f.severity,
        f.url ? raw(link(f.id, f.url)) : f.id,
        `${f.package}${f.version ? ` ${f.version}` : ''}`,
        f.fixedIn,
        f.ignoredBy
          ? `ignored (${f.ignoredBy})`
          : f.expiredIgnore
            ? `ignore expired ${f.expiredIgnore.expires}`
            : f.title
      ]);
    const findingsTable = table(['', 'severity', 'id', 'package', 'fixed in', 'note'], rows);
    const more =
      (d.findings?.length ?? 0) > 100 || (d.findingsOmitted ?? 0) > 0
        ? '\n\n<sub>Only the first 100 are shown; the report output has up to 200.</sub>'
        : '';
    parts.push(
      (d.findings?.length ?? 0) <= 10
        ? findingsTable
        : details(`${d.findings!.length} findings`, findingsTable + more)
    );
  }
  const expired = d.expiredIgnores ?? [];
  if (expired.length > 0) {
    parts.push(
      `Expired ignore entries: ${expired.map((e) => `${code(e.id)} (expired ${e.expires}${e.matched ? ', its finding counts again' : ', matches nothing: remove it'})`).join(', ')}`
    );
  }
  return parts.join('\n\n');
}

function isAtOrAbove(severity: string, threshold: string): boolean {
  const order = ['critical', 'high', 'medium', 'low'];
  return order.includes(severity) && order.indexOf(severity) <= order.indexOf(threshold);
}

function incidentSection(check: PreflightCheckResult): string | undefined {
  const d = check.details as Partial<IncidentDetails>;
  if (!d.incidents || d.incidents.length === 0) return undefined;
  return [
    '### Incidents',
    table(
      ['', 'issue', 'labels'],
      d.incidents.map((i) => [
        i.severity ? (d.overridden ? '⚠️' : '❌') : '⚠️',
        raw(link(`#${i.number} ${i.title}`, i.url)),
        i.labels.join(', ')
      ])
    )
  ].join('\n\n');
}

const SECRET_VERDICT = {
  ok: '✅',
  settling: '❌ updated too recently',
  overdue: '❌ rotation overdue'
} as const;

function secretsSection(check: PreflightCheckResult): string | undefined {
  const d = check.details as Partial<SecretsDetails>;
  if (!d.secrets || d.secrets.length === 0) return undefined;
  const body = table(
    ['secret', 'scope', 'updated', 'age', ''],
    d.secrets.map((s) => [
      s.name,
      s.scope === 'repository'
        ? `repository (every environment)${s.overriddenByEnvironment ? `; ${d.environment} has its own` : ''}`
        : `environment ${d.environment}`,
      s.updatedAt,
      formatAge(s.ageMs),
      SECRET_VERDICT[s.verdict]
    ])
  );
  const note = `<sub>secrets-settle: ${formatAge(d.settleMs ?? 0)} · secrets-max-age: ${
    d.maxAgeMs ? formatAge(d.maxAgeMs) : 'none (ages reported only)'
  } · names and dates only: GitHub never returns a secret's value</sub>`;
  return check.status === 'fail' || d.secrets.length <= 10
    ? `### Secrets\n\n${body}\n\n${note}`
    : details(`Secrets: ${d.secrets.length}`, `${body}\n\n${note}`);
}

function windowSection(check: PreflightCheckResult): string | undefined {
  const d = check.details as Partial<WindowDetails>;
  if (!d.week) return undefined;
  const hours = '           0     6     12    18    ';
  const chart = [
    hours,
    ...d.week.map(
      (row) => `${row.weekday} ${row.date.slice(5)}  ${row.cells}${d.local?.includes(row.date) ? '  ◀' : ''}`
    )
  ].join('\n');
  const lines = [
    `### Deploy window (${d.timeZone})`,
    codeBlock(chart),
    `<sub>█ frozen · ▒ partly frozen · · open · ◀ ${escapeHtml(d.local ?? '')}${d.source === 'window-at' ? ' (window-at)' : ''}. Freeze windows: ${escapeHtml(
      (d.freezeWindows ?? []).join('; ') || 'none'
    )}${d.holidays?.length ? `; holidays: ${escapeHtml(d.holidays.join(', '))}` : ''}${d.holidayCalendar ? `; public holidays of ${escapeHtml(d.holidayCalendar)}` : ''}</sub>`
  ];
  return lines.join('\n\n');
}

/** Renders the job summary of a preflight report. */
export function renderPreflightSummary(report: PreflightReport): string {
  const parts: string[] = [];
  const short = report.sha.slice(0, 7);
  parts.push(
    `## ${report.passed ? '✅' : '❌'} preflight-validate: ${code(short)} → ${escapeHtml(report.environment)} ${report.passed ? 'may deploy' : 'blocked'}`
  );
  parts.push(`> ${cell(report.verdict)}`);
  if (report.override) {
    parts.push(
      `> ⚠️ **Override** by ${escapeHtml(report.override.by ?? 'unknown')}: ${cell(report.override.reason)} — applies to window and incidents only${
        report.override.bypassed.length
          ? `; bypassed: ${report.override.bypassed.join(', ')}`
          : '; nothing needed it'
      }.`
    );
  }
  parts.push(
    table(
      ['', 'check', 'result'],
      report.checks.map((c) => [ICON[c.status], raw(`**${c.id}**`), raw(reasonCell(c))])
    )
  );
  const byId = new Map(report.checks.map((c) => [c.id, c]));
  const sections = [
    byId.get('ci') && byId.get('ci')!.status !== 'skip' ? ciSection(byId.get('ci')!) : undefined,
    byId.get('security') && byId.get('security')!.status !== 'skip'
      ? securitySection(byId.get('security')!)
      : undefined,
    byId.get('incidents') && byId.get('incidents')!.status !== 'skip'
      ? incidentSection(byId.get('incidents')!)
      : undefined,
    byId.get('window') && byId.get('window')!.status !== 'skip'
      ? windowSection(byId.get('window')!)
      : undefined,
    byId.get('secrets') && byId.get('secrets')!.status !== 'skip'
      ? secretsSection(byId.get('secrets')!)
      : undefined
  ].filter((s): s is string => s !== undefined);
  parts.push(...sections);
  if (report.nextSteps.length > 0) {
    parts.push('### What to do next');
    parts.push(report.nextSteps.map((step) => `- ${escapeHtml(step)}`).join('\n'));
  }
  parts.push(
    `<sub>${escapeHtml(report.repository)} @ ${code(report.sha)} · base ${escapeHtml(report.baseBranch)} · ${report.finishedAt} · took ${formatDuration(report.durationMs)}</sub>`
  );
  return `${parts.join('\n\n')}\n`;
}
