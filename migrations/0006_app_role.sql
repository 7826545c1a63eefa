-- The application's database role, ai_ops_app: what every function and the local runtime connect as (the
-- migrator, which owns the tables, gives it a login: lambdas/adapters/db/app-role.ts). It reads and writes the
-- application's tables, but may only insert and read audit rows: the audit log is append-only. Roles belong to
-- the whole server, so the role may exist already (another database, a concurrent migration); a migrating user
-- without CREATEROLE skips it, and the application then connects as that user (the trigger below still holds).
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ai_ops_app') THEN
    BEGIN
      CREATE ROLE ai_ops_app NOLOGIN;
    EXCEPTION
      WHEN duplicate_object OR unique_violation THEN NULL;
      WHEN insufficient_privilege THEN
        RAISE NOTICE 'role ai_ops_app not created: the migrating user lacks CREATEROLE';
        RETURN;
    END;
  END IF;
  GRANT USAGE ON SCHEMA public TO ai_ops_app;
  GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ai_ops_app;
  GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ai_ops_app;
  -- Tables and sequences later migrations create (as this same migrating user) get the same grants.
  ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ai_ops_app;
  ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ai_ops_app;
  REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM ai_ops_app;
END $$;
--> statement-breakpoint
-- A second lock for any other connection, the owner's included: rows are never changed or removed.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
