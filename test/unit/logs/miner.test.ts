import { describe, expect, it } from 'vitest';
import { TemplateMiner } from '../../../lambdas/core/logs/miner.ts';

const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];

describe('TemplateMiner', () => {
  it('groups lines that differ only in masked values, with typed wildcards', () => {
    const miner = new TemplateMiner();
    const a = miner.add('Received block blk_123 of size 67108864 from /10.250.19.102');
    const b = miner.add('Received block blk_-9876 of size 512 from /10.251.73.220');
    miner.finalize();
    expect(miner.templateId(a)).toBe(miner.templateId(b));
    expect(miner.templateText(a)).toBe('Received block <ID> of size <NUM> from <IP>');
  });

  it('generalises a word position once many different words have been seen there', () => {
    const miner = new TemplateMiner();
    const ids = users.map((u) => miner.add(`session closed for user ${u}`));
    miner.finalize();
    expect(new Set(ids.map((id) => miner.templateId(id))).size).toBe(1);
    expect(miner.templateText(ids[0] ?? 0)).toBe('session closed for user <*>');
    const t = miner.template(ids[0] ?? 0);
    expect(t?.count).toBe(users.length);
    expect(t?.parameters[0]?.values.map((v) => v.value).sort()).toEqual([...users].sort());
  });

  it('keeps messages apart when they differ by a word that takes only a few values', () => {
    const miner = new TemplateMiner();
    const opened = miner.add('session opened for user root');
    const closed = miner.add('session closed for user root');
    for (let i = 0; i < 10; i++) {
      miner.add('session opened for user root');
      miner.add('session closed for user root');
    }
    miner.finalize();
    expect(miner.templateId(opened)).not.toBe(miner.templateId(closed));
  });

  it('reads the few names after `key=` as values of one event, but keeps upper-case states apart', () => {
    const miner = new TemplateMiner();
    const names = ['com.android.systemui', 'com.android.phone', 'android'];
    const ids = names.flatMap((name, i) =>
      [1, 2, 3].map((n) => miner.add(`acquire lock=${n * 7919 + i}, name=${name}, uid=${1000 + n}`)),
    );
    const up = miner.add('link state=UP');
    const down = miner.add('link state=DOWN');
    miner.finalize();
    expect(new Set(ids.map((id) => miner.templateId(id))).size).toBe(1);
    expect(miner.templateText(ids[0] ?? 0)).toBe('acquire lock=<NUM>, name=<*>, uid=<NUM>');
    expect(miner.templateId(up)).not.toBe(miner.templateId(down));
  });

  it('reads the fields of a JSON object in a message as values of one event, its keys as constants', () => {
    const miner = new TemplateMiner();
    // zap's console encoder writes the context after the message; a few users must not split the event.
    const zap = ['alice', 'bob', 'carol'].map((u, i) =>
      miner.add(`payment failed {"user": "${u}", "orderId": ${1234 + i}}`),
    );
    const jobs = ['reindex', 'cleanup'].map((j) => miner.add(`job finished {'job': '${j}', 'ok': True}`));
    const refund = miner.add('refund failed {"user": "alice", "orderId": 99}');
    miner.finalize();
    expect(new Set(zap.map((id) => miner.templateId(id))).size).toBe(1);
    expect(miner.templateText(zap[0] ?? 0)).toBe('payment failed {"user": "<*>", "orderId": <NUM>}');
    expect(miner.templateId(jobs[0] ?? 0)).toBe(miner.templateId(jobs[1] ?? 0));
    expect(miner.templateId(refund)).not.toBe(miner.templateId(zap[0] ?? 0));
  });

  it('keeps upper-case states apart however many there are', () => {
    const miner = new TemplateMiner();
    const states = [
      'NEW',
      'UNASSIGNED',
      'ASSIGNED',
      'RUNNING',
      'SUCCEEDED',
      'FAILED',
      'KILLED',
      'COMMIT_PENDING',
    ];
    const ids = states.map((s) => miner.add(`attempt_1 TaskAttempt Transitioned from ${s} to DONE`));
    miner.finalize();
    expect(new Set(ids.map((id) => miner.templateId(id))).size).toBe(states.length);
  });

  it('merges a position that once held a masked value with the same message holding a word there', () => {
    const miner = new TemplateMiner();
    const masked = miner.add(
      'Registering class org.apache.v2.JobEventType for handler org.apache.v2.Dispatcher',
    );
    const plain = miner.add('Registering class org.apache.EventType for handler org.apache.Handler');
    miner.finalize();
    expect(miner.templateId(plain)).toBe(miner.templateId(masked));
  });

  it('re-labels earlier lines when their group merges, keeping the oldest id', () => {
    const miner = new TemplateMiner();
    const first = miner.add('Invalid user alice from 10.0.0.1');
    const firstId = miner.templateId(first);
    const later = users.slice(1).map((u) => miner.add(`Invalid user ${u} from 10.0.0.2`));
    expect(miner.templateId(later[0] ?? 0)).not.toBe(firstId);
    miner.finalize();
    expect(miner.templateId(first)).toBe(firstId);
    for (const id of later) expect(miner.templateId(id)).toBe(firstId);
    const t = miner.template(first);
    expect(t?.mergedIds.length).toBe(later.length);
    expect(t?.template).toBe('Invalid user <*> from <IP>');
  });

  it('sends later lines of a generalised template straight to it', () => {
    const miner = new TemplateMiner();
    for (const u of users) miner.add(`Invalid user ${u} from 10.0.0.1`);
    miner.consolidate();
    const before = miner.templateCount;
    const id = miner.add('Invalid user zed from 10.0.0.9');
    expect(miner.templateCount).toBe(before);
    expect(miner.templateText(id)).toBe('Invalid user <*> from <IP>');
  });

  it('tracks count, levels, first and last seen, samples and top values per template', () => {
    const miner = new TemplateMiner({ samplesPerTemplate: 2, topValues: 3 });
    const times = [1000, 5000, 3000, 9000];
    let id = 0;
    times.forEach((time, i) => {
      id = miner.add(`disk /dev/${i % 2 === 0 ? 'sda' : 'sdb'}${i} at ${90 + i}%`, {
        time,
        level: i === 3 ? 'ERROR' : 'WARN',
        component: 'kernel',
      });
    });
    miner.add('unrelated message');
    miner.finalize();
    const t = miner.template(id);
    expect(t).toMatchObject({
      count: 4,
      levels: { WARN: 3, ERROR: 1 },
      firstLine: 1,
      lastLine: 4,
      firstTime: 1000,
      lastTime: 9000,
      components: [{ value: 'kernel', count: 4 }],
    });
    expect(t?.samples).toEqual([
      { line: 1, text: 'disk /dev/sda0 at 90%' },
      { line: 2, text: 'disk /dev/sdb1 at 91%' },
    ]);
    expect(t?.parameters[0]?.values.length).toBe(3);
    expect(t?.parameters[0]?.more).toBe(true);
  });

  it('caps the number of templates and collects the rest in an overflow template', () => {
    const miner = new TemplateMiner({ maxTemplates: 50 });
    const words = (i: number) =>
      `w${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + ((i / 26) | 0))}`;
    for (let i = 0; i < 600; i++) miner.add(`alpha${words(i)} beta${words(i + 7)} gamma${words(i + 13)}`);
    miner.finalize();
    const templates = miner.templates();
    expect(miner.templateCount).toBeLessThanOrEqual(51);
    expect(templates.reduce((n, t) => n + t.count, 0)).toBe(600);
    const overflow = templates.find((t) => t.overflow);
    expect(overflow?.template).toBe('<*>');
    expect(overflow?.count).toBeGreaterThan(0);
  });

  it('bounds what it keeps per template for huge and varied lines', () => {
    const miner = new TemplateMiner();
    for (let i = 0; i < 200; i++)
      miner.add(`payload ${i} ${'x'.repeat(10_000)}${i} ${'word '.repeat(2_000)}`);
    miner.finalize();
    for (const t of miner.templates()) {
      for (const s of t.samples) expect(s.text.length).toBeLessThanOrEqual(300);
      expect(t.parameters.length).toBeLessThanOrEqual(16);
      for (const p of t.parameters) {
        expect(p.values.length).toBeLessThanOrEqual(8);
        for (const v of p.values) expect(v.value.length).toBeLessThanOrEqual(96);
      }
    }
  });

  it('gives ids that never change meaning: every id resolves to the group its lines are in', () => {
    const miner = new TemplateMiner();
    const ids: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (const u of users) ids.push(miner.add(`user ${u} logged in from host${round}`));
      miner.consolidate();
    }
    const groups = new Set(ids.map((id) => miner.templateId(id)));
    miner.finalize();
    expect(new Set(ids.map((id) => miner.templateId(id)))).toEqual(groups);
  });
});
