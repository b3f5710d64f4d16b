CREATE TABLE "users" ("id" serial PRIMARY KEY NOT NULL, "email" text NOT NULL);
--> statement-breakpoint
CREATE INDEX CONCURRENTLY "users_email_idx" ON "users" ("email");