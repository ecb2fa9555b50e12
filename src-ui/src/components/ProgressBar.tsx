// An accessible progress bar: ARIA values, a label, and the number next to it.
import { percent } from "../lib/format";

/** A 0–100 bar with its percentage as text. */
export function ProgressBar({ value, label, stalled = false }: { value: number | null | undefined; label: string; stalled?: boolean }) {
  const p = percent(value);
  return (
    <div className="row" style={{ flexWrap: "nowrap" }}>
      <div
        className={`progress${stalled ? " stalled" : ""}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={p}
        aria-valuetext={`${p}%`}
        style={{ flex: 1 }}
      >
        <div className="bar" style={{ width: `${p}%` }} />
      </div>
      <span className="small" style={{ minWidth: 36, textAlign: "right", fontVariantNumeric: "tabular-nums" }}>
        {p}%
      </span>
    </div>
  );
}
