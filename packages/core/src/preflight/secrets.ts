/**
 * The `secrets` check: secret hygiene from the names and dates GitHub lists for the repository and
 * the target environment (never a value: the API has none). A secret updated less than `settle`
 * ago blocks the deploy (never rotate secrets and deploy at the same time); one not rotated for
 * longer than `max-age` fails (rotation overdue). Repository secrets are reported as shared: every
 * environment of the repository can read them.
 */
import { formatDuration } from '../inputs/duration.ts';
import { GitHubApiError, type GitHubSecretsClient, type SecretMetadata } from '../github/client.ts';
import { neutralise } from '../logger.ts';
import { countNoun, type PreflightCheckResult } from './types.ts';

const DAY_MS = 86_400_000;

/** Where a secret lives: `repository` secrets are shared by every environment. */
export type SecretScope = 'repository' | 'environment';

export interface SecretEntry {
  name: string;
  scope: SecretScope;
  updatedAt: string;
  /** Time since the last update (rotation), at the check. */
  ageMs: number;
  verdict: 'ok' | 'settling' | 'overdue';
  /** A repository secret the environment replaces with its own secret of the same name. */
  overriddenByEnvironment?: boolean;
}

export interface SecretsDetails {
  environment: string;
  /** `false`: GitHub does not know the environment, so it has no secrets of its own (unset: not read). */
  environmentExists?: boolean;
  settleMs: number;
  /** `0`: ages are only reported. */
  maxAgeMs: number;
  /** Which input the token came from. */
  token: 'secrets-token' | 'github-token';
  secrets: SecretEntry[];
  /** Names of the repository-wide secrets, shared across environments. */
  shared: string[];
}

export interface SecretsCheckOptions {
  environment: string;
  settleMs: number;
  maxAgeMs: number;
  nowMs: number;
  token: 'secrets-token' | 'github-token';
}

/** `40s`, `45m`, `3h10m`, `12d`: an age as people say it, to the minute below a day. */
export function formatAge(ms: number): string {
  if (ms >= DAY_MS) return `${Math.floor(ms / DAY_MS)}d`;
  return formatDuration(
    ms >= 60_000 ? Math.floor(ms / 60_000) * 60_000 : Math.max(0, Math.floor(ms / 1000) * 1000)
  );
}

/**
 * The verdict on the listed secrets: a pure function of the lists, the limits and the time.
 * A date in the future (clock skew) counts as just updated, so it settles rather than passes.
 */
export function assessSecrets(
  lists: { repository: readonly SecretMetadata[]; environment: readonly SecretMetadata[] | undefined },
  options: SecretsCheckOptions
): PreflightCheckResult<SecretsDetails> {
  const environmentNames = new Set((lists.environment ?? []).map((s) => s.name));
  const entry = (secret: SecretMetadata, scope: SecretScope): SecretEntry => {
    const updated = Date.parse(secret.updatedAt);
    // An unreadable date is no evidence of a settled secret: treat it as just updated.
    const ageMs = Number.isNaN(updated) ? 0 : Math.max(0, options.nowMs - updated);
    const verdict =
      Number.isNaN(updated) || options.nowMs - updated < options.settleMs
        ? 'settling'
        : options.maxAgeMs > 0 && ageMs > options.maxAgeMs
          ? 'overdue'
          : 'ok';
    return {
      name: neutralise(secret.name),
      scope,
      updatedAt: neutralise(secret.updatedAt),
      ageMs,
      verdict,
      ...(scope === 'repository' && environmentNames.has(secret.name)
        ? { overriddenByEnvironment: true }
        : {})
    };
  };
  const secrets = [
    ...(lists.environment ?? []).map((s) => entry(s, 'environment')),
    ...lists.repository.map((s) => entry(s, 'repository'))
  ];
  const shared = secrets.filter((s) => s.scope === 'repository').map((s) => s.name);
  const details: SecretsDetails = {
    environment: options.environment,
    environmentExists: lists.environment !== undefined,
    settleMs: options.settleMs,
    maxAgeMs: options.maxAgeMs,
    token: options.token,
    secrets,
    shared
  };
  const named = (list: SecretEntry[]) =>
    list.map((s) => `${s.name} (${s.scope}, ${formatAge(s.ageMs)} ago)`).join(', ');
  const settling = secrets.filter((s) => s.verdict === 'settling');
  const overdue = secrets.filter((s) => s.verdict === 'overdue');
  const sharedNote = shared.length
    ? ` ${countNoun(shared.length, 'repository secret')} shared by every environment: ${shared.join(', ')}.`
    : '';
  const missingEnvironment = lists.environment
    ? ''
    : ` Environment \`${options.environment}\` does not exist, so it has no secrets of its own.`;
  if (settling.length > 0 || overdue.length > 0) {
    const problems = [
      settling.length
        ? `${countNoun(settling.length, 'secret')} updated less than ${formatAge(options.settleMs)} ago: ${named(settling)}`
        : '',
      overdue.length
        ? `${countNoun(overdue.length, 'secret')} not rotated for more than ${formatAge(options.maxAgeMs)}: ${named(overdue)}`
        : ''
    ].filter(Boolean);
    const waitMs = Math.max(0, ...settling.map((s) => options.settleMs - s.ageMs));
    return {
      id: 'secrets',
      status: 'fail',
      reason: `${problems.join('; ')}.${sharedNote}`,
      details,
      next: [
        settling.length
          ? `Deploy after the rotation has settled (in ${formatAge(waitMs)}): a rotation and a deploy at once make a failure impossible to attribute.`
          : '',
        overdue.length
          ? `Rotate ${overdue.map((s) => s.name).join(', ')} (update the value under Settings → Secrets and variables, or the environment's secrets), then deploy after ${formatAge(options.settleMs)}.`
          : ''
      ]
        .filter(Boolean)
        .join(' ')
    };
  }
  const oldest = secrets.reduce<SecretEntry | undefined>(
    (worst, s) => (worst === undefined || s.ageMs > worst.ageMs ? s : worst),
    undefined
  );
  return {
    id: 'secrets',
    status: missingEnvironment ? 'warn' : 'pass',
    reason:
      secrets.length === 0
        ? `No repository or environment secrets.${missingEnvironment}`
        : `${countNoun(secrets.length, 'secret')} settled and rotated in time (oldest ${oldest!.name}, ${formatAge(oldest!.ageMs)}${
            options.maxAgeMs > 0 ? ` of ${formatAge(options.maxAgeMs)}` : ''
          }).${sharedNote}${missingEnvironment}`,
    details
  };
}

/**
 * What the token lacks, said for the endpoint that refused it: repository secrets need the
 * "Secrets" permission, environment secrets the "Environments" one (fine-grained tokens and Apps);
 * classic tokens need the `repo` scope for both.
 */
function refusal(error: GitHubApiError, options: SecretsCheckOptions): PreflightCheckResult<SecretsDetails> {
  const environmentSecrets = error.endpoint.includes('/environments/');
  const what = environmentSecrets
    ? `the \`${options.environment}\` environment's secrets`
    : "the repository's secrets";
  const permission = environmentSecrets ? '"Environments"' : '"Secrets"';
  const accepted = error.acceptedPermissions
    ? `; GitHub accepts ${neutralise(error.acceptedPermissions)}`
    : '';
  const given =
    options.token === 'github-token'
      ? ' `secrets-token` is not set, so the check used `github-token`: GitHub’s GITHUB_TOKEN can never read secret metadata.'
      : '';
  return {
    id: 'secrets',
    status: 'fail',
    reason: `GitHub refused to list ${what} (HTTP ${error.status}): the token lacks the ${permission} repository permission (read), or the \`repo\` scope for a classic token${accepted}.${given}`,
    details: {
      environment: options.environment,
      settleMs: options.settleMs,
      maxAgeMs: options.maxAgeMs,
      token: options.token,
      secrets: [],
      shared: []
    },
    next: 'Set `secrets-token` to a token that may read secret metadata: a fine-grained personal access token or GitHub App with the "Secrets" and "Environments" repository permissions (read), or a classic token with the `repo` scope.'
  };
}

/** Lists the repository's and the environment's secrets, then assesses them. */
export async function checkSecrets(
  github: GitHubSecretsClient,
  options: SecretsCheckOptions
): Promise<PreflightCheckResult<SecretsDetails>> {
  try {
    const [repository, environment] = await Promise.all([
      github.listRepositorySecrets(),
      github.listEnvironmentSecrets(options.environment)
    ]);
    return assessSecrets({ repository, environment }, options);
  } catch (error) {
    if (error instanceof GitHubApiError && error.kind === 'permission') return refusal(error, options);
    throw error;
  }
}
