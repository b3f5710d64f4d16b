DROP TABLE tenant.buckets;
DROP SCHEMA tenant;
