// Re-exports of the traffic routers, and of the exec adapter they run commands with (core's
// index.ts re-exports this folder).
export * from './router.ts';
export * from './spec.ts';
export * from './nginx.ts';
export * from './command.ts';
export * from './factory.ts';
export * from './inputs.ts';
export * from '../../exec/exec.ts';
export * from '../../exec/command-line.ts';
export * from '../../exec/run-own-output.ts';
