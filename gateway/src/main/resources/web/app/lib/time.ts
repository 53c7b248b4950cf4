// Times: the server speaks ISO-8601 UTC; people see their own clock.

/** A string that sorts like the instant (fractions padded to nanoseconds), for ordering by (timestamp, id). */
export function sortable(timestamp: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(timestamp);
  if (m) return `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}Z`;
  const parsed = new Date(timestamp);
  return isNaN(parsed.getTime()) ? timestamp : sortable(parsed.toISOString());
}

export function clock(timestamp: string | Date): string {
  return new Date(timestamp).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** Key of the local calendar day, for day separators. */
export function dayKey(timestamp: string | Date): string {
  const d = new Date(timestamp);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

export function dayLabel(timestamp: string | Date, now = new Date()): string {
  const d = new Date(timestamp);
  if (sameDay(d, now)) return 'Today';
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (sameDay(d, yesterday)) return 'Yesterday';
  return d.toLocaleDateString([], {
    weekday: 'long', day: 'numeric', month: 'long',
    year: d.getFullYear() === now.getFullYear() ? undefined : 'numeric',
  });
}

/** Short time for lists: the clock today, the weekday this week, else the date. */
export function shortWhen(timestamp: string, now = new Date()): string {
  const d = new Date(timestamp);
  if (sameDay(d, now)) return clock(d);
  if (now.getTime() - d.getTime() < 6 * 86_400_000) return d.toLocaleDateString([], { weekday: 'short' });
  return d.toLocaleDateString([], { day: 'numeric', month: 'short' });
}

/** "last seen today at 10:32", "last seen yesterday at 18:01", "last seen 3 March". */
export function lastSeen(timestamp: string | null | undefined, now = new Date()): string {
  if (!timestamp) return 'offline';
  const d = new Date(timestamp);
  const day = dayLabel(d, now);
  if (day === 'Today' || day === 'Yesterday') return `last seen ${day.toLowerCase()} at ${clock(d)}`;
  return `last seen ${d.toLocaleDateString([], { day: 'numeric', month: 'long' })}`;
}
