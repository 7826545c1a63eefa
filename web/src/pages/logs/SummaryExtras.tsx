import { Anchor, Badge, Group, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { formatDateTime, formatLogTime, formatNumber, type LogTimeZone } from '../../components/format.ts';
import { ShareBar } from '../../components/ShareBar.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import type {
  ChangesModel,
  HttpModel,
  Incident,
  TemplateChange,
  TemplateDurationsModel,
} from './summary-model.ts';
import { TemplateText } from './TemplateText.tsx';

const ms = (n: number) => `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`;

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fw={600}>{value}</Text>
    </div>
  );
}

/** Requests, status classes and codes, latency percentiles, and the endpoints (5xx-heaviest kept). */
export function HttpView({ http }: { http: HttpModel }) {
  const serverErrors = http.statusClasses['5xx'] ?? 0;
  // Requests quoted without their answer (nginx's error log): a 5xx count of 0 would read as no failures.
  const statusLogged = Object.values(http.statusClasses).some((n) => (n ?? 0) > 0);
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 2, sm: 5 }}>
        <Figure label="Requests" value={formatNumber(http.requests)} />
        <Figure label="5xx" value={statusLogged ? formatNumber(serverErrors) : 'status not logged'} />
        {http.latency && <Figure label="p50" value={ms(http.latency.p50)} />}
        {http.latency && <Figure label="p95" value={ms(http.latency.p95)} />}
        {http.latency && <Figure label="p99" value={ms(http.latency.p99)} />}
      </SimpleGrid>
      <Group gap={6}>
        {http.statusCodes.map((c) => (
          <Badge
            key={c.code}
            variant="light"
            color={c.code >= 500 ? 'red' : c.code >= 400 ? 'orange' : 'gray'}
          >
            {c.code}: {formatNumber(c.count)}
          </Badge>
        ))}
      </Group>
      {http.endpoints.length > 0 && (
        <TableScroll label="Endpoints">
          <Table miw={520}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Endpoint</Table.Th>
                <Table.Th ta="right">Requests</Table.Th>
                <Table.Th>5xx rate</Table.Th>
                <Table.Th ta="right">p95</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {http.endpoints.map((e) => (
                <Table.Tr key={e.endpoint}>
                  <Table.Td className="mono">{e.endpoint}</Table.Td>
                  <Table.Td ta="right">{formatNumber(e.requests)}</Table.Td>
                  <Table.Td>
                    {statusLogged ? (
                      <ShareBar
                        value={e.errorRate}
                        label={`5xx rate of ${e.endpoint}`}
                        color="red"
                        width={80}
                      />
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                  <Table.Td ta="right">{e.p95 === null ? '—' : ms(e.p95)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      )}
    </Stack>
  );
}

/**
 * One unit per row, picked from its largest value so that the three figures compare at a glance: a Lambda
 * timing out at 3 s reads `3,000 ms`, a batch job of minutes `754 s` rather than `754,112 ms`.
 */
function durationUnit(maxMs: number): { unit: string; scale: number } {
  return maxMs >= 10_000 ? { unit: 's', scale: 1000 } : { unit: 'ms', scale: 1 };
}

const durationCell = (value: number, scale: number): string => {
  const v = value / scale;
  return v < 10 ? v.toFixed(1) : formatNumber(Math.round(v));
};

/** Per template, the durations its lines name (a Lambda REPORT's `Duration:`): lines, p50, p95, max. */
export function DurationsView({ durations }: { durations: TemplateDurationsModel[] }) {
  return (
    <TableScroll label="Durations named in the lines">
      <Table miw={520}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Template</Table.Th>
            <Table.Th ta="right">Lines</Table.Th>
            <Table.Th ta="right">p50</Table.Th>
            <Table.Th ta="right">p95</Table.Th>
            <Table.Th ta="right">Max</Table.Th>
            <Table.Th>Unit</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {durations.map((d) => {
            const { unit, scale } = durationUnit(d.max);
            return (
              <Table.Tr key={d.id || d.template}>
                <Table.Td>
                  <TemplateText text={d.template} />
                </Table.Td>
                <Table.Td ta="right">{formatNumber(d.count)}</Table.Td>
                <Table.Td ta="right">{durationCell(d.p50, scale)}</Table.Td>
                <Table.Td ta="right">{durationCell(d.p95, scale)}</Table.Td>
                <Table.Td ta="right">{durationCell(d.max, scale)}</Table.Td>
                <Table.Td>{unit}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </TableScroll>
  );
}

export function IncidentList({ incidents, zone }: { incidents: Incident[]; zone?: LogTimeZone | undefined }) {
  return (
    <Stack gap="sm">
      {incidents.map((incident) => (
        <div key={`${incident.start}-${incident.title}`}>
          <Group gap="xs">
            <Badge color={incident.severity === 'high' ? 'red' : 'orange'} variant="light">
              {formatLogTime(incident.start, zone)}
            </Badge>
            <Text fw={600} size="sm">
              {incident.title}
            </Text>
          </Group>
          {incident.templates.length > 0 ? (
            <Stack gap={2} mt={4}>
              {incident.templates.map((t) => (
                <Text size="sm" key={t.template}>
                  {formatNumber(t.count)} × <TemplateText text={t.template} />
                  {t.new && (
                    <Badge component="span" size="xs" ml={6} variant="outline" color="orange">
                      first seen here
                    </Badge>
                  )}
                </Text>
              ))}
            </Stack>
          ) : (
            incident.detail && (
              <Text size="sm" c="dimmed" className="mono">
                {incident.detail}
              </Text>
            )
          )}
          {incident.http5xx.length > 0 && (
            <Text size="sm" c="dimmed">
              HTTP 5xx: {incident.http5xx.map((h) => `${h.name} (${formatNumber(h.lines)})`).join(', ')}
            </Text>
          )}
        </div>
      ))}
    </Stack>
  );
}

function ChangeRows({ title, rows }: { title: string; rows: TemplateChange[] }) {
  if (rows.length === 0) return null;
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {title}
      </Text>
      {rows.map((r) => (
        <Text size="sm" key={`${title}-${r.template}`}>
          <TemplateText text={r.template} /> — {formatNumber(r.baselineCount)} → {formatNumber(r.count)} lines
          {r.factor !== null && r.factor > 0 ? ` (${r.factor}× the rate)` : ''}
        </Text>
      ))}
    </div>
  );
}

/** The worker's label of the earlier log: `entry <id> (<ISO time>)`. */
const ENTRY_LABEL = /^entry \S+ \((\d{4}-\d{2}-\d{2}T[^)]+)\)$/;

/**
 * The earlier log as a link to its summary, uploaded when: the label read "Compared with entry 264f1c84-4882-…
 * (2026-12-07T06:19:35.941Z)", an id to copy by hand.
 */
function Baseline({ changes, entryId }: { changes: ChangesModel; entryId: string | null | undefined }) {
  const uploaded = ENTRY_LABEL.exec(changes.baseline)?.[1];
  if (!entryId) return <>{changes.baseline}</>;
  return (
    <>
      <Anchor component={Link} to={`/logs/${entryId}`}>
        the previous log of this source
      </Anchor>
      {uploaded ? `, uploaded ${formatDateTime(uploaded)}` : ''}
    </>
  );
}

/** What changed since the earlier log of the same source the summary was compared with. */
export function ChangesView({
  changes,
  baselineEntryId,
}: {
  changes: ChangesModel;
  /** LogEntry.baselineEntryId: the earlier log, to link to. */
  baselineEntryId?: string | null;
}) {
  const none = [changes.new, changes.louder, changes.quieter, changes.gone].every((l) => l.length === 0);
  return (
    <Stack gap="xs">
      <Text size="sm">
        Compared with <Baseline changes={changes} entryId={baselineEntryId} />.
      </Text>
      {none && <Text size="sm">No template appeared, vanished or changed its rate markedly.</Text>}
      <ChangeRows title="New" rows={changes.new} />
      <ChangeRows title="Louder" rows={changes.louder} />
      <ChangeRows title="Quieter" rows={changes.quieter} />
      <ChangeRows title="Gone" rows={changes.gone} />
    </Stack>
  );
}
