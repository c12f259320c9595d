-- The client token's `jti` (docs/access-control.md): which token made each request, so a stolen or
-- misused token's accesses can be listed. Records written before this migration have none.
ALTER TABLE audit_records ADD COLUMN token_id text;
