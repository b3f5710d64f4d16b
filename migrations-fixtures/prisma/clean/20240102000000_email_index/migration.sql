-- A single CONCURRENTLY statement: Prisma sends the file as one query, outside a transaction block.
CREATE UNIQUE INDEX CONCURRENTLY "User_email_key" ON "User"("email");
