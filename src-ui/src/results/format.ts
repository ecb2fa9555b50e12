// Formatting shared by the result views. Missing numbers (Rust sends NaN as null) show as "—".
import { DASH, DAY_OPTIONS, LOCALE, finite } from "../lib/format";

/** A number in the user's locale, `digits` decimals at most. */
export function fmtNumber(n: number | null | undefined, digits = 0): string {
  if (!finite(n)) return DASH;
  return n.toLocaleString(LOCALE, { maximumFractionDigits: digits });
}

/** A 0–1 fraction as "60 %". */
export function fmtPercent(fraction: number | null | undefined): string {
  if (!finite(fraction)) return DASH;
  return `${Math.round(fraction * 100)} %`;
}

/** A 0–1 fraction clamped into 0–100 for a bar width. */
export function barPercent(fraction: number | null | undefined): number {
  if (!finite(fraction)) return 0;
  return Math.max(0, Math.min(100, fraction * 100));
}

/** `YYYY-MM-DD` as a UTC date, or null. */
export function parseDate(iso: string | null | undefined): Date | null {
  if (typeof iso !== "string") return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** The Monday of programme week `week` (the planning core counts weeks from the start day). */
export function weekDate(start: Date, week: number): Date {
  return new Date(start.getTime() + week * 7 * 86_400_000);
}

/** `YYYY-MM` of a UTC date. */
export function monthKey(d: Date): string {
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

const monthShort = new Intl.DateTimeFormat(LOCALE, { month: "short", timeZone: "UTC" });
const monthYear = new Intl.DateTimeFormat(LOCALE, { month: "short", year: "numeric", timeZone: "UTC" });
// Plan dates are calendar days (UTC midnight): formatted in UTC so no time zone shifts them.
const utcDayFormat = new Intl.DateTimeFormat(LOCALE, { ...DAY_OPTIONS, timeZone: "UTC" });

/** "Jan 2027" for `2027-01` (or "Jan" without the year). */
export function fmtMonth(key: string, withYear = true): string {
  const m = /^(\d{4})-(\d{2})$/.exec(key);
  if (!m) return key;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
  return (withYear ? monthYear : monthShort).format(d);
}

/** A short month name of a UTC date. */
export function fmtMonthOf(d: Date, withYear: boolean): string {
  return (withYear ? monthYear : monthShort).format(d);
}

/** "4 Jan 2027" for `2027-01-04`; the input unchanged when it is not a date. */
export function fmtDate(iso: string): string {
  const d = parseDate(iso);
  return d ? utcDayFormat.format(d) : iso;
}

/** Every `YYYY-MM` from `first` to `last` inclusive. */
export function monthRange(first: string, last: string): string[] {
  const a = /^(\d{4})-(\d{2})$/.exec(first);
  const b = /^(\d{4})-(\d{2})$/.exec(last);
  if (!a || !b) return [];
  let y = Number(a[1]);
  let mo = Number(a[2]);
  const out: string[] = [];
  while (y < Number(b[1]) || (y === Number(b[1]) && mo <= Number(b[2]))) {
    out.push(`${y}-${String(mo).padStart(2, "0")}`);
    mo += 1;
    if (mo > 12) {
      mo = 1;
      y += 1;
    }
    if (out.length > 240) break;
  }
  return out;
}
