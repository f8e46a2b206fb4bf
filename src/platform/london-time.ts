/** Dates on forms are London wall-clock times; the database and API hold UTC. */
const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  hourCycle: 'h23',
});

export interface LondonDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

export function toLondon(date: Date): LondonDateTime {
  const parts = Object.fromEntries(londonParts.formatToParts(date).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
  };
}

/** The UTC instant of a London wall-clock time, or null when the date does not exist (31 February). */
export function fromLondon(t: LondonDateTime): Date | null {
  const asUtc = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute);
  const check = new Date(asUtc);
  if (check.getUTCFullYear() !== t.year || check.getUTCMonth() !== t.month - 1 || check.getUTCDate() !== t.day) return null;
  // London is UTC or UTC+1: try both offsets and keep the one that reads back as the wall-clock time asked for.
  for (const offsetHours of [0, 1]) {
    const candidate = new Date(asUtc - offsetHours * 3_600_000);
    const back = toLondon(candidate);
    if (back.day === t.day && back.hour === t.hour && back.minute === t.minute) return candidate;
  }
  return new Date(asUtc - 3_600_000);
}
