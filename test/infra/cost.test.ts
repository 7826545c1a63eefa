import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CfnTemplate,
  costAtRest,
  costPerMillionJobs,
  total,
  tracesRecorded,
} from '../../scripts/cost/estimate.ts';
import { type SynthesizedStage, synthStage } from './support/synth.ts';

const templateOf = (synth: SynthesizedStage) => synth.template.toJSON() as CfnTemplate;

describe('npm run cost over the synthesized templates', () => {
  let personal: CfnTemplate;
  let prod: CfnTemplate;
  beforeAll(() => {
    personal = templateOf(synthStage('alice'));
    prod = templateOf(synthStage('prod'));
  });

  it('puts a personal stage at rest under $20 a month, without NAT gateway, proxy or database compute', () => {
    const lines = costAtRest(personal);
    expect(total(lines)).toBeLessThan(20);
    const items = lines.map((line) => line.item).join('\n');
    expect(items).not.toMatch(/NAT gateway|RDS Proxy/);
    expect(items).toMatch(/NAT instance t4g\.nano/);
    expect(lines.find((line) => line.item.startsWith('Aurora'))?.usd).toBeLessThan(1);
  });

  it('prices prod with its NAT gateways, multi-AZ instance, proxy and WAF', () => {
    const items = costAtRest(prod).map((line) => line.item);
    expect(items).toEqual(
      expect.arrayContaining([
        '2 NAT gateway(s)',
        'RDS db.t4g.medium multi-AZ + storage',
        'RDS Proxy (2 vCPU)',
        'WAF web ACL + 2 rule(s)',
      ]),
    );
    expect(total(costAtRest(prod))).toBeGreaterThan(150);
  });

  it("bounds X-Ray on a personal stage by the API's sampling rule: workers only join sampled traces", () => {
    const line = costPerMillionJobs(personal, 'summarize-log').find((l) => l.item.startsWith('X-Ray'));
    // 5% of two million API operations.
    expect(line?.usd).toBeCloseTo(0.5, 2);
    const prodLine = costPerMillionJobs(prod, 'summarize-log').find((l) => l.item.startsWith('X-Ray'));
    expect(prodLine?.usd).toBeGreaterThan(5);
  });

  it('counts the reservoir first, then the fixed rate of the rest', () => {
    expect(tracesRecorded(1_000, 1, 0.05)).toBe(1_000);
    expect(tracesRecorded(10_000_000, 0, 0.05)).toBe(500_000);
    const seconds = 730 * 3600;
    expect(tracesRecorded(seconds + 1_000_000, 1, 0.1)).toBeCloseTo(seconds + 100_000, 0);
  });

  it('refuses a job kind without usage assumptions rather than pricing it at zero', () => {
    expect(() => costPerMillionJobs(personal, 'no-such-kind')).toThrow(/No usage assumptions/);
  });
});
