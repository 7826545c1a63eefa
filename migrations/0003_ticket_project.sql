ALTER TABLE "tickets" ADD COLUMN "project" text;--> statement-breakpoint
CREATE INDEX "tickets_project_idx" ON "tickets" USING btree ("project");