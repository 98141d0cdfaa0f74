// The GitHub API fake: a stateful loopback server checked against GitHub's OpenAPI description.
export * from './server.ts';
export * from './state.ts';
export * from './openapi.ts';
