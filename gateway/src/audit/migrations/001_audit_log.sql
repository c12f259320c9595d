-- The audit log: one row per request that read or was denied protected data, chained by hash.
-- seq is dense (1, 2, 3…) and assigned under the head row's lock, so the chain order is the seq order
-- even with several gateway processes writing at once.
CREATE TABLE audit_records (
  seq             bigint PRIMARY KEY,
  at              timestamptz NOT NULL,
  request_id      text NOT NULL,
  client_id       text NOT NULL,
  officer         text,
  procedure_code  text,
  dossier_id      text,
  operation_name  text,
  operation_hash  text NOT NULL,
  fields          text[] NOT NULL,
  denied          text[] NOT NULL,
  subjects        text[] NOT NULL,
  sources         text[] NOT NULL,
  outcome         text NOT NULL CHECK (outcome IN ('ok', 'partial', 'denied', 'error')),
  duration_ms     double precision NOT NULL,
  prev_hash       text NOT NULL,
  hash            text NOT NULL
);

-- Readers page newest first by (at, seq); each filter has an index that ends in that order so that a
-- page is an index range scan however large the table grows.
CREATE INDEX audit_records_at ON audit_records (at, seq);
CREATE INDEX audit_records_client ON audit_records (client_id, at, seq);
CREATE INDEX audit_records_officer ON audit_records (officer, at, seq) WHERE officer IS NOT NULL;
CREATE INDEX audit_records_procedure ON audit_records (procedure_code, at, seq) WHERE procedure_code IS NOT NULL;
CREATE INDEX audit_records_dossier ON audit_records (dossier_id, at, seq) WHERE dossier_id IS NOT NULL;
CREATE INDEX audit_records_outcome ON audit_records (outcome, at, seq);

-- "Every access to subject X between two dates" is the question citizens and inspectors ask most:
-- one narrow row per (record, subject), clustered by subject then time, answers it from one B-tree
-- range however many records there are. Written in the same transaction as the record (no foreign
-- key: it would cost a lookup per subject on the write path, and verify() cross-checks the two).
CREATE TABLE audit_subjects (
  subject  text NOT NULL,
  at       timestamptz NOT NULL,
  seq      bigint NOT NULL,
  PRIMARY KEY (subject, at, seq)
);
CREATE INDEX audit_subjects_seq ON audit_subjects (seq);

-- The chain head: one row, locked by every writer for the length of its batch transaction. It also
-- remembers the last checkpoint so that checkpoints are taken every N records across all writers.
CREATE TABLE audit_head (
  id              boolean PRIMARY KEY DEFAULT true CHECK (id),
  seq             bigint NOT NULL,
  hash            text NOT NULL,
  checkpoint_seq  bigint NOT NULL
);
INSERT INTO audit_head (id, seq, hash, checkpoint_seq)
VALUES (true, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0);

-- Signed checkpoints: a JWS by a gateway's audit key over the chain head (seq, hash). Only the signed
-- payload is trusted when verifying; the seq column is there to find them.
CREATE TABLE audit_checkpoints (
  id        bigserial PRIMARY KEY,
  seq       bigint NOT NULL,
  at        timestamptz NOT NULL,
  kid       text NOT NULL,
  jws       text NOT NULL
);
CREATE INDEX audit_checkpoints_seq ON audit_checkpoints (seq);
