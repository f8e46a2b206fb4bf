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

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A London clock time the GOV.UK way: "9:22pm", "9pm", "midday", "midnight". */
export function clockTime(hour: number, minute: number): string {
  if (minute === 0 && hour === 0) return 'midnight';
  if (minute === 0 && hour === 12) return 'midday';
  const h = hour % 12 === 0 ? 12 : hour % 12;
  return `${h}${minute ? `:${String(minute).padStart(2, '0')}` : ''}${hour < 12 ? 'am' : 'pm'}`;
}

/** A time on a page: London time, and saying so ("5 January 2027, 9:22pm (UK time)"). */
export function ukTime(date: Date): string {
  const t = toLondon(date);
  return `${t.day} ${MONTHS[t.month - 1]} ${t.year}, ${clockTime(t.hour, t.minute)} (UK time)`;
}

/** Whole days from `now` until `then`, counted by London calendar dates (0 on the day itself; negative once past). */
export function daysUntil(then: Date, now: Date): number {
  const day = (d: Date) => {
    const t = toLondon(d);
    return Date.UTC(t.year, t.month - 1, t.day) / 86_400_000;
  };
  return day(then) - day(now);
}
