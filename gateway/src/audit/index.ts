// The audit store: one tamper-evident record per request that reads or is denied protected data.
export { type AuditStoreOptions, auditStoreOn, createAuditStore } from './createAuditStore.ts';
export { AuditQueryError, AuditUnavailableError } from './errors.ts';
export { exportLine } from './exportRange.ts';
export { AUDIT_PAGE_DEFAULT, AUDIT_PAGE_MAX } from './queryEvents.ts';
export type * from './types.ts';
export { AUDIT_OUTCOMES } from './types.ts';
