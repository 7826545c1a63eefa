import { Text, VisuallyHidden } from '@mantine/core';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ReferenceArea,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatDuration, formatLogTime, type LogTimeZone, logTimesInUtc } from '../../components/format.ts';
import type { Incident, TimelineWindow } from './summary-model.ts';

interface Props {
  windows: TimelineWindow[];
  windowSeconds: number;
  incidents: Incident[];
  /** Whether the log's times wrote their zone: a log that wrote none is not labelled UTC. */
  zone?: LogTimeZone | undefined;
}

/** Tick labels in the log's clock (UTC, or as written) at the window's grain: times within a day, dates across days. */
function tickFormat(windowSeconds: number, spanMs: number): (iso: string) => string {
  return (iso) => {
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) return iso;
    const text = new Date(ms).toISOString();
    if (windowSeconds >= 86_400) return text.slice(0, 10);
    if (spanMs > 86_400_000) return `${text.slice(5, 10)} ${text.slice(11, 16)}`;
    return windowSeconds < 60 ? text.slice(11, 19) : text.slice(11, 16);
  };
}

/** Lines per window split into errors and the rest, with incident windows shaded. */
export default function TimelineChart({ windows, windowSeconds, incidents, zone }: Props) {
  const data = windows.map((w) => ({
    start: w.start,
    errors: w.errors,
    other: Math.max(0, w.lines - w.errors),
  }));
  const starts = windows.map((w) => w.start);
  const spanMs =
    windows.length > 1 ? Date.parse(starts[starts.length - 1] ?? '') - Date.parse(starts[0] ?? '') : 0;
  const timeOf = tickFormat(windowSeconds, spanMs);
  const windowOf = (iso: string): string | undefined => {
    const t = Date.parse(iso);
    let found: string | undefined;
    for (const s of starts) if (Date.parse(s) <= t) found = s;
    return found;
  };
  return (
    <figure style={{ margin: 0 }} aria-labelledby="timeline-caption">
      <Text size="sm" c="dimmed" id="timeline-caption" component="figcaption" mb={4}>
        Lines per {formatDuration(windowSeconds)} ({logTimesInUtc(zone) ? 'UTC' : 'times as written'}); errors
        in red, incidents shaded.
      </Text>
      <div style={{ width: '100%', height: 220 }} aria-hidden="true">
        <ResponsiveContainer>
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="start" tickFormatter={timeOf} minTickGap={24} fontSize={12} />
            <YAxis allowDecimals={false} width={48} fontSize={12} />
            <Tooltip labelFormatter={(label) => String(label)} />
            <Legend />
            {incidents.map((incident) => {
              const x1 = windowOf(incident.start);
              const x2 = incident.end ? windowOf(incident.end) : x1;
              return x1 ? (
                <ReferenceArea
                  key={`${incident.start}-${incident.title}`}
                  x1={x1}
                  x2={x2 ?? x1}
                  fill="#fa5252"
                  fillOpacity={0.12}
                />
              ) : null;
            })}
            <Bar
              dataKey="other"
              name="Other lines"
              stackId="lines"
              fill="#4dabf7"
              isAnimationActive={false}
            />
            <Bar dataKey="errors" name="Errors" stackId="lines" fill="#e03131" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <VisuallyHidden>
        <table>
          <caption>Lines and errors per window</caption>
          <thead>
            <tr>
              <th>Window start</th>
              <th>Lines</th>
              <th>Errors</th>
            </tr>
          </thead>
          <tbody>
            {windows.map((w) => (
              <tr key={w.start}>
                <td>{formatLogTime(w.start, zone)}</td>
                <td>{w.lines}</td>
                <td>{w.errors}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </VisuallyHidden>
    </figure>
  );
}
