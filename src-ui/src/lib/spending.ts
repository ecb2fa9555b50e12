// Money and tokens in words, and the conversions between what the user types (currency per
// million tokens, a cap in currency) and what is stored (micros).
import { money } from "./format";

const MICROS = 1_000_000;

/** "0.0123 USD", "0.42 USD", "1.50 EUR": micros in `currency` (the app's one money format),
 * with up to four digits under one unit. */
export function costWords(micros: number, currency: string): string {
  const amount = micros / MICROS;
  // Under the smallest figure shown, say so rather than show zero.
  if (amount > 0 && amount < 0.0001) return `< ${costWords(100, currency)}`;
  const digits = Math.abs(amount) < 1 ? 4 : 2;
  return money(amount, currency, { min: 2, max: digits });
}

/** "850 tokens", "12.3k tokens", "1.2M tokens". */
export function tokensWords(tokens: number): string {
  if (tokens < 1000) return `${tokens} token${tokens === 1 ? "" : "s"}`;
  if (tokens < 1_000_000) return `${(tokens / 1000).toFixed(tokens < 10_000 ? 1 : 0)}k tokens`;
  return `${(tokens / 1_000_000).toFixed(1)}M tokens`;
}

/** A stored price (micros per 1,000 tokens) as currency per million tokens. */
export function perMillion(microsPer1k: number): number {
  return microsPer1k / 1000;
}

/** Currency per million tokens as stored (micros per 1,000 tokens); null when not a price. */
export function fromPerMillion(text: string): number | null {
  const value = Number(text.trim().replace(",", "."));
  if (text.trim() === "" || !Number.isFinite(value) || value < 0) return null;
  const micros = Math.round(value * 1000);
  return micros <= 4_294_967_295 ? micros : null;
}

/** An amount the user typed ("2.50") in micros; null when it is not a positive amount. */
export function amountToMicros(text: string): number | null {
  const value = Number(text.trim().replace(",", "."));
  if (text.trim() === "" || !Number.isFinite(value) || value <= 0) return null;
  return Math.round(value * MICROS);
}

/** Micros as a plain amount to edit ("2.5"). */
export function microsToAmount(micros: number): string {
  return String(micros / MICROS);
}
