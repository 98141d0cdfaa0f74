// @deploy-actions/core/action: the one adapter to the runner (the ActionContext on @actions/core),
// the entry wrapper that catches, and the cancellation handler.
export { type ActionContext, type AnnotationProperties, createActionContext } from './context.ts';
export { runAction } from './run-action.ts';
export { onTermination } from './termination.ts';
