import { describe, expect, it } from 'vitest';
import { slotText } from '../../../lambdas/core/logs/template-text.ts';

const text = (values: string[], type: Parameters<typeof slotText>[2] = '*', more = false) =>
  slotText(values, more, type, type === '*' ? '<*>' : `<${type}>`);

describe('slotText: the text of a variable slot from its values', () => {
  it('keeps a unit that every value has', () => {
    expect(text(['0 bytes', '1190 bytes', '52 bytes'], 'SIZE')).toBe('<NUM> bytes');
    expect(text(['20.05 seconds', '3 seconds'], 'DURATION')).toBe('<*> seconds');
  });

  it('makes a value of varying shape one placeholder', () => {
    expect(text(['0 bytes', '1190 bytes (1.16 KB)'], 'SIZE')).toBe('<SIZE>');
  });

  it('keeps list separators when every value has as many parts', () => {
    expect(text(['1,2,3', '40,50,60'])).toBe('<NUM>,<NUM>,<NUM>');
    expect(text(['7 8 9 1', '1 2 3 4'])).toBe('<NUM> <NUM> <NUM> <NUM>');
  });

  it('shows a word-like value seen alone, with its numbers as variables', () => {
    expect(text(['tty2'], 'ID')).toBe('tty2');
    expect(text(['CPU#0'], 'ID')).toBe('CPU#<NUM>');
    expect(text(['blk_-4551689611865410817'], 'ID')).toBe('<ID>');
  });

  it("keeps the `*` of nginx's connection number, the number a variable", () => {
    expect(text(['*1201', '*98', '*5678'], 'ID')).toBe('*<NUM>');
    expect(text(['*5'], 'ID')).toBe('*<NUM>');
    expect(text(['*1201', '*98'], 'ID', true)).toBe('*<NUM>');
    expect(text(['a*5', '*x'])).toBe('<*>');
  });

  it('does not show a single value when more were seen than kept', () => {
    expect(text(['tty2'], 'ID', true)).toBe('<ID>');
  });

  it('keeps a shared leading word and trailing punctuation', () => {
    expect(text(['core.862', 'core.728', 'core.1201'])).toBe('core.<NUM>');
    expect(text(['1.', '4.', '12.'])).toBe('<NUM>.');
  });

  it('treats addresses, host:port and identifiers with words inside as one value', () => {
    expect(text(['10.0.0.1:80', '10.0.0.2:8080'], 'IP')).toBe('<IP>');
    expect(text(['msra-sa-41:9000', 'msra-sa-41:8030'], 'ID')).toBe('<ID>');
    expect(text(['R02-M1-N0-C:J12-U11', 'R63-M0-NC-I:J18-U01'], 'ID')).toBe('<ID>');
  });

  it('keeps the quotes of quoted values and empty pairs', () => {
    expect(text(["'obj '", "'abcd'"])).toBe("'<*>'");
    expect(text(['""', '"x y"'])).toBe('"<*>"');
    expect(text([''], 'ID')).toBe('');
  });

  it('treats booleans, null and placeholders left by redaction as values', () => {
    expect(text(['true'], 'BOOL')).toBe('<BOOL>');
    expect(text(['/<IP#3>', '/<IP#7>'])).toBe('<*>');
  });
});
