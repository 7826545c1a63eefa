ALTER TYPE "public"."job_status" ADD VALUE 'AWAITING_UPLOAD';--> statement-breakpoint
ALTER TABLE "log_entries" ADD COLUMN "object_key" text;