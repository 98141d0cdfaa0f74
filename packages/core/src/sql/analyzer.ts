/**
 * Runs the rules over the statements of one unit (an alembic revision's SQL, or one .sql file) at a
 * time, in order, keeping what the earlier units built in a shared catalog. Pure: statements in,
 * findings out.
 */
import type { Node } from 'libpg-query';
import { constValue, kindOf, names, nodeAs, rangeKey } from './ast.ts';
import { SchemaCatalog } from './catalog.ts';
import { checkDelete, checkInsert, checkUpdate, usesNewEnumLabel } from './check-data.ts';
import {
  checkAlterDomain,
  checkAlterEnum,
  checkCluster,
  checkCreateDomain,
  checkCreateIndex,
  checkDrop,
  checkDropDatabase,
  checkReindex,
  checkTruncate,
  checkVacuum
} from './check-objects.ts';
import { checkAlterTable, checkCreateTable, checkRename } from './check-tables.ts';
import { checkIdentifierLengths } from './check-types.ts';
import {
  newUnitState,
  type CheckContext,
  type LockEffect,
  type ReportOptions,
  type StatementOrigin,
  type UnitState
} from './check-context.ts';
import type { PgParser } from './parser.ts';
import { migrationRule, type MigrationRuleCategory, type MigrationSeverity } from './rules.ts';
import type { SqlStatement } from './statements.ts';

/** A finding of the SQL analysis, positioned in the unit's SQL. */
export interface SqlFinding {
  rule: string;
  severity: MigrationSeverity;
  category: MigrationRuleCategory;
  message: string;
  fix: string;
  /** 0-based index of the statement in its unit. */
  statementIndex: number;
  /** The statement, shortened to SQL_STATEMENT_TEXT_LIMIT characters. */
  statement: string;
  /** Byte offset, line and column (1-based) in the unit's SQL where the finding points. */
  offset: number;
  line: number;
  column: number;
  /** Byte offset and line where the statement starts. */
  statementOffset: number;
  statementLine: number;
}

export interface SqlAnalyzerOptions {
  /** PostgreSQL major version the rules assume (e.g. 16). */
  pgVersion: number;
  /** Opt-in rules to run (e.g. `require-table-schema`). */
  include?: Iterable<string>;
  /** The parser, for the rules that read tokens (identifier-too-long). */
  parser?: PgParser;
  /** Findings kept in detail per unit; beyond it only counted (memory stays flat on huge files). */
  maxFindingsPerUnit?: number;
}

export interface SqlUnitInput {
  /** Statements of the unit, in order. */
  statements: AsyncIterable<SqlStatement>;
  /** Where the statement at a byte offset came from (alembic's op call), if known. */
  origin?: (offset: number) => StatementOrigin | undefined;
  /** False: only learn the schema from the unit (an earlier revision), report nothing. Default true. */
  report?: boolean;
}

export interface SqlUnitAnalysis {
  findings: SqlFinding[];
  /** Findings per rule, those beyond the detail limit included. */
  counts: Record<string, number>;
  statements: number;
  /** True when findings beyond maxFindingsPerUnit were only counted. */
  truncated: boolean;
}

export const SQL_STATEMENT_TEXT_LIMIT = 600;

/** Checks units one after another; what each creates is known to the ones after it. */
export class SqlAnalyzer {
  readonly catalog = new SchemaCatalog();
  private readonly include: Set<string>;
  private units = 0;

  constructor(private readonly options: SqlAnalyzerOptions) {
    this.include = new Set(options.include ?? []);
  }

  async analyzeUnit(input: SqlUnitInput): Promise<SqlUnitAnalysis> {
    const unit = this.units++;
    const state = newUnitState();
    const limit = this.options.maxFindingsPerUnit ?? Number.POSITIVE_INFINITY;
    const reporting = input.report !== false;
    const findings: (SqlFinding | undefined)[] = [];
    const counts: Record<string, number> = {};
    let kept = 0;
    let statements = 0;
    let lockFinding: { index: number; more: number } | undefined;
    let timeoutFinding: { index: number; more: number } | undefined;

    // One context for the unit, pointed at each statement in turn (no closures per statement:
    // a 5 MB file has 70,000 statements).
    const effect: LockEffect = { blocking: false, slow: false };
    const keep = () => kept++ < limit;
    const current: { statement?: SqlStatement; origin?: StatementOrigin } = {};
    const context: CheckContext = {
      pgVersion: this.options.pgVersion,
      unit,
      catalog: this.catalog,
      get statement() {
        return current.statement!;
      },
      state,
      get origin() {
        return current.origin;
      },
      isNew: (key) => this.catalog.createdIn(key, unit),
      report: (rule, message, reportOptions) =>
        reporting
          ? this.record(findings, counts, current.statement!, rule, message, reportOptions, keep)
          : -1,
      withdraw: (index) => {
        const finding = findings[index];
        if (finding) {
          counts[finding.rule] = (counts[finding.rule] ?? 1) - 1;
          findings[index] = undefined;
        }
      },
      lock: (next) => {
        effect.blocking ||= next.blocking === true;
        effect.slow ||= next.slow === true;
      }
    };

    for await (const statement of input.statements) {
      statements++;
      const origin = input.origin?.(statement.start);
      current.statement = statement;
      current.origin = origin;
      effect.blocking = false;
      effect.slow = false;

      if (statement.error) {
        context.report(
          'syntax-error',
          `${statement.error.message} (line ${statement.error.line}, column ${statement.error.column} of the SQL).`,
          { location: statement.error.offset - statement.locationBase }
        );
        continue;
      }
      const node = statement.node;
      if (!node) continue;
      if (origin?.bookkeeping) {
        // The migration tool's own statements: only their transaction effect matters.
        if (kindOf(node) === 'TransactionStmt') this.transaction(context, node);
        continue;
      }
      this.check(context, node);

      if (effect.blocking && !state.lockTimeout) {
        if (lockFinding) lockFinding.more++;
        else {
          const index = context.report(
            'require-lock-timeout',
            'This statement waits for a lock that blocks other queries, with no lock_timeout set: while it waits, every query on the table queues behind it.'
          );
          if (index >= 0) lockFinding = { index, more: 0 };
        }
      }
      if ((effect.blocking || effect.slow) && !state.statementTimeout) {
        if (timeoutFinding) timeoutFinding.more++;
        else {
          const index = context.report(
            'require-statement-timeout',
            'This statement can run long (a lock wait, a scan, a rewrite or a backfill), with no statement_timeout set.'
          );
          if (index >= 0) timeoutFinding = { index, more: 0 };
        }
      }
    }

    for (const [summary, noun] of [
      [lockFinding, 'lock'],
      [timeoutFinding, 'statement']
    ] as const) {
      const finding = summary ? findings[summary.index] : undefined;
      if (finding && summary && summary.more > 0) {
        finding.message += ` ${summary.more} more statement${summary.more === 1 ? '' : 's'} in this unit ${summary.more === 1 ? 'does' : 'do'} the same without a ${noun}_timeout.`;
      }
    }
    if (state.inTransaction && !state.toolTransaction && reporting) {
      const index = findings.length;
      findings.push(undefined);
      counts['ban-uncommitted-transaction'] = (counts['ban-uncommitted-transaction'] ?? 0) + 1;
      const info = migrationRule('ban-uncommitted-transaction');
      const start = state.transactionStart;
      findings[index] = {
        rule: info.id,
        severity: info.severity,
        category: info.category,
        message:
          'The SQL ends inside a transaction (BEGIN without COMMIT): its changes are rolled back when the session ends.',
        fix: info.fix,
        statementIndex: start?.index ?? 0,
        statement: start?.text ?? '',
        offset: start?.offset ?? 0,
        line: start?.line ?? 1,
        column: start?.column ?? 1,
        statementOffset: start?.offset ?? 0,
        statementLine: start?.line ?? 1
      };
    }
    const kept2 = findings.filter((finding): finding is SqlFinding => finding !== undefined);
    return {
      findings: kept2,
      counts: Object.fromEntries(Object.entries(counts).filter(([, count]) => count > 0)),
      statements,
      truncated: kept > limit
    };
  }

  private record(
    findings: (SqlFinding | undefined)[],
    counts: Record<string, number>,
    statement: SqlStatement,
    rule: string,
    message: string,
    options: ReportOptions | undefined,
    keep: () => boolean
  ): number {
    const info = migrationRule(rule);
    if (info.optIn && !this.include.has(rule)) return -1;
    counts[rule] = (counts[rule] ?? 0) + 1;
    if (!keep()) return -1;
    const location = options?.location;
    const offset =
      location !== undefined && location >= 0 && statement.locationBase + location >= statement.start
        ? Math.min(statement.locationBase + location, statement.end)
        : statement.start;
    const position = offset === statement.start ? statement : statement.locate(offset);
    findings.push({
      rule,
      severity: info.severity,
      category: info.category,
      message,
      fix: options?.fix ?? info.fix,
      statementIndex: statement.index,
      statement:
        statement.text.length > SQL_STATEMENT_TEXT_LIMIT
          ? `${statement.text.slice(0, SQL_STATEMENT_TEXT_LIMIT)}…`
          : statement.text,
      offset,
      line: position.line,
      column: position.column,
      statementOffset: statement.start,
      statementLine: statement.line
    });
    return findings.length - 1;
  }

  private check(context: CheckContext, node: Node): void {
    checkIdentifierLengths(context, this.options.parser);
    switch (kindOf(node)) {
      case 'CreateStmt':
        checkCreateTable(context, nodeAs(node, 'CreateStmt')!);
        return;
      case 'AlterTableStmt':
        checkAlterTable(context, nodeAs(node, 'AlterTableStmt')!);
        return;
      case 'RenameStmt':
        checkRename(context, nodeAs(node, 'RenameStmt')!);
        return;
      case 'IndexStmt':
        checkCreateIndex(context, nodeAs(node, 'IndexStmt')!);
        return;
      case 'DropStmt':
        checkDrop(context, nodeAs(node, 'DropStmt')!);
        return;
      case 'DropdbStmt':
        checkDropDatabase(context, nodeAs(node, 'DropdbStmt')!.dbname);
        return;
      case 'TruncateStmt':
        checkTruncate(context, nodeAs(node, 'TruncateStmt')!);
        return;
      case 'CreateDomainStmt':
        checkCreateDomain(context, nodeAs(node, 'CreateDomainStmt')!);
        return;
      case 'AlterDomainStmt':
        checkAlterDomain(context, nodeAs(node, 'AlterDomainStmt')!);
        return;
      case 'AlterEnumStmt':
        checkAlterEnum(context, nodeAs(node, 'AlterEnumStmt')!);
        return;
      case 'VacuumStmt':
        checkVacuum(context, nodeAs(node, 'VacuumStmt')!);
        return;
      case 'ClusterStmt':
        checkCluster(context, nodeAs(node, 'ClusterStmt')!);
        return;
      case 'ReindexStmt':
        checkReindex(context, nodeAs(node, 'ReindexStmt')!);
        return;
      case 'UpdateStmt':
        checkUpdate(context, nodeAs(node, 'UpdateStmt')!);
        return;
      case 'InsertStmt':
        checkInsert(context, nodeAs(node, 'InsertStmt')!);
        return;
      case 'DeleteStmt':
        checkDelete(context, nodeAs(node, 'DeleteStmt')!);
        return;
      case 'TransactionStmt':
        this.transaction(context, node);
        return;
      case 'VariableSetStmt': {
        const set = nodeAs(node, 'VariableSetStmt')!;
        const value = set.kind === 'VAR_SET_VALUE' ? constValue(set.args?.[0]) : undefined;
        applyTimeoutSetting(context.state, set.name, value, set.is_local === true);
        return;
      }
      case 'SelectStmt':
        this.setConfigCalls(context, node);
        usesNewEnumLabel(context, node);
        return;
      case 'LockStmt': {
        const lock = nodeAs(node, 'LockStmt')!;
        const existing = (lock.relations ?? []).some(
          (relation) => !context.isNew(rangeKey(nodeAs(relation, 'RangeVar')))
        );
        if (existing) context.lock({ blocking: true });
        return;
      }
      case 'CreateTrigStmt': {
        const trigger = nodeAs(node, 'CreateTrigStmt')!;
        if (!context.isNew(rangeKey(trigger.relation))) context.lock({ blocking: true });
        return;
      }
      default:
        return;
    }
  }

  private transaction(context: CheckContext, node: Node): void {
    const kind = nodeAs(node, 'TransactionStmt')?.kind;
    const state = context.state;
    const bookkeeping = context.origin?.bookkeeping === true;
    if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') {
      if (state.inTransaction) {
        context.report(
          'transaction-nesting',
          'BEGIN inside a transaction that is already open: PostgreSQL ignores it with a warning, and the next COMMIT ends the outer transaction.'
        );
      }
      state.inTransaction = true;
      state.toolTransaction = bookkeeping;
      const begin = context.statement;
      state.transactionStart = {
        index: begin.index,
        offset: begin.start,
        line: begin.line,
        column: begin.column,
        text: begin.text
      };
      return;
    }
    if (kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK' || kind === 'TRANS_STMT_PREPARE') {
      if (!bookkeeping && state.inTransaction && state.toolTransaction) {
        context.report(
          'transaction-nesting',
          'COMMIT inside the migration ends the transaction alembic opened: if a later statement fails, the revision is left half-applied.'
        );
      }
      endTransaction(state);
    }
  }

  /** `SELECT set_config('lock_timeout', '5s', false)` sets it like SET does. */
  private setConfigCalls(context: CheckContext, node: Node): void {
    const select = nodeAs(node, 'SelectStmt');
    for (const target of select?.targetList ?? []) {
      const call = nodeAs(nodeAs(target, 'ResTarget')?.val, 'FuncCall');
      if (!call || names(call.funcname).pop()?.toLowerCase() !== 'set_config') continue;
      const [name, value, local] = (call.args ?? []).map((arg) => constValue(arg));
      if (typeof name === 'string') applyTimeoutSetting(context.state, name, value, local === true);
    }
  }
}

function applyTimeoutSetting(
  state: UnitState,
  name: string | undefined,
  value: unknown,
  local: boolean
): void {
  // 0 (or '0') turns the timeout off; anything else sets one.
  const enabled = value !== undefined && value !== null && value !== 0 && value !== '0';
  if (name === 'lock_timeout') {
    state.lockTimeout = enabled;
    state.lockTimeoutLocal = enabled && local;
  } else if (name === 'statement_timeout') {
    state.statementTimeout = enabled;
    state.statementTimeoutLocal = enabled && local;
  }
}

function endTransaction(state: UnitState): void {
  state.inTransaction = false;
  delete state.transactionStart;
  state.toolTransaction = false;
  state.notValidInTransaction.clear();
  state.enumLabelsInTransaction.clear();
  if (state.lockTimeoutLocal) state.lockTimeout = state.lockTimeoutLocal = false;
  if (state.statementTimeoutLocal) state.statementTimeout = state.statementTimeoutLocal = false;
}
