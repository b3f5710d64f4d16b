ALTER TABLE "User" ADD COLUMN "name" TEXT;
CREATE INDEX CONCURRENTLY "User_name_idx" ON "User"("name");
