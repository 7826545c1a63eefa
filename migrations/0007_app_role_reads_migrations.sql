-- Readiness (/health) counts the applied migrations as the application's role, ai_ops_app: it may read the
-- migrations table, nothing more of the drizzle schema. Skipped where the role was not created (0006).
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'ai_ops_app') THEN
    GRANT USAGE ON SCHEMA drizzle TO ai_ops_app;
    GRANT SELECT ON drizzle.__drizzle_migrations TO ai_ops_app;
  END IF;
END $$;
