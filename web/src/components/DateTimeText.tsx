import { formatDateAndTime } from './format.ts';

/**
 * A time in a table cell that breaks only between the date and the time ("Dec 7, 2026," over "5:47 AM"):
 * squeezed in a phone's column, "Dec 7, 2026, 5:49 AM" took five lines, one word each (audit log, 390 px).
 */
export function DateTimeText({ iso }: { iso: string | null | undefined }) {
  const when = iso ? formatDateAndTime(iso) : null;
  if (!when) return <>{iso ?? '—'}</>;
  return (
    <>
      <span className="nowrap">{when.date},</span> <span className="nowrap">{when.time}</span>
    </>
  );
}
