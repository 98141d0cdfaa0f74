/**
 * dashboard-url: a link template for logs, metrics or traces, filled with the incident's time
 * range. Pure.
 */

/** The placeholders a template may hold. */
export const DASHBOARD_PLACEHOLDERS = ['from', 'to', 'environment', 'version'] as const;
type Placeholder = (typeof DASHBOARD_PLACEHOLDERS)[number];

/** What dashboard-url looks like, for error messages. */
export const DASHBOARD_URL_HINT =
  'an http(s) URL template with {from} and {to} (epoch ms), {environment} and {version}, e.g. https://grafana.example.com/d/api?from={from}&to={to}&var-env={environment}';

/** The template filled in; each value is URI-encoded. */
export function renderDashboardUrl(template: string, values: Record<Placeholder, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    (DASHBOARD_PLACEHOLDERS as readonly string[]).includes(name)
      ? encodeURIComponent(String(values[name as Placeholder]))
      : whole
  );
}

/** Whether a template names only known placeholders and is an http(s) URL once filled. */
export function isDashboardUrlTemplate(template: string): boolean {
  const names = [...template.matchAll(/\{(\w*)\}/g)].map((m) => m[1]!);
  if (names.some((name) => !(DASHBOARD_PLACEHOLDERS as readonly string[]).includes(name))) return false;
  try {
    const { protocol } = new URL(
      renderDashboardUrl(template, { from: 0, to: 1, environment: 'production', version: '1.0.0' })
    );
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/** How far before the rollback a dashboard starts when the rolled-back deploy's time is unknown. */
export const DASHBOARD_LOOKBACK_MS = 3_600_000;
