-- migrate-check:ignore down-reverts-up the enum stays: other services read it (ADR-7)
-- migrate-check:ignore up-repeatable same reason: the up is only ever applied once
ALTER TABLE users DROP COLUMN status;
