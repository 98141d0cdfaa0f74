/**
 * Judging the round-trip rehearsal: upgrade, downgrade step by step, upgrade again, with snapshots
 * taken by the driver. Pure: snapshots in, verdict and named losses out.
 *
 * It passes when the schema after the second upgrade equals the first and every row and column
 * value that existed before the upgrade is still there after the downgrade.
 */
import type { DataSnapshot, RehearsalResult, RevisionInfo, SchemaSnapshot } from './alembic.ts';
import type { DataLoss, RoundTrip, RoundTripStep } from './types.ts';

/** A finding the rehearsal raises, before it gets its file and line. */
export interface RehearsalFindingDraft {
  rule:
    'roundtrip-data-loss' | 'roundtrip-schema-mismatch' | 'roundtrip-step-failed' | 'roundtrip-without-data';
  revision: string;
  /** Where in the revision file: the failing line, or the upgrade/downgrade function. */
  line?: number;
  lineOf?: 'upgrade' | 'downgrade';
  message: string;
}

export interface RehearsalAssessment {
  roundtrip: RoundTrip;
  findings: RehearsalFindingDraft[];
}

/** A rehearsal that did not run. */
export function skippedRoundTrip(reason: string): RoundTrip {
  return {
    status: 'skipped',
    reason,
    steps: [],
    dataLoss: [],
    schemaDiff: [],
    downgradeSchemaDiff: [],
    tables: 0,
    rows: 0
  };
}

const MAX_LISTED = 8;

export function assessRehearsal(
  result: RehearsalResult,
  plan: RevisionInfo[],
  from: string
): RehearsalAssessment {
  const findings: RehearsalFindingDraft[] = [];
  const steps: RoundTripStep[] = result.steps.map((step) => ({
    name: step.name,
    kind: step.kind,
    ...(step.revision ? { revision: step.revision } : {}),
    ok: step.ok,
    ms: step.ms,
    ...(step.error ? { error: step.error } : {})
  }));
  const { before, afterUpgrade, afterDowngrade, afterReupgrade } = result.snapshots;
  const tables = before ? Object.keys(before.data).length : 0;
  const rows = before ? Object.values(before.data).reduce((sum, table) => sum + table.rows, 0) : 0;
  const base: Omit<RoundTrip, 'status' | 'reason'> = {
    steps,
    ...(result.settings ? { settings: result.settings } : {}),
    dataLoss: [],
    schemaDiff: [],
    downgradeSchemaDiff: [],
    tables,
    rows
  };

  const failed = result.steps.find((step) => !step.ok);
  if (failed) {
    const revision =
      failed.revision ??
      (failed.kind === 'seed' || failed.kind === 'prepare' ? from : (plan[0]?.revision ?? from));
    const what =
      failed.kind === 'seed'
        ? 'Loading seed-sql failed'
        : failed.kind === 'prepare'
          ? `Upgrading the scratch database to from-revision ${from} failed`
          : `${failed.kind === 'downgrade' ? 'The downgrade' : failed.kind === 'reupgrade' ? 'Upgrading again after the downgrade' : 'The upgrade'} of ${failed.revision} failed`;
    findings.push({
      rule: 'roundtrip-step-failed',
      revision,
      ...(failed.line
        ? { line: failed.line }
        : { lineOf: failed.kind === 'downgrade' ? 'downgrade' : 'upgrade' }),
      message: `${what} on the scratch database: ${failed.error ?? 'unknown error'}.`
    });
    return {
      roundtrip: { ...base, status: 'failed', reason: `${what}: ${failed.error ?? 'unknown error'}` },
      findings
    };
  }
  if (!before || !afterUpgrade || !afterDowngrade || !afterReupgrade) {
    return {
      roundtrip: { ...base, status: 'failed', reason: 'The rehearsal ended without its snapshots.' },
      findings
    };
  }

  const dataLoss = findDataLoss(before.data, afterDowngrade.data, afterUpgrade.data, result.downgrades);
  const schemaDiff = diffSchemas(afterUpgrade.schema, afterReupgrade.schema);
  const downgradeSchemaDiff = diffSchemas(before.schema, afterDowngrade.schema);
  const last = plan[plan.length - 1]?.revision ?? from;

  for (const loss of dataLoss) {
    findings.push({
      rule: 'roundtrip-data-loss',
      revision: loss.revision ?? last,
      lineOf: 'downgrade',
      message: `${loss.column ? `${loss.table}.${loss.column}` : loss.table}: ${loss.detail}.`
    });
  }
  if (schemaDiff.length > 0) {
    findings.push({
      rule: 'roundtrip-schema-mismatch',
      revision: last,
      lineOf: 'downgrade',
      message: `After downgrading and upgrading again the schema differs from the first upgrade: ${listed(schemaDiff)}.`
    });
  }
  if (tables > 0 && rows === 0) {
    findings.push({
      rule: 'roundtrip-without-data',
      revision: last,
      lineOf: 'downgrade',
      message: `All ${tables} table${tables === 1 ? ' was' : 's were'} empty at ${from}, so a downgrade that loses data would have passed unnoticed.`
    });
  }

  const problems: string[] = [];
  if (dataLoss.length > 0) {
    problems.push(
      `the downgrade lost data in ${dataLoss.map((loss) => (loss.column ? `${loss.table}.${loss.column}` : loss.table)).join(', ')}`
    );
  }
  if (schemaDiff.length > 0)
    problems.push(
      `the schema after upgrading again differs (${schemaDiff.length} difference${schemaDiff.length === 1 ? '' : 's'})`
    );
  const status = problems.length > 0 ? 'failed' : 'passed';
  const reason =
    status === 'failed'
      ? `${capitalize(problems.join('; '))}.`
      : rows > 0
        ? `Upgrade, downgrade and upgrade again ran; the ${rows} row${rows === 1 ? '' : 's'} in ${tables} table${tables === 1 ? '' : 's'} survived and the schema came back the same.`
        : tables === 0
          ? 'Upgrade, downgrade and upgrade again ran; there was no table to lose data from, and the schema came back the same.'
          : 'Upgrade, downgrade and upgrade again ran and the schema came back the same, but every table was empty: data loss was not tested.';
  return { roundtrip: { ...base, status, reason, dataLoss, schemaDiff, downgradeSchemaDiff }, findings };
}

const listed = (items: string[]) =>
  items.length > MAX_LISTED
    ? `${items.slice(0, MAX_LISTED).join('; ')}; and ${items.length - MAX_LISTED} more`
    : items.join('; ');

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

type ItemState = 'missing' | 'lossy' | 'ok';

/**
 * Rows and values that were there before the upgrade and are not after the downgrade. Each loss
 * is put on the revision whose downgrade step left it in its final state (the step snapshots say
 * when a column came back empty, or when rows went missing).
 */
export function findDataLoss(
  before: DataSnapshot,
  afterDowngrade: DataSnapshot,
  afterUpgrade: DataSnapshot,
  downgrades: { revision: string; data: DataSnapshot }[]
): DataLoss[] {
  const losses: DataLoss[] = [];
  // States after the upgrade, then after each downgrade step (the last is afterDowngrade).
  const timeline = [afterUpgrade, ...downgrades.map((step) => step.data)];
  const blame = (
    state: (data: DataSnapshot) => ItemState
  ): { revision?: string; was?: ItemState; byUpgrade?: boolean } => {
    let first = timeline.length - 1;
    const final = state(timeline[first]!);
    while (first > 0 && state(timeline[first - 1]!) === final) first--;
    // Already so right after the upgrade, and no downgrade step changed it: an upgrade did it.
    if (first === 0) return { byUpgrade: true };
    return { revision: downgrades[first - 1]!.revision, was: state(timeline[first - 1]!) };
  };

  for (const [table, old] of Object.entries(before)) {
    const now = afterDowngrade[table];
    if (!now) {
      if (old.rows === 0) continue;
      const who = blame((data) => (data[table] ? 'ok' : 'missing'));
      losses.push({
        table,
        kind: 'table-dropped',
        before: old.rows,
        after: 0,
        ...(who.revision ? { revision: who.revision } : {}),
        detail: `the table with its ${old.rows} row${old.rows === 1 ? '' : 's'} is gone after the downgrade${who.revision ? ` of ${who.revision}` : ''}`
      });
      continue;
    }
    if (now.rows !== old.rows) {
      if (now.rows < old.rows) {
        const who = blame((data) => (data[table] && data[table].rows >= old.rows ? 'ok' : 'lossy'));
        losses.push({
          table,
          kind: 'rows-lost',
          before: old.rows,
          after: now.rows,
          ...(who.revision ? { revision: who.revision } : {}),
          detail: `${old.rows - now.rows} of its ${old.rows} rows are gone after the downgrade${who.revision ? ` (first missing after the downgrade of ${who.revision})` : who.byUpgrade ? ' (an upgrade deleted them and no downgrade restores them)' : ''}`
        });
      }
      // With rows added or removed, per-column sums say nothing more.
      continue;
    }
    for (const [column, value] of Object.entries(old.columns)) {
      if (value.nonNull === 0) continue;
      const current = now.columns[column];
      const stateOf = (data: DataSnapshot): ItemState => {
        const entry = data[table]?.columns[column];
        if (!entry) return 'missing';
        return entry.nonNull === value.nonNull && entry.checksum === value.checksum ? 'ok' : 'lossy';
      };
      if (!current) {
        const who = blame(stateOf);
        losses.push({
          table,
          column,
          kind: 'column-dropped',
          before: value.nonNull,
          after: 0,
          ...(who.revision ? { revision: who.revision } : {}),
          detail: `the column and its ${value.nonNull} value${value.nonNull === 1 ? '' : 's'} are gone after the downgrade`
        });
        continue;
      }
      if (current.nonNull === value.nonNull && current.checksum === value.checksum) continue;
      const who = blame(stateOf);
      const recreated = who.was === 'missing';
      const lost = current.nonNull < value.nonNull;
      const where = who.revision
        ? recreated
          ? `; the downgrade of ${who.revision} re-creates the column without its data`
          : `; changed by the downgrade of ${who.revision}`
        : who.byUpgrade
          ? '; an upgrade changed it and no downgrade restores it'
          : '';
      losses.push({
        table,
        column,
        kind: lost ? 'values-lost' : 'values-changed',
        before: value.nonNull,
        after: current.nonNull,
        ...(who.revision ? { revision: who.revision } : {}),
        detail: lost
          ? `${value.nonNull} non-NULL value${value.nonNull === 1 ? '' : 's'} before the upgrade, ${current.nonNull} after the downgrade${where}`
          : `the ${value.nonNull} value${value.nonNull === 1 ? '' : 's'} differ after the downgrade (same count, different contents)${where}`
      });
    }
  }
  return losses;
}

/** Differences between two catalog snapshots, one sentence each, in a stable order. */
export function diffSchemas(first: SchemaSnapshot, second: SchemaSnapshot): string[] {
  const diffs: string[] = [];
  const keys = (a: object, b: object) => [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const table of keys(first.tables, second.tables)) {
    const a = first.tables[table];
    const b = second.tables[table];
    if (!a || !b) {
      diffs.push(`table ${table} ${a ? 'is missing' : 'appeared'}`);
      continue;
    }
    for (const column of keys(a.columns, b.columns)) {
      const x = a.columns[column];
      const y = b.columns[column];
      if (!x || !y) {
        diffs.push(`column ${table}.${column} ${x ? 'is missing' : 'appeared'}`);
        continue;
      }
      if (x.type !== y.type) diffs.push(`column ${table}.${column} type ${x.type} became ${y.type}`);
      if (x.notNull !== y.notNull)
        diffs.push(`column ${table}.${column} is ${y.notNull ? 'now' : 'no longer'} NOT NULL`);
      if (x.default !== y.default)
        diffs.push(`column ${table}.${column} default ${x.default ?? 'none'} became ${y.default ?? 'none'}`);
      if (x.identity !== y.identity) diffs.push(`column ${table}.${column} identity changed`);
    }
    for (const [label, part] of [
      ['constraint', 'constraints'],
      ['index', 'indexes'],
      ['trigger', 'triggers']
    ] as const) {
      for (const name of keys(a[part], b[part])) {
        const x = a[part][name];
        const y = b[part][name];
        if (x === y) continue;
        if (!x || !y) diffs.push(`${label} ${name} on ${table} ${x ? 'is missing' : 'appeared'}`);
        else diffs.push(`${label} ${name} on ${table} changed: ${x} became ${y}`);
      }
    }
  }
  for (const name of keys(first.enums, second.enums)) {
    const x = first.enums[name];
    const y = second.enums[name];
    if (!x || !y) diffs.push(`type ${name} ${x ? 'is missing' : 'appeared'}`);
    else if (x.join() !== y.join())
      diffs.push(`type ${name} labels (${x.join(', ')}) became (${y.join(', ')})`);
  }
  for (const name of keys(first.views, second.views)) {
    const x = first.views[name];
    const y = second.views[name];
    if (!x || !y) diffs.push(`view ${name} ${x ? 'is missing' : 'appeared'}`);
    else if (x.definition !== y.definition) diffs.push(`view ${name} changed`);
  }
  const sequences = new Set(second.sequences);
  for (const name of first.sequences) if (!sequences.has(name)) diffs.push(`sequence ${name} is missing`);
  const earlier = new Set(first.sequences);
  for (const name of second.sequences) if (!earlier.has(name)) diffs.push(`sequence ${name} appeared`);
  return diffs;
}
