CREATE TABLE "teams" ("id" serial PRIMARY KEY NOT NULL, "name" text NOT NULL);
