ALTER TABLE "users" ADD COLUMN "nickname" text;--> statement-breakpoint
CREATE INDEX "users_nickname_idx" ON "users" USING btree ("nickname");
