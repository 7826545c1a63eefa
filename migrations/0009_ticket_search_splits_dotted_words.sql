-- drizzle-kit wrote DROP COLUMN + ADD COLUMN for the changed expression: that loses tickets_search_idx and
-- breaks the previous release's searches during a rolling deploy. PostgreSQL 17 changes the expression in
-- place (the table and its index are rewritten under the ALTER's lock).
ALTER TABLE "tickets" ALTER COLUMN "search" SET EXPRESSION AS (setweight(to_tsvector('english', "tickets"."title"), 'A') || setweight(to_tsvector('english', left("tickets"."body", 20000)), 'B') || strip(to_tsvector('english', regexp_replace("tickets"."title" || ' ' || left("tickets"."body", 20000), '[^[:alnum:]]+', ' ', 'g'))));
