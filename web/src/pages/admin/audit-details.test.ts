import { describe, expect, it } from 'vitest';
import { auditDetailsText } from './audit-details.ts';

describe('auditDetailsText', () => {
  it('writes a role change as from → to, in the words of the role menus', () => {
    expect(auditDetailsText(JSON.stringify({ to: 'OPS', from: 'USER' }))).toBe('User → Ops');
  });

  it('writes a flag change field by field instead of its JSON', () => {
    const details = {
      changes: {
        roles: { to: ['OPS', 'HR'], from: null },
        enabled: { to: true, from: false },
        rolloutPercent: { to: 25, from: 100 },
      },
      created: false,
    };
    expect(auditDetailsText(JSON.stringify(details))).toBe(
      'Roles: Ops, HR, Enabled: off → on, Rollout: 100% → 25%',
    );
    expect(auditDetailsText(JSON.stringify({ ...details, created: true }))).toMatch(/^Created, Roles/);
  });

  it('says a flag that applies to every role does so, in the words of the flags page', () => {
    const widened = { changes: { roles: { to: [], from: ['OPS'] } }, created: false };
    expect(auditDetailsText(JSON.stringify(widened))).toBe('Roles: Ops → every role');
    const created = { changes: { roles: { to: [], from: null }, enabled: { to: true, from: null } } };
    expect(auditDetailsText(JSON.stringify({ ...created, created: true }))).toBe(
      'Created, Roles: every role, Enabled: on',
    );
  });

  it('names each detail in words, and writes times as the rest of the page does', () => {
    const text = auditDetailsText(
      JSON.stringify({ purpose: 'RESET', expiresAt: '2026-12-08T14:34:29.753Z' }),
    );
    expect(text).toMatch(/^Purpose: Reset, Expires at: Dec 8, 2026/);
    expect(text).not.toContain('2026-12-08T');
    expect(auditDetailsText(JSON.stringify({ failures: 10, hourFrom: '2026-12-07T14:00:00Z' }))).toMatch(
      /^Failures: 10, Hour from: Dec 7, 2026/,
    );
    expect(auditDetailsText('{}')).toBe('');
  });
});
