/**
 * The marker a rollback writes into its incident issue: which commit was rolled back from which
 * environment. preflight-validate's `incidents` check reads it to refuse that commit there while
 * the incident is open. An HTML comment, so the issue reads the same.
 */

export interface RolledBackMarker {
  sha: string;
  environment: string;
}

const MARKER = /<!-- deploy-actions:rolled-back sha=([0-9a-f]{40}) environment=(\S+) -->/g;

/** The marker line for an issue body; the environment is URI-encoded so it stays one token. */
export function rolledBackMarker(marker: RolledBackMarker): string {
  return `<!-- deploy-actions:rolled-back sha=${marker.sha.toLowerCase()} environment=${encodeURIComponent(marker.environment)} -->`;
}

/** Every marker in an issue body (an issue edited by hand may hold several, or none). */
export function readRolledBackMarkers(body: string): RolledBackMarker[] {
  return [...body.matchAll(MARKER)].flatMap(([, sha, environment]) => {
    try {
      return [{ sha: sha!, environment: decodeURIComponent(environment!) }];
    } catch {
      return [];
    }
  });
}
