ALTER TABLE "items" ALTER COLUMN "status" SET DEFAULT 'archived';
