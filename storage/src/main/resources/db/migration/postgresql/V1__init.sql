-- Strongroom metadata schema, version 1 (PostgreSQL).
--
-- Every value is opaque bytes the server cannot open; ids are raw bytes (32-byte account,
-- device and pack ids, 16-byte vault ids). Times are milliseconds since the epoch.
-- The statements are those of db/migration/sqlite/V1__init.sql with BYTEA where that file
-- says BLOB; everything else (BIGINT, TEXT, CHECK, REFERENCES) is common to both.
-- MigrationsInStepTest compares the two folders statement by statement.
--
-- Tables:
--   accounts         one row per account
--   chain_entries    an account's device chain: idx 0 (genesis), 1, 2, ... without gaps
--   account_objects  opaque per-account objects by name (envelopes, recovery blob, wrapped keys)
--   challenges       single-use authentication challenges by nonce, until they expire
--   tokens           session tokens by hash, until they expire
--   vaults           vaults, their owning account, and their order of creation per account
--   vault_keys       opaque vault key records by key epoch
--   packs            the durable packs each vault holds, with their sizes
--   commits          each vault's commits: seq 1, 2, 3, ... without gaps
--
-- Challenges and tokens do not reference accounts: they are short-lived authentication state
-- and are purged by expiry.

CREATE TABLE accounts (
    account BYTEA  NOT NULL PRIMARY KEY,
    created BIGINT NOT NULL
);

CREATE TABLE chain_entries (
    account BYTEA  NOT NULL REFERENCES accounts (account),
    idx     BIGINT NOT NULL CHECK (idx >= 0),
    entry   BYTEA  NOT NULL,
    created BIGINT NOT NULL,
    PRIMARY KEY (account, idx)
);

CREATE TABLE account_objects (
    account BYTEA  NOT NULL REFERENCES accounts (account),
    name    TEXT   NOT NULL,
    value   BYTEA  NOT NULL,
    updated BIGINT NOT NULL,
    PRIMARY KEY (account, name)
);

CREATE TABLE challenges (
    nonce   BYTEA  NOT NULL PRIMARY KEY,
    account BYTEA  NOT NULL,
    device  BYTEA  NOT NULL,
    expires BIGINT NOT NULL
);

CREATE INDEX challenges_expires ON challenges (expires);

CREATE TABLE tokens (
    token_hash BYTEA  NOT NULL PRIMARY KEY,
    account    BYTEA  NOT NULL,
    device     BYTEA  NOT NULL,
    expires    BIGINT NOT NULL
);

CREATE INDEX tokens_expires ON tokens (expires);

CREATE TABLE vaults (
    vault   BYTEA  NOT NULL PRIMARY KEY,
    account BYTEA  NOT NULL REFERENCES accounts (account),
    created BIGINT NOT NULL,
    ordinal BIGINT NOT NULL CHECK (ordinal >= 1),
    UNIQUE (account, ordinal)
);

CREATE TABLE vault_keys (
    vault  BYTEA  NOT NULL REFERENCES vaults (vault),
    epoch  BIGINT NOT NULL,
    record BYTEA  NOT NULL,
    PRIMARY KEY (vault, epoch)
);

CREATE TABLE packs (
    vault   BYTEA  NOT NULL REFERENCES vaults (vault),
    pack    BYTEA  NOT NULL,
    size    BIGINT NOT NULL CHECK (size >= 0),
    created BIGINT NOT NULL,
    PRIMARY KEY (vault, pack)
);

CREATE TABLE commits (
    vault     BYTEA  NOT NULL REFERENCES vaults (vault),
    seq       BIGINT NOT NULL CHECK (seq >= 1),
    header    BYTEA  NOT NULL,
    signature BYTEA  NOT NULL,
    sealed    BYTEA  NOT NULL,
    time      BIGINT NOT NULL,
    PRIMARY KEY (vault, seq)
);
