// The audit store: one tamper-evident record per request that reads or is denied protected data.
export { type AuditStoreOptions, auditStoreOn, createAuditStore } from './createAuditStore.ts';
export { AuditQueryError, AuditUnavailableError } from './errors.ts';
// For the verify and export tools, which work on the database without a signing key.
export { exportLine, exportRange } from './exportRange.ts';
export { migrate } from './migrations.ts';
export { AUDIT_PAGE_DEFAULT, AUDIT_PAGE_MAX } from './queryEvents.ts';
export { openSqlDatabase, type SqlDatabase } from './sqlDatabase.ts';
export type * from './types.ts';
export { AUDIT_OUTCOMES } from './types.ts';
export { verifyLog } from './verifyLog.ts';
