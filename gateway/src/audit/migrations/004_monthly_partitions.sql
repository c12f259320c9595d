-- Monthly partitions (issue 13): audit_records and audit_subjects become tables partitioned by range of
-- `at`, one partition per calendar month (UTC), so that an old month can be exported, detached and
-- dropped as a unit (audit:export --month … --detach) and a query bounded in time only reads the
-- months it covers.
--
-- The primary key of a partitioned table must contain the partition key: audit_records' key becomes
-- (seq, at). seq stays unique across partitions without a global index because it is assigned only
-- under the audit_head row's lock (writeBatch.ts), one more than the head, and the head moves in the
-- same transaction; verify() checks the chain is exactly 1, 2, 3… and names any duplicate.

CREATE FUNCTION audit_partition_name(base text, month timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT base || '_' || to_char(month AT TIME ZONE 'UTC', 'YYYY_MM') $$;

-- Creates the partitions of the month containing `month` (UTC) when they do not exist. A partition is
-- created as a plain table and then attached: ATTACH PARTITION takes a SHARE UPDATE EXCLUSIVE lock on
-- the parent, which neither readers nor writers conflict with (CREATE TABLE … PARTITION OF would take
-- an ACCESS EXCLUSIVE one). Callers serialize on a transaction-level advisory lock.
CREATE FUNCTION audit_ensure_month(month timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  first_day timestamp := date_trunc('month', month AT TIME ZONE 'UTC');
  lower_bound text := to_char(first_day, 'YYYY-MM-DD') || ' 00:00:00+00';
  upper_bound text := to_char(first_day + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00';
  base text;
  part text;
BEGIN
  PERFORM pg_advisory_xact_lock(7406113002);
  FOREACH base IN ARRAY ARRAY['audit_records', 'audit_subjects'] LOOP
    part := audit_partition_name(base, month);
    CONTINUE WHEN EXISTS (
      SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = base::regclass AND c.relname = part
    );
    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part, base);
    EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                   base, part, lower_bound, upper_bound);
  END LOOP;
END $$;

-- The existing tables are renamed, their rows copied into the partitioned ones, then dropped.
ALTER TABLE audit_records RENAME TO audit_records_unpartitioned;
ALTER TABLE audit_subjects RENAME TO audit_subjects_unpartitioned;

CREATE TABLE audit_records (LIKE audit_records_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
  PARTITION BY RANGE (at);
CREATE TABLE audit_subjects (LIKE audit_subjects_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
  PARTITION BY RANGE (at);

SELECT audit_ensure_month(m)
FROM (
  SELECT DISTINCT date_trunc('month', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS m
  FROM audit_records_unpartitioned
  UNION
  SELECT date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
  UNION
  SELECT (date_trunc('month', now() AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC'
) AS months;

INSERT INTO audit_records (
  seq, at, request_id, client_id, officer, procedure_code, dossier_id, operation_name, operation_hash,
  fields, denied, subjects, sources, outcome, duration_ms, prev_hash, hash, leaf_seed, token_id)
SELECT seq, at, request_id, client_id, officer, procedure_code, dossier_id, operation_name, operation_hash,
  fields, denied, subjects, sources, outcome, duration_ms, prev_hash, hash, leaf_seed, token_id
FROM audit_records_unpartitioned;
INSERT INTO audit_subjects (subject, at, seq) SELECT subject, at, seq FROM audit_subjects_unpartitioned;

DROP TABLE audit_records_unpartitioned;
DROP TABLE audit_subjects_unpartitioned;

-- Keys and indexes on the parents cascade to every partition, present and future: a reader's page is
-- still an index range scan, now in the months its time bounds reach.
-- (seq, at) also serves every lookup by seq alone (its leading column).
ALTER TABLE audit_records ADD PRIMARY KEY (seq, at);
CREATE INDEX audit_records_at ON audit_records (at, seq);
CREATE INDEX audit_records_client ON audit_records (client_id, at, seq);
CREATE INDEX audit_records_officer ON audit_records (officer, at, seq) WHERE officer IS NOT NULL;
CREATE INDEX audit_records_procedure ON audit_records (procedure_code, at, seq) WHERE procedure_code IS NOT NULL;
CREATE INDEX audit_records_dossier ON audit_records (dossier_id, at, seq) WHERE dossier_id IS NOT NULL;
CREATE INDEX audit_records_outcome ON audit_records (outcome, at, seq);
ALTER TABLE audit_subjects ADD PRIMARY KEY (subject, at, seq);
CREATE INDEX audit_subjects_seq ON audit_subjects (seq);

-- An archived month: its records were exported (audit:export --month) to a file that keeps them
-- verifiable without the database, then its partitions were detached. verify() accepts records
-- first_seq–last_seq missing from the tables only when a row here says they were archived; the tree
-- nodes over them stay in audit_tree, so proofs of later records still serve.
CREATE TABLE audit_archives (
  month           date PRIMARY KEY,
  first_seq       bigint NOT NULL,
  last_seq        bigint NOT NULL,
  records         bigint NOT NULL,
  -- The chain hash of record last_seq (the next record's prev_hash) and the tree root over records
  -- 1–last_seq (hex), from before the month was detached.
  last_hash       text NOT NULL,
  tree_root       text NOT NULL,
  -- The signed checkpoint the export's inclusion proofs lead to, and the export file's SHA-256.
  checkpoint_size bigint NOT NULL,
  file_sha256     text NOT NULL,
  archived_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (first_seq <= last_seq AND last_seq <= checkpoint_size)
);
