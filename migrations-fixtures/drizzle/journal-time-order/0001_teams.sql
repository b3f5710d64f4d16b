CREATE TABLE "teams" (
	"id" serial PRIMARY KEY NOT NULL
);
