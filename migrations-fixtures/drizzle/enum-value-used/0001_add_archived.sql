ALTER TYPE "public"."status" ADD VALUE 'archived';
