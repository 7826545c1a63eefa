import { describe, expect, it } from 'vitest';
import { normaliseProse, parseTicket, STATUS, statusMatches } from '../../../lambdas/core/tickets/text.ts';

/** `count` texts of up to `maxPieces - 1` random pieces each, from a fixed seed (the same texts every run). */
function* randomTexts(pieces: readonly string[], count: number, maxPieces: number, seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state;
  };
  for (let i = 0; i < count; i++) {
    let text = '';
    for (let n = next() % maxPieces; n > 0; n--) text += pieces[next() % pieces.length];
    yield text;
  }
}

describe('parseTicket', () => {
  it('keeps code out of the prose and records that there was code', () => {
    const doc = parseTicket(
      'Crash on save',
      'It fails:\n\n```python\nsecret_identifier = compute()\n```\nthanks',
    );
    expect(doc.body).not.toContain('secret_identifier');
    expect(doc.flags).toContain('code');
    expect(doc.flags).toContain('lang:python');
    expect(doc.body).toEqual(expect.arrayContaining(['fails', 'thanks']));
  });

  it('recognises stack traces outside code fences and names the exception', () => {
    const body = [
      'Traceback (most recent call last):',
      '  File "app.py", line 3, in <module>',
      '  File "lib.py", line 9, in run',
      'ValueError: bad input',
    ].join('\n');
    const doc = parseTicket('Error', body);
    expect(doc.flags).toContain('stack');
    expect(doc.flags).toContain('exc:valueerror');
    expect(doc.body).not.toContain('lib');
  });

  it('turns template headings with short answers into fields and drops empty answers', () => {
    const body =
      '### Issue type\n\nBug\n\n### Python version\n\n_No response_\n\n### Current behavior?\n\nThe model diverges after a few steps of training on GPU.';
    const doc = parseTicket('Divergence', body);
    expect(doc.fields).toContain('issue_type=bug');
    expect(doc.fields.some((f) => f.startsWith('python_version'))).toBe(false);
    expect(doc.headings).toEqual(expect.arrayContaining(['issue', 'type', 'current', 'behavior']));
    expect(doc.body).toEqual(expect.arrayContaining(['model', 'diverges']));
  });

  it('reads bold template questions with emphasis inside as headings', () => {
    const doc = parseTicket('x', '**Do you want to request a *feature* or report a *bug*?**\nFeature\n');
    expect(doc.fields).toContain('do_you_want_to_request_a_feature_or_report_a_bug=feature');
  });

  it('moves HTML comments (template instructions) to their own stream', () => {
    const doc = parseTicket('x', '<!-- Please search existing issues first -->\nThe button is misaligned.');
    expect(doc.comments).toEqual(expect.arrayContaining(['search', 'existing']));
    expect(doc.body).not.toContain('search');
  });

  it('replaces URLs, images and versions by placeholders and notes the host', () => {
    const doc = parseTicket(
      'Broken in v1.2.3',
      'See https://stackoverflow.com/q/1 and ![shot](https://x.io/a.png)',
    );
    expect(doc.title).toContain('vertoken');
    expect(doc.flags).toEqual(expect.arrayContaining(['image', 'url:host_stackoverflow_com']));
    expect(doc.body).toContain('urltoken');
  });

  it('handles an empty body and a body made only of code', () => {
    expect(parseTicket('Title only', '').body).toEqual([]);
    expect(parseTicket('Only code', '```\nx = 1\n```').flags).toContain('len:empty');
  });

  it("flags attacks and other people's data as security wording even without a security word", () => {
    for (const title of [
      'Website getting hammered by a DDoS since 10:00',
      'coin miner running on the build server',
      'Someone is using my account to send emails',
      "Student portal shows another student's timetable",
      'Sent the witness bundle to the wrong person',
    ])
      expect(parseTicket(title, '').flags).toContain('intent_title:security');
    expect(parseTicket('Bitcoin miner fee estimate is off', '').flags).not.toContain('intent_title:security');
  });
});

describe('normaliseProse', () => {
  it('lower-cases, splits contractions and keeps question marks as tokens', () => {
    expect(normaliseProse("Why doesn't it WORK?")).toBe('why does not it work ?');
  });

  it('drops words that only claim urgency, and keeps a claim that the work can wait', () => {
    expect(normaliseProse('URGENT URGENT URGENT')).toBe('');
    expect(normaliseProse('Please fix ASAP!!! Urgently, as soon as possible.')).toBe('please fix');
    expect(normaliseProse("Not urgent, and it isn't urgent; a non-urgent request")).toBe(
      'not urgent and it is not urgent a non urgent request',
    );
    // Impact and behaviour words are not tone.
    expect(normaliseProse('Critical: down immediately after login')).toBe(
      'critical down immediately after login',
    );
    const doc = parseTicket('URGENT: typo on the about page', '## Urgent\nPlease fix asap.');
    expect(doc.title).toEqual(['typo', 'on', 'the', 'about', 'page']);
    expect(doc.titleText).toBe('typo on the about page');
    expect(doc.body).toEqual(['please', 'fix']);
    expect(doc.headings).toEqual([]);
  });

  it('leaves words separated by exactly one space, whatever separated them', () => {
    // Random text over separators of every kind, compared with the plain "every run becomes a space" rule.
    const pieces = ['a', 'b', '_', '?', ' ', '  ', '\t', '\n', '.', '-', '!', '\u00e9', '\u00a0', 'x y'];
    for (const text of randomTexts(pieces, 2000, 12, 7)) {
      const expected = text
        .toLowerCase()
        .replace(/\?/g, ' ? ')
        .replace(/[^a-z0-9_?]+/g, ' ')
        .trim();
      expect(normaliseProse(text)).toBe(expected);
    }
  });
});

describe('statusMatches', () => {
  const all = (text: string) => [...statusMatches(text)].map((m) => [m.index, ...m]);
  const reference = (text: string) => [...text.matchAll(STATUS)].map((m) => [m.index, ...m]);

  it('finds what matchAll finds on tricky inputs', () => {
    for (const text of [
      'HTTP/1.1 500 Internal Server Error',
      'http/500 404 for everyone',
      'got a 502 bad gateway, returns 403 forbidden, 429s, 5xx errors',
      'status code: 503 since 9am; error  \n\t 504 on checkout',
      '404 error 503',
      '500 format 404s',
      'with an 4XX from the api, showing 500S',
      'x500 500x 1500 _500 500_ http500 http/1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1 500',
      'status\u00a0429 throws\u2028 500',
      'errors 500 error500 500errors 500 errors',
    ])
      expect(all(text), text).toEqual(reference(text));
  });

  it('stays linear on long runs of codes', () => {
    for (const text of ['500/'.repeat(2000), '4xx '.repeat(2000), `http/${'5.'.repeat(4000)} 500`]) {
      const started = performance.now();
      const found = all(text);
      expect(performance.now() - started).toBeLessThan(500);
      expect(found).toEqual(reference(text));
    }
  });

  it('finds what matchAll finds on random text made of status words', () => {
    const pieces = [
      'http',
      'HTTP/1.1',
      'http/',
      '1.1',
      '500',
      '404',
      '429',
      '4xx',
      '5XX',
      's',
      'status',
      'status code:',
      'code',
      'error',
      'errors',
      'returns',
      'got',
      'an',
      'a',
      'with',
      'all',
      'for',
      'format',
      'rate',
      'bad gateway',
      'x',
      '_',
      '1',
      '.',
      '/',
      ':',
      ' ',
      ' ',
      ' ',
      '  ',
      '\n',
      '\t',
      '\u00a0',
      '-',
    ];
    for (const text of randomTexts(pieces, 20000, 16, 11)) {
      expect(all(text), JSON.stringify(text)).toEqual(reference(text));
    }
  });
});
