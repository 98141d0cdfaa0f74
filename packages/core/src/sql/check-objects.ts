/** Checks of indexes, DROP, TRUNCATE, domains, enums and table maintenance commands. */
import type {
  AlterDomainStmt,
  AlterEnumStmt,
  ClusterStmt,
  CreateDomainStmt,
  DropStmt,
  IndexStmt,
  ReindexStmt,
  TruncateStmt,
  VacuumStmt
} from 'libpg-query';
import { names, nodeAs, rangeKey, relationKey, relationName } from './ast.ts';
import type { CheckContext } from './check-context.ts';
import { requireSchema, robustness } from './check-tables.ts';

const IN_TRANSACTION = 'cannot run inside a transaction block: PostgreSQL refuses it';

export function checkCreateIndex(context: CheckContext, stmt: IndexStmt): void {
  const key = rangeKey(stmt.relation);
  const table = relationName(stmt.relation);
  const existing = !context.isNew(key);
  const name = stmt.idxname ?? '(unnamed)';
  requireSchema(context, stmt.relation?.schemaname, table, stmt.relation?.location);
  if (stmt.concurrent && context.state.inTransaction) {
    context.report(
      'ban-concurrent-index-creation-in-transaction',
      `CREATE INDEX CONCURRENTLY ${name} ${IN_TRANSACTION}.`
    );
  }
  if (!stmt.if_not_exists) {
    robustness(
      context,
      stmt.idxname
        ? `CREATE INDEX ${name} without IF NOT EXISTS.`
        : 'CREATE INDEX without a name cannot use IF NOT EXISTS: a re-run creates a second index.'
    );
  }
  if (existing) {
    if (!stmt.concurrent) {
      context.report(
        'require-concurrent-index-creation',
        `Index ${name} is built on ${table} while writes to it wait (a SHARE lock for the whole build).`
      );
      context.lock({ blocking: true, slow: true });
    } else {
      context.lock({ slow: true });
    }
    if (stmt.unique) {
      const columns = (stmt.indexParams ?? []).flatMap((param) => {
        const column = nodeAs(param, 'IndexElem')?.name;
        return column ? [column] : [];
      });
      context.report(
        'unique-on-existing-data',
        `Unique index ${name} on ${table}${columns.length ? ` (${columns.join(', ')})` : ''} fails the deploy if existing rows hold duplicates${stmt.concurrent ? ', and leaves an INVALID index behind' : ''}.`
      );
    }
  }
  if (stmt.idxname) {
    context.catalog.addIndex(
      relationKey(stmt.relation?.schemaname, stmt.idxname),
      key,
      stmt.unique === true,
      context.unit
    );
  }
}

export function checkDrop(context: CheckContext, stmt: DropStmt): void {
  const objects = (stmt.objects ?? []).map((object) => names(nodeAs(object, 'List')?.items ?? [object]));
  switch (stmt.removeType) {
    case 'OBJECT_TABLE': {
      for (const parts of objects) {
        const name = parts.join('.');
        const key =
          parts.length > 1 ? relationKey(parts[0], parts[1]!) : relationKey(undefined, parts[0] ?? '?');
        if (!context.isNew(key)) {
          context.report(
            'ban-drop-table',
            `Dropping table ${name} destroys its rows, and the version still running fails on every query that uses it.`
          );
          context.lock({ blocking: true });
        }
        context.catalog.dropTable(key);
      }
      if (!stmt.missing_ok) robustness(context, 'DROP TABLE without IF EXISTS.');
      return;
    }
    case 'OBJECT_INDEX': {
      for (const parts of objects) {
        const name = parts.join('.');
        const key =
          parts.length > 1 ? relationKey(parts[0], parts[1]!) : relationKey(undefined, parts[0] ?? '?');
        const index = context.catalog.indexes.get(key);
        const indexIsNew = index !== undefined && (index.unit === context.unit || context.isNew(index.table));
        if (stmt.concurrent) {
          if (context.state.inTransaction) {
            context.report(
              'ban-concurrent-index-creation-in-transaction',
              `DROP INDEX CONCURRENTLY ${name} ${IN_TRANSACTION}.`
            );
          }
        } else if (!indexIsNew) {
          context.report(
            'require-concurrent-index-deletion',
            `Dropping index ${name} takes an ACCESS EXCLUSIVE lock on its table, blocking reads and writes until every running query on it ends.`
          );
          context.lock({ blocking: true });
        }
        context.catalog.indexes.delete(key);
      }
      if (!stmt.missing_ok) robustness(context, 'DROP INDEX without IF EXISTS.');
      return;
    }
    case 'OBJECT_SCHEMA':
      context.report(
        'ban-drop-schema',
        `Dropping schema ${objects.map((parts) => parts.join('.')).join(', ')}${stmt.behavior === 'DROP_CASCADE' ? ' with CASCADE drops every table in it' : ' destroys what is left in it'}.`
      );
      return;
    default:
      if (!stmt.missing_ok) robustness(context, 'DROP without IF EXISTS.');
      return;
  }
}

export function checkDropDatabase(context: CheckContext, dbname: string | undefined): void {
  context.report('ban-drop-database', `Dropping database ${dbname ?? '?'} destroys all its data.`);
}

export function checkTruncate(context: CheckContext, stmt: TruncateStmt): void {
  const tables = (stmt.relations ?? []).map((relation) => nodeAs(relation, 'RangeVar'));
  const existing = tables.filter((relation) => !context.isNew(rangeKey(relation)));
  if (stmt.behavior === 'DROP_CASCADE') {
    context.report(
      'ban-truncate-cascade',
      `TRUNCATE ${tables.map(relationName).join(', ')} CASCADE also empties every table with a foreign key to ${tables.length > 1 ? 'them' : 'it'}.`
    );
  } else if (existing.length > 0) {
    context.report('data-deletion', `TRUNCATE ${existing.map(relationName).join(', ')} deletes every row.`);
  }
  if (existing.length > 0) context.lock({ blocking: true });
}

export function checkCreateDomain(context: CheckContext, stmt: CreateDomainStmt): void {
  const checks = (stmt.constraints ?? []).filter(
    (node) => nodeAs(node, 'Constraint')?.contype === 'CONSTR_CHECK'
  );
  if (checks.length > 0) {
    context.report(
      'ban-create-domain-with-constraint',
      `Domain ${names(stmt.domainname).join('.')} has a CHECK constraint; changing it later locks every table that uses the domain.`
    );
  }
}

export function checkAlterDomain(context: CheckContext, stmt: AlterDomainStmt): void {
  // subtype 'C' is ADD CONSTRAINT.
  if (stmt.subtype !== 'C') return;
  const constraint = nodeAs(stmt.def, 'Constraint');
  if (constraint?.skip_validation) return;
  context.report(
    'ban-alter-domain-with-add-constraint',
    `Adding a constraint to domain ${names(stmt.typeName).join('.')} checks every column of that type in every table, under a lock.`
  );
  context.lock({ blocking: true, slow: true });
}

export function checkAlterEnum(context: CheckContext, stmt: AlterEnumStmt): void {
  const type = names(stmt.typeName).join('.');
  if (stmt.oldVal !== undefined) {
    context.report(
      'renaming-enum-value',
      `Renaming label '${stmt.oldVal}' of ${type} to '${stmt.newVal ?? ''}': the version still running keeps writing '${stmt.oldVal}', which no longer exists.`
    );
    return;
  }
  if (stmt.newVal === undefined) return;
  if (!stmt.newValNeighbor) {
    context.report(
      'require-enum-value-ordering',
      `'${stmt.newVal}' is added at the end of ${type}'s sort order.`
    );
  }
  if (context.state.inTransaction) {
    if (context.pgVersion < 12) {
      context.report(
        'add-enum-value-in-transaction',
        `ALTER TYPE ${type} ADD VALUE '${stmt.newVal}' cannot run inside a transaction block before PostgreSQL 12: PostgreSQL refuses it.`
      );
    } else {
      context.state.enumLabelsInTransaction.set(stmt.newVal, type);
    }
  }
}

export function checkVacuum(context: CheckContext, stmt: VacuumStmt): void {
  if (!stmt.is_vacuumcmd) return;
  const full = (stmt.options ?? []).some((option) => nodeAs(option, 'DefElem')?.defname === 'full');
  if (!full) return;
  const tables = (stmt.rels ?? []).flatMap((rel) => {
    const relation = nodeAs(rel, 'VacuumRelation')?.relation;
    return relation ? [relationName(relation)] : [];
  });
  context.report(
    'prefer-repack',
    `VACUUM FULL ${tables.join(', ') || '(every table)'} rewrites ${tables.length === 1 ? 'the table' : 'each table'} with reads and writes blocked.`,
    { fix: repackFix(context) }
  );
  context.lock({ blocking: true, slow: true });
}

export function checkCluster(context: CheckContext, stmt: ClusterStmt): void {
  context.report(
    'prefer-repack',
    `CLUSTER ${stmt.relation ? relationName(stmt.relation) : '(every clustered table)'} rewrites the table with reads and writes blocked.`,
    { fix: repackFix(context) }
  );
  context.lock({ blocking: true, slow: true });
}

function repackFix(context: CheckContext): string {
  return context.pgVersion >= 19
    ? 'REPACK (CONCURRENTLY), outside a transaction.'
    : 'pg_repack, outside the migration (REPACK CONCURRENTLY arrives in PostgreSQL 19).';
}

export function checkReindex(context: CheckContext, stmt: ReindexStmt): void {
  const concurrent = (stmt.params ?? []).some(
    (param) => nodeAs(param, 'DefElem')?.defname === 'concurrently'
  );
  const target = stmt.relation ? relationName(stmt.relation) : (stmt.name ?? '');
  if (concurrent) {
    if (context.state.inTransaction) {
      context.report(
        'ban-concurrent-index-creation-in-transaction',
        `REINDEX CONCURRENTLY ${target} ${IN_TRANSACTION}.`
      );
    }
    context.lock({ slow: true });
    return;
  }
  context.report(
    'require-concurrent-reindex',
    `REINDEX ${target} blocks writes to the table (and reads that use the index) until it ends.`,
    context.pgVersion >= 12
      ? {}
      : { fix: 'Before PostgreSQL 12: CREATE INDEX CONCURRENTLY a copy, then drop the old index and rename.' }
  );
  context.lock({ blocking: true, slow: true });
}
