import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { aws_logs as logs } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { assertStageName, stageConfig, stageNameFromUser } from '../../bin/stages.ts';
import { visibilityTimeoutSeconds } from '../../lambdas/core/jobs/kind.ts';
import { JOB_KINDS } from '../../lambdas/core/jobs/registry.ts';
import { REPO_ROOT } from '../../lib/app-function.ts';

const NOW = new Date('2026-03-10T17:45:00Z');

describe('stage config', () => {
  it('derives a valid stage name from $USER', () => {
    expect(stageNameFromUser('alice')).toBe('alice');
    expect(stageNameFromUser('Jane.Doe')).toBe('jane-doe');
    expect(stageNameFromUser('1bot_user')).toBe('bot-user');
    expect(stageNameFromUser(undefined)).toBe('dev');
  });

  it('rejects stage names that cannot name a stack and its resources', () => {
    expect(() => assertStageName('Alice')).toThrow(/lower-case/);
    expect(() => assertStageName('a'.repeat(21))).toThrow();
    expect(() => assertStageName('alice_1')).toThrow();
    expect(assertStageName('alice-1')).toBe('alice-1');
  });

  it('makes every stage but prod small, disposable and cheap at rest', () => {
    const alice = stageConfig({ name: 'alice', now: NOW });
    expect(alice).toMatchObject({
      durable: false,
      network: { egress: { kind: 'nat-instance' } },
      database: { kind: 'aurora-serverless', minCapacityAcu: 0, autoPauseSeconds: 300 },
      api: { introspection: true, wafRateLimitPer5Minutes: undefined },
      functions: { gradualDeployment: false, logRetention: logs.RetentionDays.ONE_WEEK },
    });
  });

  it('makes prod durable, multi-AZ, backed up for 7+ days, introspection off, WAF on and deployed gradually', () => {
    const prod = stageConfig({ name: 'prod', now: NOW });
    expect(prod).toMatchObject({
      durable: true,
      network: { egress: { kind: 'nat-gateway', count: 2 } },
      database: { kind: 'instance', instanceClass: 't4g.medium', multiAz: true, rotationDays: 30 },
      api: { introspection: false },
      functions: { gradualDeployment: true },
    });
    expect(prod.database.backupRetentionDays).toBeGreaterThanOrEqual(7);
    expect(prod.api.wafRateLimitPer5Minutes).toBeGreaterThan(0);
  });

  it("files each stage's application metrics under a service of its own, in the one namespace", () => {
    const alice = stageConfig({ name: 'alice', now: NOW }).metrics;
    const bob = stageConfig({ name: 'bob', now: NOW }).metrics;
    const prod = stageConfig({ name: 'prod', now: NOW }).metrics;
    expect(alice).toEqual({ namespace: 'AiOps', service: 'ai-ops-alice' });
    expect(new Set([alice.service, bob.service, prod.service]).size).toBe(3);
    expect(new Set([alice.namespace, bob.namespace, prod.namespace])).toEqual(new Set(['AiOps']));
  });

  it('counts the API key expiry from the start of the UTC day, so synths on one day agree', () => {
    const early = stageConfig({ name: 'alice', now: new Date('2026-03-10T00:01:00Z') });
    const late = stageConfig({ name: 'alice', now: NOW });
    expect(late.api.apiKeyExpiresAt.toISOString()).toBe('2026-06-08T00:00:00.000Z');
    expect(early.api.apiKeyExpiresAt).toEqual(late.api.apiKeyExpiresAt);
    expect(stageConfig({ name: 'prod', now: NOW }).api.apiKeyExpiresAt.toISOString()).toBe(
      '2027-03-10T00:00:00.000Z',
    );
  });

  it('takes the alarm and admin e-mails from context, with a placeholder admin address', () => {
    expect(
      stageConfig({ name: 'alice', alarmEmail: 'ops@example.com', adminEmail: 'me@example.com' }),
    ).toMatchObject({
      alarmEmail: 'ops@example.com',
      adminEmail: 'me@example.com',
    });
    expect(stageConfig({ name: 'alice' })).toMatchObject({
      alarmEmail: undefined,
      adminEmail: 'admin@example.com',
    });
  });
});

describe('job kinds', () => {
  it('name one worker handler per kind, each a file of this checkout', () => {
    expect(new Set(JOB_KINDS.map((k) => k.kind)).size).toBe(JOB_KINDS.length);
    expect(new Set(JOB_KINDS.map((k) => k.queue.name)).size).toBe(JOB_KINDS.length);
    for (const kind of JOB_KINDS) expect(existsSync(join(REPO_ROOT, kind.worker.entry))).toBe(true);
  });

  it('keep worker timeouts within what a 12-hour SQS visibility can cover', () => {
    for (const kind of JOB_KINDS) {
      expect(visibilityTimeoutSeconds(kind)).toBeLessThan(43_200);
      expect(kind.queue.batchSize).toBeGreaterThan(0);
    }
  });
});
