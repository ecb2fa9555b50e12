// A 5×5 risk heat map: probability across, impact up; each cell coloured by the severity of
// its score and showing how many risks sit in it. A cell with risks filters the register.
import type { Risk, Severity } from "../../bindings";
import "../results.css";

const LEVELS = [1, 2, 3, 4, 5] as const;

/** The severity band of a probability × impact score, as the planning core bands it. */
export function severityOf(score: number): Severity {
  if (score <= 4) return "low";
  if (score <= 9) return "medium";
  if (score <= 16) return "high";
  return "critical";
}

export const SEVERITY_WORD: Record<Severity, string> = { low: "Low", medium: "Medium", high: "High", critical: "Critical" };

/** Clamps a 1–5 rating; anything unreadable counts as 1. */
function rating(n: unknown): number {
  return typeof n === "number" && Number.isFinite(n) ? Math.min(5, Math.max(1, Math.round(n))) : 1;
}

export interface Cell {
  probability: number;
  impact: number;
}

export function riskCell(r: Risk): Cell {
  return { probability: rating(r.probability), impact: rating(r.impact) };
}

export interface RiskHeatMapProps {
  risks: Risk[];
  selected: Cell | null;
  onSelect: (cell: Cell | null) => void;
}

export function RiskHeatMap({ risks, selected, onSelect }: RiskHeatMapProps) {
  const byCell = new Map<string, Risk[]>();
  for (const r of risks) {
    const c = riskCell(r);
    const key = `${c.probability}:${c.impact}`;
    byCell.set(key, [...(byCell.get(key) ?? []), r]);
  }
  return (
    <div className="heat">
      <div className="heat-y-title small muted" aria-hidden="true">
        Impact →
      </div>
      <table className="heat-table">
        <caption className="sr-only">Risks by probability (columns) and impact (rows); each cell shows how many risks it holds</caption>
        <tbody>
          {[...LEVELS].reverse().map((impact) => (
            <tr key={impact}>
              <th scope="row" className="heat-axis small">
                <span className="sr-only">Impact </span>
                {impact}
              </th>
              {LEVELS.map((probability) => {
                const score = probability * impact;
                const sev = severityOf(score);
                const here = byCell.get(`${probability}:${impact}`) ?? [];
                const isSelected = selected?.probability === probability && selected.impact === impact;
                const label = `Probability ${probability}, impact ${impact}: ${here.length} ${here.length === 1 ? "risk" : "risks"}, ${SEVERITY_WORD[sev].toLowerCase()} severity (score ${score})${here.length ? ` — ${here.map((r) => r.id).join(", ")}` : ""}`;
                return (
                  <td
                    key={probability}
                    className={`heat-cell sev-${sev}${here.length ? " has-risks" : ""}${isSelected ? " is-selected" : ""}`}
                    data-probability={probability}
                    data-impact={impact}
                    data-count={here.length}
                    title={label}
                  >
                    {here.length > 0 ? (
                      <button type="button" className="heat-btn" aria-pressed={isSelected} aria-label={label} onClick={() => onSelect(isSelected ? null : { probability, impact })}>
                        {here.length}
                      </button>
                    ) : (
                      <span className="sr-only">{label}</span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
          <tr>
            <td />
            {LEVELS.map((p) => (
              <th key={p} scope="col" className="heat-axis small">
                <span className="sr-only">Probability </span>
                {p}
              </th>
            ))}
          </tr>
        </tbody>
      </table>
      <div className="heat-x-title small muted" aria-hidden="true">
        Probability →
      </div>
      <div className="heat-key small" aria-label="Severity colours">
        {(["low", "medium", "high", "critical"] as const).map((s) => (
          <span key={s} className="heat-key-item">
            <span className={`heat-key-swatch sev-${s}`} aria-hidden="true" />
            {SEVERITY_WORD[s]}
          </span>
        ))}
      </div>
    </div>
  );
}
