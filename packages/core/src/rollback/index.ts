// Re-exports of the rollback logic.
export * from './target.ts';
export * from './notify.ts';
export * from './send-notification.ts';
export * from './incident.ts';
export * from './sequence.ts';
export * from './run-rollback.ts';
export * from './downgrade.ts';
export * from './recovery.ts';
export * from './verification.ts';
export * from './codeowners.ts';
export * from './dashboard.ts';
export * from './incident-marker.ts';
