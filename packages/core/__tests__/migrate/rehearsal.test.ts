import { describe, expect, it } from '@jest/globals';
import type {
  DataSnapshot,
  RehearsalResult,
  RevisionInfo,
  SchemaSnapshot
} from '../../src/migrate/alembic.ts';
import { assessRehearsal, diffSchemas, findDataLoss } from '../../src/migrate/rehearsal.ts';

const schema = (
  tables: SchemaSnapshot['tables'] = {},
  extra: Partial<SchemaSnapshot> = {}
): SchemaSnapshot => ({
  tables,
  enums: {},
  views: {},
  sequences: [],
  ...extra
});

const table = (columns: Record<string, string>, rest: Partial<SchemaSnapshot['tables'][string]> = {}) => ({
  columns: Object.fromEntries(
    Object.entries(columns).map(([name, type]) => [
      name,
      { type, notNull: false, default: null, identity: null }
    ])
  ),
  constraints: {},
  indexes: {},
  triggers: {},
  ...rest
});

/** Data of one table: rows, and per column [non-NULL count, checksum]. */
const data = (rows: number, columns: Record<string, [number, string]>): DataSnapshot[string] => ({
  rows,
  columns: Object.fromEntries(
    Object.entries(columns).map(([name, [nonNull, checksum]]) => [name, { nonNull, checksum }])
  )
});

const revision = (id: string, parent?: string): RevisionInfo => ({
  revision: id,
  parents: parent ? [parent] : [],
  path: `/repo/versions/${id}.py`,
  doc: '',
  upgradeLine: 10,
  downgradeLine: 20
});

describe('diffSchemas', () => {
  it.each([
    [
      'equal schemas',
      schema({ 'public.a': table({ id: 'bigint' }) }),
      schema({ 'public.a': table({ id: 'bigint' }) }),
      []
    ],
    ['a missing table', schema({ 'public.a': table({}) }), schema(), ['table public.a is missing']],
    [
      'a new column',
      schema({ 'public.a': table({}) }),
      schema({ 'public.a': table({ b: 'text' }) }),
      ['column public.a.b appeared']
    ],
    [
      'a changed type',
      schema({ 'public.a': table({ b: 'character varying(5)' }) }),
      schema({ 'public.a': table({ b: 'text' }) }),
      ['column public.a.b type character varying(5) became text']
    ],
    [
      'an index left behind',
      schema({ 'public.a': table({}) }),
      schema({ 'public.a': table({}, { indexes: { ix: 'CREATE INDEX ix ON public.a USING btree (b)' } }) }),
      ['index ix on public.a appeared']
    ],
    [
      'enum labels',
      schema({}, { enums: { 'public.s': ['a'] } }),
      schema({}, { enums: { 'public.s': ['a', 'b'] } }),
      ['type public.s labels (a) became (a, b)']
    ],
    ['a sequence', schema({}, { sequences: ['public.s'] }), schema(), ['sequence public.s is missing']]
  ])('%s', (_name, first, second, expected) => {
    expect(diffSchemas(first, second)).toEqual(expected);
  });
});

describe('findDataLoss', () => {
  const before = { 'public.c': data(3, { id: [3, 'x'], phone: [2, 'p'] }) };

  it('puts a column re-created empty on the revision whose downgrade re-creates it', () => {
    const afterUpgrade = { 'public.c': data(3, { id: [3, 'x'] }) };
    const steps = [
      { revision: 'r3', data: { 'public.c': data(3, { id: [3, 'x'] }) } },
      { revision: 'r2', data: { 'public.c': data(3, { id: [3, 'x'], phone: [0, '0'] }) } }
    ];
    expect(findDataLoss(before, steps[1]!.data, afterUpgrade, steps)).toEqual([
      expect.objectContaining({
        table: 'public.c',
        column: 'phone',
        kind: 'values-lost',
        before: 2,
        after: 0,
        revision: 'r2'
      })
    ]);
  });

  it('says so when an upgrade deleted rows and no downgrade restores them', () => {
    const after = { 'public.c': data(1, { id: [1, 'y'], phone: [1, 'q'] }) };
    const losses = findDataLoss(before, after, after, [{ revision: 'r2', data: after }]);
    expect(losses).toEqual([
      expect.objectContaining({
        kind: 'rows-lost',
        before: 3,
        after: 1,
        detail: expect.stringMatching(/an upgrade deleted them/)
      })
    ]);
    expect(losses[0]!.revision).toBeUndefined();
  });

  it('finds a table a downgrade drops, and values changed in place', () => {
    const afterUpgrade = {
      'public.c': data(3, { id: [3, 'x'], phone: [2, 'p'] }),
      'public.k': data(1, { v: [1, 'v'] })
    };
    const beforeWithK = { ...before, 'public.k': data(1, { v: [1, 'v'] }) };
    const final = { 'public.c': data(3, { id: [3, 'x'], phone: [2, 'other'] }) };
    const losses = findDataLoss(beforeWithK, final, afterUpgrade, [{ revision: 'r2', data: final }]);
    expect(losses.map((loss) => [loss.table, loss.column, loss.kind, loss.revision])).toEqual([
      ['public.c', 'phone', 'values-changed', 'r2'],
      ['public.k', undefined, 'table-dropped', 'r2']
    ]);
  });

  it('ignores empty columns and tables, and data that came back', () => {
    const empty = {
      'public.e': data(0, { id: [0, '0'] }),
      'public.c': data(3, { id: [3, 'x'], phone: [0, '0'] })
    };
    expect(
      findDataLoss(empty, { 'public.c': data(3, { id: [3, 'x'], phone: [0, '0'] }) }, empty, [])
    ).toEqual([]);
  });
});

describe('assessRehearsal', () => {
  const plan = [revision('r2', 'r1'), revision('r3', 'r2')];
  const snapshot = (rows: number) => ({
    schema: schema({ 'public.c': table({ id: 'bigint' }) }),
    data: { 'public.c': data(rows, { id: [rows, String(rows)] }) }
  });
  const result = (overrides: Partial<RehearsalResult> = {}): RehearsalResult => ({
    steps: [{ name: 'upgrade r2', kind: 'upgrade', revision: 'r2', ok: true, ms: 5 }],
    snapshots: {
      before: snapshot(3),
      afterUpgrade: snapshot(3),
      afterDowngrade: snapshot(3),
      afterReupgrade: snapshot(3)
    },
    downgrades: [],
    settings: { lockTimeout: '5s', statementTimeout: '5min' },
    ...overrides
  });

  it('passes when the data and the schema come back', () => {
    const { roundtrip, findings } = assessRehearsal(result(), plan, 'r1');
    expect(roundtrip).toMatchObject({
      status: 'passed',
      tables: 1,
      rows: 3,
      settings: { lockTimeout: '5s' }
    });
    expect(findings).toEqual([]);
  });

  it('fails on a failed step, on the revision and line it failed at', () => {
    const { roundtrip, findings } = assessRehearsal(
      result({
        steps: [
          {
            name: 'downgrade r3',
            kind: 'downgrade',
            revision: 'r3',
            ok: false,
            error: 'NotImplementedError: no way back',
            line: 31,
            ms: 5
          }
        ],
        snapshots: {}
      }),
      plan,
      'r1'
    );
    expect(roundtrip.status).toBe('failed');
    expect(roundtrip.reason).toBe('The downgrade of r3 failed: NotImplementedError: no way back');
    expect(findings).toEqual([
      {
        rule: 'roundtrip-step-failed',
        revision: 'r3',
        line: 31,
        message: 'The downgrade of r3 failed on the scratch database: NotImplementedError: no way back.'
      }
    ]);
  });

  it('puts a seed failure on from-revision', () => {
    const { findings } = assessRehearsal(
      result({
        steps: [
          {
            name: 'load seed-sql',
            kind: 'seed',
            revision: null,
            ok: false,
            error: 'UndefinedTable: x',
            ms: 1
          }
        ],
        snapshots: {}
      }),
      plan,
      'r1'
    );
    expect(findings[0]).toMatchObject({
      revision: 'r1',
      message: 'Loading seed-sql failed on the scratch database: UndefinedTable: x.'
    });
  });

  it('fails on a schema that differs after upgrading again', () => {
    const different = { ...snapshot(3), schema: schema({ 'public.c': table({ id: 'integer' }) }) };
    const { roundtrip, findings } = assessRehearsal(
      result({ snapshots: { ...result().snapshots, afterReupgrade: different } }),
      plan,
      'r1'
    );
    expect(roundtrip.status).toBe('failed');
    expect(roundtrip.schemaDiff).toEqual(['column public.c.id type bigint became integer']);
    expect(findings.map((finding) => [finding.rule, finding.revision])).toEqual([
      ['roundtrip-schema-mismatch', 'r3']
    ]);
  });

  it('passes without data but says data loss was not tested', () => {
    const { roundtrip, findings } = assessRehearsal(
      result({
        snapshots: {
          before: snapshot(0),
          afterUpgrade: snapshot(0),
          afterDowngrade: snapshot(0),
          afterReupgrade: snapshot(0)
        }
      }),
      plan,
      'r1'
    );
    expect(roundtrip.status).toBe('passed');
    expect(roundtrip.reason).toMatch(/every table was empty: data loss was not tested/);
    expect(findings.map((finding) => finding.rule)).toEqual(['roundtrip-without-data']);
  });
});
