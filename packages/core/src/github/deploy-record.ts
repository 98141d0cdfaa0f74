/**
 * The deploy record: what a verified deploy writes into its GitHub deployment's payload, and what
 * rollback reads back to know exactly what to restore (version, images by digest, commit, database
 * revision). Pure: the schema, building a payload, parsing one from whatever a deployment carries.
 */
import { z } from 'zod';

/** The `schema` value of a record; a payload with another value (or none) is not a record. */
export const DEPLOY_RECORD_SCHEMA = 'deploy-record/v1';

/** `name=registry/repo@sha256:<64 hex>`: only a digest names an image that can never change. */
const IMAGE_REFERENCE =
  /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]{1,5})?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+@sha256:[0-9a-f]{64}$/;
/** Image names as keys (`api`, `web`, `worker-1`). */
const IMAGE_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** Alembic revision ids are hex by default but may be any identifier (`--rev-id`). */
const ALEMBIC_REVISION = /^[A-Za-z0-9_.-]{1,128}$/;

export const IMAGE_REFERENCE_HINT =
  'one image a line as name=registry/repository@sha256:<64 hex digits>, e.g. api=ghcr.io/acme/api@sha256:9f86d0…; a tag is refused because it can be moved';

export const deployRecordSchema = z.object({
  schema: z.literal(DEPLOY_RECORD_SCHEMA),
  version: z.string().regex(/^\S{1,128}$/, 'a version without spaces'),
  sha: z.string().regex(/^[0-9a-f]{40}$/, 'a full commit sha (40 lowercase hexadecimal characters)'),
  images: z.record(
    z.string().regex(IMAGE_NAME, 'an image name such as api'),
    z.string().regex(IMAGE_REFERENCE, 'registry/repository@sha256:<64 hex digits>')
  ),
  alembic_head: z.string().regex(ALEMBIC_REVISION, 'an alembic revision id').nullable(),
  run_url: z.string().url().nullable()
});

/** A deploy record as stored in a deployment's payload (the payload's own snake_case keys). */
export type DeployRecord = z.output<typeof deployRecordSchema>;

/** What a deploy knows about itself; absent values are stored as `null`. */
export interface DeployRecordInput {
  version: string;
  sha: string;
  images: Record<string, string>;
  alembicHead?: string;
  runUrl?: string;
}

/** Builds a record; throws a zod error when a field does not fit the schema (a bug upstream of it). */
export function buildDeployRecord(input: DeployRecordInput): DeployRecord {
  return deployRecordSchema.parse({
    schema: DEPLOY_RECORD_SCHEMA,
    version: input.version,
    sha: input.sha.toLowerCase(),
    images: input.images,
    alembic_head: input.alembicHead ?? null,
    run_url: input.runUrl ?? null
  });
}

/**
 * The record in a deployment's payload, or undefined when the payload is not one: GitHub's own
 * environment deployments carry `{}`, and older deployments only `{version}`. Keys beside the
 * record's own (such as `rollback`) are ignored.
 */
export function parseDeployRecord(payload: unknown): DeployRecord | undefined {
  const parsed = deployRecordSchema.safeParse(
    typeof payload === 'string' ? parseJsonObject(payload) : payload
  );
  return parsed.success ? parsed.data : undefined;
}

function parseJsonObject(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Parses `name=reference` lines into the record's images. Returns the problems instead of throwing
 * so that an input schema can report each bad line.
 */
export function parseImageLines(lines: readonly string[]): {
  images: Record<string, string>;
  problems: string[];
} {
  const images: Record<string, string> = {};
  const problems: string[] = [];
  lines.forEach((line, index) => {
    const at = `line ${index + 1}`;
    const separator = line.indexOf('=');
    const name = separator > 0 ? line.slice(0, separator).trim() : '';
    const reference = separator > 0 ? line.slice(separator + 1).trim() : '';
    if (!IMAGE_NAME.test(name)) problems.push(`${at}: ${JSON.stringify(line)} does not start with name=`);
    else if (!IMAGE_REFERENCE.test(reference))
      problems.push(
        `${at}: ${JSON.stringify(reference)} is not registry/repository@sha256:<64 hex digits>${!reference.includes('@') && /:[\w.-]+$/.test(reference) ? ' (a tag is mutable: give the digest)' : ''}`
      );
    else if (name in images) problems.push(`${at}: image ${name} is given twice`);
    else images[name] = reference;
  });
  return { images, problems };
}

/** True for a string alembic accepts as a revision id. */
export function isAlembicRevision(value: string): boolean {
  return ALEMBIC_REVISION.test(value);
}
