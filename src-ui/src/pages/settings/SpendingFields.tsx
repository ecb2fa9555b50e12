// Settings › Spending: the currency, a price per model (per million tokens, as providers
// publish them) and the most one run may spend. Models without a price cost nothing.
import { Plus, Trash2 } from "lucide-react";
import type { Price, Spending_Serialize as Spending } from "../../bindings";
import { fromPerMillion, perMillion } from "../../lib/spending";

type Row = [model: string, price: Price];

export function SpendingFields({ spending, onChange }: { spending: Spending; onChange: (next: Spending) => void }) {
  const rows: Row[] = Object.entries(spending.prices);
  const putRows = (next: Row[]) => onChange({ ...spending, prices: Object.fromEntries(next) });
  const putRow = (i: number, row: Row) => putRows(rows.map((r, j) => (j === i ? row : r)));
  const priceInput = (i: number, [model, price]: Row, field: keyof Price, label: string) => {
    return (
      <input
        type="number"
        min={0}
        step="any"
        aria-label={`${label} for ${model || "the new model"}, ${spending.currency} per million tokens`}
        value={perMillion(price[field])}
        onChange={(e) => putRow(i, [model, { ...price, [field]: fromPerMillion(e.target.value) ?? 0 }])}
      />
    );
  };
  const limit = spending.run_limit_micros;
  return (
    <fieldset className="card stack spending">
      <legend>Spending</legend>
      <p className="small muted">
        Charter records the tokens of every model call. Give a price to the models you pay for; a run that would pass its limit waits for you instead of spending more.
      </p>
      <label className="field currency">
        Currency
        <input value={spending.currency} maxLength={3} onChange={(e) => onChange({ ...spending, currency: e.target.value.toUpperCase() })} />
      </label>
      {rows.length > 0 && (
        <table className="grid prices">
          <thead>
            <tr>
              <th>Model</th>
              <th className="num">Prompt, per 1M tokens</th>
              <th className="num">Answer, per 1M tokens</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map(([model, price], i) => (
              <tr key={i}>
                <td>
                  <input aria-label="Model name" value={model} placeholder="e.g. gpt-4o-mini" onChange={(e) => putRow(i, [e.target.value, price])} />
                </td>
                <td className="num">{priceInput(i, [model, price], "prompt_micros_per_1k", "Prompt price")}</td>
                <td className="num">{priceInput(i, [model, price], "completion_micros_per_1k", "Answer price")}</td>
                <td>
                  <button type="button" className="btn small icon" aria-label={`Remove the price of ${model || "this model"}`} onClick={() => putRows(rows.filter((_, j) => j !== i))}>
                    <Trash2 size={14} aria-hidden />
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div>
        <button
          type="button"
          className="btn small"
          disabled={rows.some(([m]) => m.trim() === "")}
          onClick={() => putRows([...rows, ["", { prompt_micros_per_1k: 0, completion_micros_per_1k: 0 }]])}
        >
          <Plus size={14} aria-hidden /> Add a model price
        </button>
      </div>
      <label className="row">
        <input type="checkbox" checked={limit != null} onChange={(e) => onChange({ ...spending, run_limit_micros: e.target.checked ? 1_000_000 : null })} />
        Limit what one run may spend
      </label>
      {limit != null && (
        <label className="field currency">
          Limit per run ({spending.currency})
          <input
            type="number"
            min={0}
            step="any"
            value={limit / 1_000_000}
            onChange={(e) => onChange({ ...spending, run_limit_micros: Math.max(0, Math.round(Number(e.target.value) * 1_000_000) || 0) })}
          />
        </label>
      )}
    </fieldset>
  );
}
