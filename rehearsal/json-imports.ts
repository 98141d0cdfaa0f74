/**
 * `@actions/workflow-parser` imports its JSON schemas without `with { type: 'json' }`, which
 * Node refuses. This hook adds the attribute to JSON imports that lack it; it must be registered
 * before the parser is imported (rehearsal/main.ts imports the engine after it). Jest's
 * transform does the same for the tests.
 */
import nodeModule from 'node:module';

interface LoadContext {
  /** Absent when CommonJS `require` loads the file. */
  importAttributes?: Record<string, string>;
}
type NextLoad = (url: string, context: LoadContext) => unknown;

// Node 24's synchronous module hooks; the project's @types/node (20) does not declare them yet.
const { registerHooks } = nodeModule as unknown as {
  registerHooks(hooks: { load(url: string, context: LoadContext, nextLoad: NextLoad): unknown }): void;
};

registerHooks({
  load(url, context, nextLoad) {
    if (url.endsWith('.json') && context.importAttributes && context.importAttributes.type === undefined) {
      return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } });
    }
    return nextLoad(url, context);
  }
});
