import { Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { formatDateTime, parseJson } from '../../components/format.ts';
import { ShareBar } from '../../components/ShareBar.tsx';
import { JobStatusBadge } from '../../components/StatusBadge.tsx';
import { shortUserId } from '../../components/user-names.ts';
import type { Priority, TicketQuery } from '../../gql/graphql.ts';
import { categoryWord, NEEDS_REVIEW, PRIORITY_COLORS, PRIORITY_WORDS } from './ticket-words.ts';

type Triage = NonNullable<TicketQuery['ticket']>['triage'];

interface Ranked {
  name: string;
  confidence: number;
}

/** The local classifier's own answer, kept beside a model's (lambdas/core/llm/ticket-triage.ts). */
interface LocalAnswer {
  category?: string;
  priority?: Priority;
  confidence?: number;
  classifierVersion?: string;
}

interface Details {
  predictedCategory?: string;
  priorityConfidence?: number;
  labelConfidence: Record<string, number>;
  categoryAlternatives: Ranked[];
  priorityAlternatives: Ranked[];
  /**
   * Set when a model's answer was used. The confidences and alternatives above stay the local classifier's
   * (the model answers one confidence, `Triage.confidence`), so they must not be shown as the model's.
   */
  model?: { category?: string; local: LocalAnswer };
  /** The team head's guess when it was below the team review threshold: the ticket was not routed. */
  unroutedTeam?: { value: string; confidence: number };
}

const PRIORITY_SET: ReadonlySet<string> = new Set(['P1', 'P2', 'P3', 'P4']);

const record = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};

function readLocal(v: unknown): LocalAnswer {
  const l = record(v);
  return {
    ...(typeof l.category === 'string' ? { category: l.category } : {}),
    ...(typeof l.priority === 'string' && PRIORITY_SET.has(l.priority)
      ? { priority: l.priority as Priority }
      : {}),
    ...(typeof l.confidence === 'number' ? { confidence: l.confidence } : {}),
    ...(typeof l.classifierVersion === 'string' ? { classifierVersion: l.classifierVersion } : {}),
  };
}

/** The model's answer was used: it answered, and it was not rejected in favour of the local one. */
function readModel(d: Record<string, unknown>): Details['model'] {
  const llm = record(d.llm);
  if (llm.fallback === true || llm.answer === null || typeof llm.answer !== 'object') return undefined;
  const answer = record(llm.answer);
  return {
    ...(typeof answer.category === 'string' ? { category: answer.category } : {}),
    local: readLocal(d.local),
  };
}

const ranked = (v: unknown): Ranked[] =>
  Array.isArray(v)
    ? v.filter(
        (r): r is Ranked =>
          r !== null &&
          typeof r === 'object' &&
          typeof r.name === 'string' &&
          typeof r.confidence === 'number',
      )
    : [];

function readUnroutedTeam(d: Record<string, unknown>): Details['unroutedTeam'] {
  const team = record(record(d.extra).team);
  return team.needsReview === true && typeof team.value === 'string' && typeof team.confidence === 'number'
    ? { value: team.value, confidence: team.confidence }
    : undefined;
}

/** The classifier's `details` (lambdas/triage/local-classifier.ts), read defensively. */
export function readDetails(json: string | null): Details {
  const d = record(parseJson(json));
  const confidence = record(d.confidence);
  const alternatives = record(d.alternatives);
  const labels = record(confidence.labels);
  const model = readModel(d);
  const unroutedTeam = readUnroutedTeam(d);
  return {
    ...(model ? { model } : {}),
    ...(unroutedTeam ? { unroutedTeam } : {}),
    ...(typeof d.predictedCategory === 'string' ? { predictedCategory: d.predictedCategory } : {}),
    ...(typeof confidence.priority === 'number' ? { priorityConfidence: confidence.priority } : {}),
    labelConfidence: Object.fromEntries(
      Object.entries(labels).filter((e): e is [string, number] => typeof e[1] === 'number'),
    ),
    categoryAlternatives: ranked(alternatives.category),
    priorityAlternatives: ranked(alternatives.priority),
  };
}

/** A person's correction (`correctTriage`): who and when, when recorded; undefined when there is none. */
export function readCorrection(json: string | null): { by?: string; at?: string } | undefined {
  const raw = parseJson(json);
  if (raw === null || typeof raw !== 'object') return undefined;
  const { by, at } = raw as Record<string, unknown>;
  return { ...(typeof by === 'string' ? { by } : {}), ...(typeof at === 'string' ? { at } : {}) };
}

function CorrectionNote({
  correction,
  answerer,
  guess,
  confidence,
  who,
}: {
  correction: { by?: string; at?: string };
  answerer: 'model' | 'classifier';
  guess: string | undefined;
  confidence: number | null;
  who: (userId: string) => string;
}) {
  return (
    <Text size="sm" mb="sm" data-testid="triage-corrected">
      Corrected by {correction.by ? who(correction.by) : 'a person'}
      {correction.at ? ` on ${formatDateTime(correction.at)}` : ''}.
      {guess
        ? ` The ${answerer}’s answer was ${categoryWord(guess)}${confidence === null ? '' : ` (${Math.round(confidence * 100)}%)`}.`
        : ''}
    </Text>
  );
}

/**
 * Below this an alternative's bar would read "0.0%" (ShareBar writes one decimal under 10%): a row that says
 * the classifier gave it nothing tells the reader nothing, so such alternatives are left out (audit).
 */
const SHOWN_ALTERNATIVE_MIN = 0.0005;

function Alternatives({ title, items }: { title: string; items: Ranked[] }) {
  const shown = items.filter((r) => r.confidence >= SHOWN_ALTERNATIVE_MIN);
  if (shown.length === 0) return null;
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {title}
      </Text>
      {shown.map((r) => (
        <Group key={r.name} gap="xs" wrap="nowrap">
          <Text size="sm" w={96}>
            {categoryWord(r.name)}
          </Text>
          <ShareBar value={r.confidence} label={`Confidence in ${r.name}`} width={90} color="gray.6" />
        </Group>
      ))}
    </div>
  );
}

/**
 * The likelier level the rules overruled, when the chosen priority is not the most likely one: a P1 rule or
 * the P1 floor ("a missed P1 costs more than a false alarm") picks P1 at 16 % over P3 at 50 %, which the
 * bars alone would show as a contradiction.
 */
function overruledPriority(details: Details): Ranked | undefined {
  const chosen = details.priorityConfidence;
  if (chosen === undefined) return undefined;
  const likeliest = details.priorityAlternatives.reduce<Ranked | undefined>(
    (best, r) => (best === undefined || r.confidence > best.confidence ? r : best),
    undefined,
  );
  return likeliest !== undefined && likeliest.confidence > chosen ? likeliest : undefined;
}

/** One of the local classifier's answers, with its confidence when known. */
function LocalAnswerRow({
  text,
  answer,
  confidence,
}: {
  text: string;
  answer: string;
  confidence: number | undefined;
}) {
  return (
    <Group gap="xs" wrap="nowrap">
      <Text size="sm" w={96}>
        {text}
      </Text>
      {confidence !== undefined && (
        <ShareBar
          value={confidence}
          label={`Local classifier’s confidence in ${answer}`}
          width={90}
          color="gray.6"
        />
      )}
    </Group>
  );
}

/**
 * The local classifier's view when a model's answer was used: its own answer with its confidences and
 * alternatives, labelled as its, so none of them reads as the model's.
 */
function LocalView({ details, local }: { details: Details; local: LocalAnswer }) {
  const overruled = overruledPriority(details);
  return (
    <Stack
      gap={6}
      data-testid="triage-local"
      style={{ borderTop: '1px solid var(--mantine-color-gray-3)' }}
      pt="sm"
    >
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        The local classifier’s view
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        {local.category && (
          <LocalAnswerRow
            text={categoryWord(local.category)}
            answer={local.category}
            confidence={local.confidence}
          />
        )}
        {local.priority && (
          <LocalAnswerRow
            text={local.priority}
            answer={local.priority}
            confidence={details.priorityConfidence}
          />
        )}
      </SimpleGrid>
      {overruled && (
        <Text size="xs" c="dimmed">
          Its impact rules chose {local.priority ?? 'its priority'} over {overruled.name} (
          {Math.round(overruled.confidence * 100)}% likely).
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Alternatives title="Its other categories" items={details.categoryAlternatives} />
        <Alternatives title="Its other priorities" items={details.priorityAlternatives} />
      </SimpleGrid>
      {local.classifierVersion && (
        <Text size="xs" c="dimmed">
          Classifier {local.classifierVersion}
        </Text>
      )}
    </Stack>
  );
}

interface Props {
  triage: Triage;
  /** Names the person who corrected the triage ("you", an e-mail for ADMIN); the short id otherwise. */
  who?: (userId: string) => string;
}

export function TriageCard({ triage, who = shortUserId }: Props) {
  const details = readDetails(triage.details);
  const correction = readCorrection(triage.correction);
  const model = details.model;
  // After a correction the fields are a person's: the classifier's confidences were about its own answer.
  // After a model's answer, the per-field bars and alternatives in `details` are the local classifier's.
  const bars = correction === undefined && model === undefined;
  const overruled = bars ? overruledPriority(details) : undefined;
  const abstained = triage.category === NEEDS_REVIEW;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="triage-title">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4" id="triage-title">
          Triage
        </Title>
        <Group gap="xs">
          {correction && (
            <Badge color="teal" variant="light" miw="max-content">
              Corrected
            </Badge>
          )}
          <JobStatusBadge status={triage.status} />
        </Group>
      </Group>
      {correction && (
        <CorrectionNote
          correction={correction}
          answerer={model ? 'model' : 'classifier'}
          guess={model ? model.category : details.predictedCategory}
          confidence={triage.confidence}
          who={who}
        />
      )}
      {triage.status !== 'SUCCEEDED' ? (
        <Text size="sm" c="dimmed" role="status">
          {triage.status === 'FAILED'
            ? 'Triage failed; the ticket can still be corrected by hand below.'
            : 'The classifier is on it; this updates by itself.'}
        </Text>
      ) : (
        <Stack gap="sm">
          {abstained && (
            <Text size="sm" c="var(--mantine-color-orange-light-color)">
              The classifier was not confident enough and asks for a review
              {details.predictedCategory
                ? `; its best guess is ${categoryWord(details.predictedCategory)}.`
                : '.'}
            </Text>
          )}
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <div>
              <Text size="xs" c="dimmed" fw={600} tt="uppercase">
                Category
              </Text>
              <Group gap="xs">
                <Badge
                  size="lg"
                  variant="light"
                  color={abstained ? 'orange' : 'blue'}
                  data-testid="triage-category"
                >
                  {categoryWord(triage.category)}
                </Badge>
                {bars && triage.confidence !== null && (
                  <ShareBar value={triage.confidence} label="Category confidence" />
                )}
                {model && correction === undefined && triage.confidence !== null && (
                  <ShareBar value={triage.confidence} label="The model’s confidence" />
                )}
              </Group>
            </div>
            <div>
              <Text size="xs" c="dimmed" fw={600} tt="uppercase">
                Priority
              </Text>
              <Group gap="xs">
                {triage.priority && (
                  <Badge size="lg" variant="light" color={PRIORITY_COLORS[triage.priority]}>
                    {PRIORITY_WORDS[triage.priority]}
                  </Badge>
                )}
                {bars && details.priorityConfidence !== undefined && (
                  <ShareBar value={details.priorityConfidence} label="Priority confidence" />
                )}
              </Group>
              {overruled && (
                <Text size="xs" c="dimmed" data-testid="priority-overruled">
                  Chosen by the impact rules over {overruled.name} ({Math.round(overruled.confidence * 100)}%
                  likely): see Why.
                </Text>
              )}
            </div>
          </SimpleGrid>
          {triage.labels.length > 0 && (
            <div>
              <Text size="xs" c="dimmed" fw={600} tt="uppercase">
                Labels
              </Text>
              {triage.labels.map((label) => (
                <Group key={label} gap="xs" wrap="nowrap">
                  <Text size="sm" w={96}>
                    {label}
                  </Text>
                  {bars && details.labelConfidence[label] !== undefined && (
                    <ShareBar
                      value={details.labelConfidence[label] ?? 0}
                      label={`Confidence in label ${label}`}
                      width={90}
                    />
                  )}
                </Group>
              ))}
            </div>
          )}
          {!model && (
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              {/* After a correction they are the classifier's, beside a person's answer: "Other categories:
                  Feature" under a category corrected to Feature read as a contradiction. */}
              <Alternatives
                title={correction ? 'The classifier’s other categories' : 'Other categories'}
                items={details.categoryAlternatives}
              />
              <Alternatives
                title={correction ? 'The classifier’s other priorities' : 'Other priorities'}
                items={details.priorityAlternatives}
              />
            </SimpleGrid>
          )}
          {triage.rationale && (
            <div>
              <Text size="xs" c="dimmed" fw={600} tt="uppercase">
                Why
              </Text>
              <Text size="sm">{triage.rationale}</Text>
            </div>
          )}
          {triage.classifierVersion && (
            <Text size="xs" c="dimmed">
              {model ? 'Model' : 'Classifier'} {triage.classifierVersion}
            </Text>
          )}
          {model && <LocalView details={details} local={model.local} />}
        </Stack>
      )}
    </Paper>
  );
}
