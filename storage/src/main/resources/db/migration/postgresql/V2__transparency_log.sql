-- Strongroom metadata schema, version 2 (PostgreSQL): the transparency log.
--
-- log_leaves  the leaves of the one append-only Merkle log (RFC 6962), idx 0, 1, 2, ... without
--             gaps. Each leaf records a device-chain entry or a vault commit header and is
--             written in the same transaction as what it records. leaf_key names that thing
--             (chain/<account hex>/<index>, commit/<vault hex>/<seq>) and is unique: at most one
--             leaf per chain position and per vault version.
-- The SQLite migration is this file with BLOB where it says BYTEA.

CREATE TABLE log_leaves (
    idx      BIGINT NOT NULL PRIMARY KEY CHECK (idx >= 0),
    leaf_key TEXT   NOT NULL UNIQUE,
    data     BYTEA  NOT NULL
);
