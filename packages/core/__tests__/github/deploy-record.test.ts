import { describe, expect, it } from '@jest/globals';
import { buildDeployRecord, parseDeployRecord, parseImageLines } from '../../src/github/deploy-record.ts';
import { renderDeployRecordSummary } from '../../src/github/deploy-record-summary.ts';

const SHA = '3f786850e387550fdab836ed7e6dc881de23001b';
const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('deploy record', () => {
  it('builds the payload with every key, unknown values as null, and parses it back', () => {
    const record = buildDeployRecord({
      version: '1.4.2',
      sha: SHA.toUpperCase(),
      images: { api: `ghcr.io/acme/api@${DIGEST}` }
    });
    expect(record).toEqual({
      schema: 'deploy-record/v1',
      version: '1.4.2',
      sha: SHA,
      images: { api: `ghcr.io/acme/api@${DIGEST}` },
      alembic_head: null,
      run_url: null
    });
    expect(parseDeployRecord(record)).toEqual(record);
    expect(parseDeployRecord(JSON.stringify(record))).toEqual(record);
    // Keys beside the record's (the rollback's marker) do not make it invalid.
    expect(parseDeployRecord({ ...record, rollback: true })).toEqual(record);
  });

  it.each([
    ['GitHub’s own environment deployment', {}],
    ['an older deployment with a version only', { version: '1.4.0' }],
    ['another schema', { schema: 'deploy-record/v2', version: '1', sha: SHA, images: {} }],
    [
      'a short sha',
      {
        schema: 'deploy-record/v1',
        version: '1',
        sha: SHA.slice(0, 7),
        images: {},
        alembic_head: null,
        run_url: null
      }
    ],
    [
      'a tag instead of a digest',
      {
        schema: 'deploy-record/v1',
        version: '1',
        sha: SHA,
        images: { api: 'ghcr.io/acme/api:1' },
        alembic_head: null,
        run_url: null
      }
    ],
    ['text that is not JSON', 'not json'],
    ['null', null]
  ])('is not a record: %s', (_name, payload) => {
    expect(parseDeployRecord(payload)).toBeUndefined();
  });

  it('refuses a record that does not fit the schema when building it', () => {
    expect(() => buildDeployRecord({ version: 'has space', sha: SHA, images: {} })).toThrow();
  });

  it('reads image lines: digests only, each name once', () => {
    expect(
      parseImageLines([
        `api=ghcr.io/acme/api@${DIGEST}`,
        `web = registry.example.com:5000/acme/web@${DIGEST}`
      ])
    ).toEqual({
      images: {
        api: `ghcr.io/acme/api@${DIGEST}`,
        web: `registry.example.com:5000/acme/web@${DIGEST}`
      },
      problems: []
    });
    const { problems } = parseImageLines([
      'ghcr.io/acme/api:1.4.2',
      'api=ghcr.io/acme/api:1.4.2',
      `api=ghcr.io/acme/api@sha256:abc`,
      `web=ghcr.io/acme/web@${DIGEST}`,
      `web=ghcr.io/acme/web@${DIGEST}`
    ]);
    expect(problems).toEqual([
      'line 1: "ghcr.io/acme/api:1.4.2" does not start with name=',
      'line 2: "ghcr.io/acme/api:1.4.2" is not registry/repository@sha256:<64 hex digits> (a tag is mutable: give the digest)',
      'line 3: "ghcr.io/acme/api@sha256:abc" is not registry/repository@sha256:<64 hex digits>',
      'line 5: image web is given twice'
    ]);
  });
});

describe('renderDeployRecordSummary', () => {
  const record = buildDeployRecord({
    version: '1.4.2',
    sha: SHA,
    images: { api: `ghcr.io/acme/api@${DIGEST}` },
    alembicHead: 'ae1027a6acf'
  });

  it('shows the deployment and what it records', () => {
    expect(
      renderDeployRecordSummary({ environment: 'production', record, state: 'success', deploymentId: 77 })
    ).toMatchInlineSnapshot(`
"### Deploy record ✅ deployment #77 of production: success

| version | sha | alembic head | images |
| --- | --- | --- | --- |
| 1.4.2 | 3f78685 | ae1027a6acf | api=ghcr.io/acme/api@sha256:abababababababababababababababababababababababababababababababab |"
`);
  });

  it('says it was not written, neutralising the error GitHub sent', () => {
    const markdown = renderDeployRecordSummary({
      environment: 'production',
      record,
      state: 'success',
      error: 'HTTP 403: <img src=x> | Resource not accessible'
    });
    expect(markdown).toContain('### Deploy record ❌ not written to production');
    expect(markdown).toContain('> HTTP 403: &lt;img src=x&gt; \\| Resource not accessible');
  });
});
