/**
 * Templates for the objects the fake serves, from real GitHub payloads (corpus/PROVENANCE.md):
 * recorded api.github.com traffic where it exists (statuses, issues, response headers), GitHub's
 * own documentation examples otherwise (check runs, compare, environments, deployments). Each
 * object the fake creates is a copy of its template with the fields that matter overwritten, so
 * everything else has the shape, types and nesting GitHub really sends.
 */
import { readFileSync } from 'node:fs';

type Json = Record<string, unknown>;

const load = (file: string): unknown =>
  JSON.parse(readFileSync(new URL(`./corpus/${file}`, import.meta.url), 'utf8'));

let cached: Templates | undefined;

export interface Templates {
  checkRun: Json;
  commitStatus: Json;
  combinedStatus: Json;
  comparison: Json;
  issue: Json;
  label: Json;
  environment: Json;
  userReviewer: Json;
  teamReviewer: Json;
  deployment: Json;
  deploymentStatus: Json;
  user: Json;
  /** Response headers GitHub sends with every answer (recorded), without the per-response ones. */
  headers: Record<string, string>;
  notFound: Json;
  validationFailed: Json;
}

/** The templates, read once; callers get deep copies. */
export function templates(): Templates {
  if (!cached) {
    const environment = load('openapi__repos-get-environment__GET_environments_name.200.json') as Json;
    const reviewers = (environment.protection_rules as Json[]).find((r) => r.type === 'required_reviewers')!
      .reviewers as Json[];
    const recordedHeaders = load(
      'octokit-fixtures__issues-list-for-repo__GET_issues_page1.200.headers.json'
    ) as Record<string, unknown>;
    const perResponse = new Set(['content-length', 'date', 'etag', 'link', 'connection']);
    const issue = load('octokit-fixtures__issues-create__POST_issues.201.json') as Json;
    cached = {
      checkRun: load('openapi__checks-get__GET_check-runs_id.200.json') as Json,
      commitStatus: (
        load(
          'octokit-fixtures__repos-list-commit-statuses-for-ref__GET_commits_ref_statuses.200.json'
        ) as Json[]
      )[0]!,
      combinedStatus: load(
        'octokit-fixtures__repos-get-combined-status-for-ref__GET_commits_ref_status.200.json'
      ) as Json,
      comparison: load('openapi__repos-compare-commits__GET_compare_basehead.200.json') as Json,
      issue,
      label: ((load('openapi__issues-create__POST_issues.201.json') as Json).labels as Json[])[0]!,
      environment,
      userReviewer: reviewers.find((r) => r.type === 'User')!,
      teamReviewer: reviewers.find((r) => r.type === 'Team')!,
      deployment: load('openapi__repos-get-deployment__GET_deployments_id.200.json') as Json,
      deploymentStatus: load(
        'openapi__repos-create-deployment-status__POST_deployments_id_statuses.201.json'
      ) as Json,
      user: issue.user as Json,
      headers: Object.fromEntries(
        Object.entries(recordedHeaders)
          .filter(([name]) => !perResponse.has(name) && !name.startsWith('x-ratelimit'))
          .map(([name, value]) => [name, String(value)])
      ),
      notFound: load('octokit-fixtures__error__GET_branch_protection.404-not-found.json') as Json,
      validationFailed: load('octokit-fixtures__error__POST_labels.422-validation-failed.json') as Json
    };
  }
  return structuredClone(cached);
}
