import { describe, expect, it } from 'vitest';
import { declaredSchema, statementsOf, unsafeChanges } from '../../../scripts/migrations/check.ts';

// The shape of a drizzle-kit snapshot (migrations/meta/NNNN_snapshot.json), trimmed to what the check reads.
const previousRelease = declaredSchema({
  tables: {
    'public.tickets': {
      name: 'tickets',
      columns: { id: { name: 'id' }, title: { name: 'title' }, legacy_score: { name: 'legacy_score' } },
    },
    'public.login_throttle': { name: 'login_throttle', columns: { key: { name: 'key' } } },
  },
});

const check = (sql: string) => unsafeChanges(previousRelease, [{ name: '0009_change.sql', sql }]);

describe('the rolling-deploy migration check', () => {
  it('refuses dropping a column the previous release still declares', () => {
    const problems = check('ALTER TABLE "tickets" DROP COLUMN "legacy_score";');
    expect(problems).toEqual([
      {
        migration: '0009_change.sql',
        statement: 'ALTER TABLE "tickets" DROP COLUMN "legacy_score"',
        reason: 'drops column tickets.legacy_score, which the previous release still reads',
      },
    ]);
  });

  it('refuses renaming a column or a table, and dropping a table, in any spelling', () => {
    const sql = [
      'ALTER TABLE public.tickets RENAME COLUMN title TO headline;',
      'alter table "login_throttle" rename to "throttle";',
      'DROP TABLE IF EXISTS "public"."login_throttle" CASCADE;',
    ].join('\n');
    expect(check(sql).map((p) => p.reason)).toEqual([
      'renames column tickets.title, which the previous release still reads',
      'renames table login_throttle, which the previous release still reads',
      'drops table login_throttle, which the previous release still reads',
    ]);
  });

  it('accepts the contract step: dropping what the previous release no longer declares', () => {
    expect(check('ALTER TABLE "tickets" DROP COLUMN "score_v0";\nDROP TABLE "old_audit";')).toEqual([]);
  });

  it('accepts expanding changes and constraint or index drops', () => {
    const sql = [
      'ALTER TABLE "tickets" ADD COLUMN "score" real;',
      '--> statement-breakpoint',
      'ALTER TABLE "tickets" DROP CONSTRAINT "tickets_title_unique";',
      '--> statement-breakpoint',
      'DROP INDEX "tickets_title_idx";',
    ].join('\n');
    expect(check(sql)).toEqual([]);
  });

  it("splits drizzle's breakpoints and ignores comment lines", () => {
    const sql = '-- drop it later\nALTER TABLE "a" ADD COLUMN "b" text;--> statement-breakpoint\nSELECT 1;';
    expect(statementsOf(sql)).toEqual(['ALTER TABLE "a" ADD COLUMN "b" text', 'SELECT 1']);
    expect(check('-- ALTER TABLE "tickets" DROP COLUMN "title";\nSELECT 1;')).toEqual([]);
  });
});
