/**
 * Log-parsing accuracy as the Loghub-2.0 study defines it (Jiang et al., "A Large-scale Evaluation for Log
 * Parsing Techniques: How Far are We?", ISSTA 2024; evaluation code in the logpai/loghub-2.0 repository):
 *
 * - GA, grouping accuracy: share of lines whose predicted group holds exactly the lines of their true group.
 * - FGA: F1 of grouping at template level; a true template counts when its lines form exactly one predicted
 *   group (precision over predicted groups, recall over true templates).
 * - PA, parsing accuracy: share of lines whose predicted template text equals the true template text.
 * - FTA: F1 at template level, where a predicted group counts when all its lines share one true template and
 *   its text equals that template (precision over predicted groups, recall over true templates).
 *
 * Templates are compared as text after the one normalisation every template goes through in that study
 * (`DS`: trimmed, runs of whitespace as one space); typed placeholders such as `<NUM>` count as `<*>`.
 */

export interface ParsingScores {
  ga: number;
  fga: number;
  pa: number;
  fta: number;
  /** Predicted templates (distinct texts) and true templates. */
  predicted: number;
  truth: number;
}

const TYPED_PLACEHOLDER = /<[A-Z][A-Z0-9_]*>/g;

/** Template text as compared: typed placeholders as `<*>`, whitespace runs as one space. */
export function normaliseTemplate(template: string): string {
  return template.replace(TYPED_PLACEHOLDER, '<*>').replace(/\s+/g, ' ').trim();
}

const f1 = (p: number, r: number): number => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

/**
 * Scores one log from the true and the predicted template text of every line. As in the study, both sides
 * are grouped by template text: two predicted clusters that print the same template are one group.
 */
export function scoreParsing(truth: readonly string[], predicted: readonly string[]): ParsingScores {
  const n = truth.length;
  if (predicted.length !== n) throw new Error('scoreParsing: one predicted template per line is needed');
  const t = truth.map(normaliseTemplate);
  const p = predicted.map(normaliseTemplate);
  const byTruth = groups(t);
  const byPredicted = groups(p);
  let linesGrouped = 0;
  let templatesGrouped = 0;
  for (const members of byTruth.values()) {
    const g = p[members[0] as number] as string;
    if (members.every((i) => p[i] === g) && byPredicted.get(g)?.length === members.length) {
      linesGrouped += members.length;
      templatesGrouped++;
    }
  }
  let linesParsed = 0;
  for (let i = 0; i < n; i++) if (p[i] === t[i]) linesParsed++;
  let templatesParsed = 0;
  for (const [text, members] of byPredicted) {
    if (members.every((i) => t[i] === text)) templatesParsed++;
  }
  return {
    ga: n === 0 ? 0 : linesGrouped / n,
    fga: f1(templatesGrouped / Math.max(1, byPredicted.size), templatesGrouped / Math.max(1, byTruth.size)),
    pa: n === 0 ? 0 : linesParsed / n,
    fta: f1(templatesParsed / Math.max(1, byPredicted.size), templatesParsed / Math.max(1, byTruth.size)),
    predicted: byPredicted.size,
    truth: byTruth.size,
  };
}

function groups(keys: readonly string[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  keys.forEach((key, i) => {
    const list = out.get(key);
    if (list) list.push(i);
    else out.set(key, [i]);
  });
  return out;
}
