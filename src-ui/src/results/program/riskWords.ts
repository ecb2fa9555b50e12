// A risk's 1–5 ratings in the words a risk register uses, so "4 × 4" reads "likely × major".
const LIKELIHOOD = ["rare", "unlikely", "possible", "likely", "almost certain"] as const;
const IMPACT = ["negligible", "minor", "moderate", "major", "severe"] as const;

function word(scale: readonly string[], rating: number): string {
  if (!Number.isFinite(rating)) return "unrated";
  const index = Math.min(scale.length, Math.max(1, Math.round(rating))) - 1;
  return scale[index] ?? "unrated";
}

/** "likely × major" for probability 4 and impact 4. */
export function riskWords(probability: number, impact: number): string {
  return `${word(LIKELIHOOD, probability)} × ${word(IMPACT, impact)}`;
}
