// Plain-words formatting of times, durations, money and job kinds.

/** The user's locale for numbers and dates; a bare POSIX/C locale (no LANG set) reads as
 * plain "en-US", so figures still get their thousands separators. */
export const LOCALE: string = (() => {
  const nav = typeof navigator === "undefined" ? "" : navigator.language;
  if (!nav || /^(c|posix)$/i.test(nav) || /posix/i.test(nav)) return "en-US";
  try {
    return Intl.getCanonicalLocales(nav)[0] ?? "en-US";
  } catch {
    return "en-US";
  }
})();

/** What a missing number shows as. */
export const DASH = "—";

/** Whether `n` is a number to show (Rust sends NaN and infinities as null). */
export function finite(n: number | null | undefined): n is number {
  return typeof n === "number" && Number.isFinite(n);
}

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "5 min ago", "in 2 h", "just now": `at` relative to `now` (both unix ms). */
export function relativeTime(at: number, now: number = Date.now()): string {
  const seconds = Math.round((at - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return "just now";
  if (abs < 3600) return relative.format(Math.round(seconds / 60), "minute").replace("minutes", "min").replace("minute", "min");
  if (abs < 86_400) return relative.format(Math.round(seconds / 3600), "hour");
  if (abs < 30 * 86_400) return relative.format(Math.round(seconds / 86_400), "day");
  return dayFormat.format(at);
}

/** The exact local date and time, for tooltips. */
export function exactTime(at: number): string {
  return exactFormat.format(at);
}

// Formatters are built once: building one per call costs about a millisecond in WebKit,
// which a list of hundreds of rows would pay on every render.
const exactFormat = new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium", timeStyle: "medium" });

/** "0.4 s", "12 s", "3 min 5 s", "2 h 10 min". */
export function duration(ms: number): string {
  if (ms < 0) ms = 0;
  if (ms < 100) return "< 0.1 s";
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** A rough ETA: "ETA 40 s", "ETA 3 min". */
export function eta(ms: number): string {
  if (ms < 60_000) return `ETA ${Math.max(1, Math.round(ms / 1000))} s`;
  return `ETA ${Math.round(ms / 60_000)} min`;
}

const countFormat = new Intl.NumberFormat(LOCALE);

/** "12,345": a count with the locale's separators, as `n.toLocaleString(LOCALE)` writes it but
 * without building a formatter per call (a list of rows would pay for one per row). */
export function count(n: number): string {
  return countFormat.format(n);
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** Money in the user's locale with its currency code after it, as the exports write it:
 * "583,834 EUR" (whole units, plans) or with `decimals` (model costs: "0.0056 USD"); "—" when
 * the amount is missing. The one money format of the app. */
export function money(amount: number | null | undefined, currency: string, decimals: { min: number; max: number } = { min: 0, max: 0 }): string {
  if (!finite(amount)) return DASH;
  const key = `${decimals.min}-${decimals.max}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: decimals.min, maximumFractionDigits: decimals.max });
    moneyFormats.set(key, format);
  }
  const figure = format.format(decimals.max === 0 ? Math.round(amount) : amount);
  return currency ? `${figure} ${currency}` : figure;
}

/** How the app writes a day ("4 Jan 2027", "Jan 4, 2027" — the user's locale decides the order):
 * the one date format, for plan dates and for job times older than a month. */
export const DAY_OPTIONS: Intl.DateTimeFormatOptions = { day: "numeric", month: "short", year: "numeric" };
const dayFormat = new Intl.DateTimeFormat(LOCALE, DAY_OPTIONS);

/** A whole percentage from a 0–100 value that may be missing. */
export function percent(value: number | null | undefined): number {
  if (!finite(value)) return 0;
  return Math.max(0, Math.min(100, Math.round(value)));
}

/** What a progress message adds to the step name: "Extracting… the model is writing" under
 * the step "Extracting" reads "the model is writing". */
export function stepDetail(step: string | null, message: string | null): string | null {
  if (!message) return null;
  if (!step || !message.startsWith(step)) return message;
  const rest = message.slice(step.length).replace(/^[\s.…:—-]+/, "");
  return rest.length > 0 ? rest : null;
}

/** "850 bytes", "12.5 kB", "1.2 MB". */
export function sizeWords(bytes: number): string {
  if (!Number.isFinite(bytes)) return "";
  if (bytes < 1000) return `${bytes} byte${bytes === 1 ? "" : "s"}`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(bytes < 10_000 ? 1 : 0)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
