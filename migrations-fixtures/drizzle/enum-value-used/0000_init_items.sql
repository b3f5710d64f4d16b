CREATE TYPE "public"."status" AS ENUM('active');--> statement-breakpoint
CREATE TABLE "items" (
	"id" serial PRIMARY KEY NOT NULL,
	"status" "status" DEFAULT 'active' NOT NULL
);
