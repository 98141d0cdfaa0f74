/**
 * Expressions through GitHub's own evaluator (`@actions/expressions`): the parser checks every
 * context and function name against what the rehearsal provides, so an unknown one stops the
 * rehearsal at the token's `file:line:column` instead of evaluating to something wrong. The
 * engine adds the runner's functions: the status functions (where GitHub allows them) and
 * `hashFiles` (GitHub's documented algorithm over the job's workspace).
 */
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { TokenType, type Token } from '@actions/expressions/lexer';
import { isBasicExpression, isLiteral, isMapping, isSequence } from '@actions/workflow-parser';
import { ensureStatusFunction } from '@actions/workflow-parser/model/converter/if-condition';
import type { DefinitionInfo } from '@actions/workflow-parser/templates/schema/definition-info';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/index';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { errorMessage, refuse } from './errors.ts';

/** What `success()`, `failure()` and `cancelled()` answer where they are evaluated. */
export interface StatusFunctions {
  success(): boolean;
  failure(): boolean;
  cancelled(): boolean;
}

export interface Scope {
  /** The workflow file the tokens come from (for refusals). */
  file: string;
  /** Context name -> plain JSON value (github, env, inputs, needs, steps, job, ...). */
  contexts: Readonly<Record<string, unknown>>;
  /** Present where GitHub allows the status functions (`if:` of jobs and steps, post-if). */
  status?: StatusFunctions;
  /** Present where `hashFiles` may run: the job's GITHUB_WORKSPACE. */
  workspace?: string;
}

/** Thrown when an expression parses but its evaluation fails (e.g. fromJSON of bad JSON). */
export class ExpressionEvaluationFailure extends Error {
  override readonly name = 'ExpressionEvaluationFailure';
}

function booleanFunction(name: string, answer: () => boolean): FunctionDefinition {
  return { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(answer()) };
}

function functionsOf(scope: Scope): FunctionDefinition[] {
  const functions: FunctionDefinition[] = [];
  const { status, workspace } = scope;
  if (status) {
    functions.push(
      booleanFunction('success', () => status.success()),
      booleanFunction('failure', () => status.failure()),
      booleanFunction('cancelled', () => status.cancelled()),
      booleanFunction('always', () => true)
    );
  }
  if (workspace !== undefined) {
    functions.push({
      name: 'hashFiles',
      minArgs: 1,
      maxArgs: 255,
      call: (...patterns) =>
        new data.StringData(
          hashFiles(
            workspace,
            patterns.map((p) => p.coerceString())
          )
        )
    });
  }
  return functions;
}

function walkFiles(dir: string, root: string, found: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walkFiles(full, root, found);
    else if (entry.isFile()) found.push(path.relative(root, full));
  }
}

/**
 * GitHub's `hashFiles`: the SHA-256 of the SHA-256 of each matching file under the workspace
 * (patterns relative to it, `!` excludes), or '' when nothing matches. Files are taken in path
 * order so the hash does not depend on the file system's listing order.
 */
export function hashFiles(workspace: string, patterns: string[]): string {
  const include = patterns.filter((p) => !p.startsWith('!'));
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  const included = picomatch(include, { dot: true });
  const excluded = exclude.length > 0 ? picomatch(exclude, { dot: true }) : () => false;
  const files: string[] = [];
  walkFiles(workspace, workspace, files);
  const matching = files.filter((file) => included(file) && !excluded(file)).sort();
  if (matching.length === 0) return '';
  const combined = createHash('sha256');
  for (const file of matching) {
    combined.update(
      createHash('sha256')
        .update(readFileSync(path.join(workspace, file)))
        .digest()
    );
  }
  return combined.digest('hex');
}

/**
 * The lexer of @actions/expressions 0.3.61 turns only the first `''` of a string literal into `'`
 * (`String.replace` with a string pattern), so `format('a ''b'' ''c''', ...)`, which the workflow
 * parser builds for every `run:` holding both quotes and `${{ }}`, would keep a doubled quote.
 * Each string token's value is rebuilt from its lexeme, with every `''` unescaped.
 */
function unescapeStrings(tokens: Token[]): Token[] {
  return tokens.map((token) =>
    token.type === TokenType.STRING
      ? { ...token, value: token.lexeme.slice(1, -1).replace(/''/g, "'") }
      : token
  );
}

/** Evaluates one expression (without `${{ }}`); `token` locates refusals. Returns plain JSON. */
export function evaluateExpression(
  expression: string,
  scope: Scope,
  token: TemplateToken | undefined
): unknown {
  const functions = functionsOf(scope);
  let tree;
  try {
    const lexed = new Lexer(expression).lex();
    tree = new Parser(unescapeStrings(lexed.tokens), Object.keys(scope.contexts), functions).parse();
  } catch (error) {
    throw refuse(
      scope.file,
      token,
      `the rehearsal cannot evaluate \${{ ${expression} }}: ${errorMessage(error)}`
    );
  }
  const context = JSON.parse(JSON.stringify(scope.contexts), data.reviver) as data.Dictionary;
  let result: data.ExpressionData;
  try {
    result = new Evaluator(
      tree,
      context,
      new Map(functions.map((f) => [f.name.toLowerCase(), f]))
    ).evaluate();
  } catch (error) {
    throw new ExpressionEvaluationFailure(`\${{ ${expression} }}: ${errorMessage(error)}`);
  }
  return JSON.parse(JSON.stringify(result, data.replacer)) as unknown;
}

/**
 * A token's value: literals as they are, expressions (a `${{ }}` inside a string is already a
 * `format(...)` call in the token) evaluated, mappings and sequences evaluated item by item.
 */
export function evaluateToken(token: TemplateToken, scope: Scope): unknown {
  if (isBasicExpression(token)) return evaluateExpression(token.expression, scope, token);
  if (isMapping(token)) {
    return Object.fromEntries(
      [...token].map((pair) => [String(evaluateToken(pair.key, scope)), evaluateToken(pair.value, scope)])
    );
  }
  if (isSequence(token)) return [...token].map((item) => evaluateToken(item, scope));
  if (isLiteral(token)) return (token as unknown as { value: unknown }).value ?? null;
  throw refuse(scope.file, token, 'the rehearsal does not support this construct (an insert expression?)');
}

/** A value as the runner puts it into a string: booleans and numbers as text, null as ''. */
export function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** `evaluateToken` then `asText`. */
export function evaluateText(token: TemplateToken, scope: Scope): string {
  return asText(evaluateToken(token, scope));
}

/** Truthiness as GitHub's evaluator defines it (empty string, 0, false, null are false). */
export function isTruthy(value: unknown): boolean {
  return value !== null && value !== undefined && value !== false && value !== 0 && value !== '';
}

/**
 * An `if:` condition (a literal string or a `${{ }}` expression), wrapped in `success() && (...)`
 * unless it calls a status function, the way GitHub does; no condition means `success()`.
 */
export function evaluateCondition(token: TemplateToken | undefined, scope: Scope): boolean {
  let condition = 'success()';
  if (token && isBasicExpression(token)) condition = token.expression;
  else if (token && isLiteral(token)) condition = token.toString().trim() || 'success()';
  return conditionHolds(condition, scope, token);
}

/** A condition's text (no `${{ }}`), wrapped and evaluated as `evaluateCondition` does. */
export function conditionHolds(condition: string, scope: Scope, token: TemplateToken | undefined): boolean {
  // GitHub's own wrapping; it parses the condition against what this scope provides.
  const allowedContext = [
    ...Object.keys(scope.contexts),
    ...functionsOf(scope).map((f) => `${f.name}(${f.minArgs},${f.maxArgs})`)
  ];
  const wrapped = ensureStatusFunction(condition, { allowedContext } as unknown as DefinitionInfo);
  return isTruthy(evaluateExpression(wrapped, scope, token));
}

/** `${{ expr }}` pieces of a plain string (action.yml defaults, post-if) evaluated and joined. */
export function evaluateTemplateString(text: string, scope: Scope): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) =>
    asText(evaluateExpression(expression.trim(), scope, undefined))
  );
}
