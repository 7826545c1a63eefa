ALTER TABLE "log_entries" ADD COLUMN "source" text;--> statement-breakpoint
ALTER TABLE "log_entries" ADD COLUMN "baseline_entry_id" uuid;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "team" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "duplicate_of" uuid;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "similarity_terms" integer[];--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "similarity_weights" real[];--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', "tickets"."title"), 'A') || setweight(to_tsvector('english', left("tickets"."body", 20000)), 'B')) STORED;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_duplicate_of_tickets_id_fk" FOREIGN KEY ("duplicate_of") REFERENCES "public"."tickets"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "log_entries_source_idx" ON "log_entries" USING btree ("source","created_at","id") WHERE "log_entries"."source" is not null;--> statement-breakpoint
CREATE INDEX "tickets_team_idx" ON "tickets" USING btree (lower("team"));--> statement-breakpoint
CREATE INDEX "tickets_duplicate_of_idx" ON "tickets" USING btree ("duplicate_of");--> statement-breakpoint
CREATE INDEX "tickets_similarity_idx" ON "tickets" USING gin ("similarity_terms");--> statement-breakpoint
CREATE INDEX "tickets_search_idx" ON "tickets" USING gin ("search");