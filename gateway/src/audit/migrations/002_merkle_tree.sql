-- The Merkle tree over the records (RFC 9162): leaf i is record seq i+1. audit_tree keeps the hash of
-- every complete aligned subtree of 16 leaves or more (level ≥ 4; smaller ones are recomputed from
-- their records), written in the batch's transaction, so any inclusion or consistency proof is one
-- indexed read of O(log² n) rows plus at most two reads of 16 records.
CREATE TABLE audit_tree (
  level  smallint NOT NULL,
  idx    bigint NOT NULL,
  hash   bytea NOT NULL,
  PRIMARY KEY (level, idx)
);

-- The random seed of each record's leaf commitments (leaf.ts). Records written before this migration
-- have none until the store extends the tree over them at start.
ALTER TABLE audit_records ADD COLUMN leaf_seed bytea;

-- How many records the tree covers, and its right edge (the roots of its complete subtrees, largest
-- first, hex), moved in the same UPDATE as the chain head.
ALTER TABLE audit_head ADD COLUMN tree_size bigint NOT NULL DEFAULT 0;
ALTER TABLE audit_head ADD COLUMN frontier text[] NOT NULL DEFAULT '{}';

-- Checkpoints from now on are C2SP signed notes over (tree size, root); seq is the tree size. Older
-- rows keep their JWS over the chain head and keep verifying.
ALTER TABLE audit_checkpoints ALTER COLUMN jws DROP NOT NULL;
ALTER TABLE audit_checkpoints ADD COLUMN note text;
