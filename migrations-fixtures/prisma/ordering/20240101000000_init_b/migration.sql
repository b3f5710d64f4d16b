-- Same timestamp: Prisma runs folders in name order, so `_init` before `_init_b`.
ALTER TABLE "User" ADD COLUMN "name" TEXT;
