// What a job's model calls used, per step and for the run: calls, tokens (≈ where the server
// gave none and they were estimated), time and cost at the price table's rates.
import { useQuery } from "@tanstack/react-query";
import { commands, type JobRecord_Serialize as JobRecord, type StepRecord_Serialize as StepRecord, type UsageTotals } from "../../bindings";
import { unwrap } from "../../ipc";
import { LOCALE, duration } from "../../lib/format";
import { useSettings } from "../../lib/queries";
import { costWords } from "../../lib/spending";

function Figures({ totals, currency }: { totals: UsageTotals; currency: string }) {
  const mark = totals.estimated ? "≈ " : "";
  return (
    <>
      <td className="num">{totals.calls}</td>
      <td className="num">
        {mark}
        {totals.prompt_tokens.toLocaleString(LOCALE)} / {totals.completion_tokens.toLocaleString(LOCALE)}
      </td>
      <td className="num">{duration(totals.latency_ms)}</td>
      <td className="num">{costWords(totals.cost_micros, currency)}</td>
    </>
  );
}

export function ModelUse({ job, steps }: { job: JobRecord; steps: StepRecord[] }) {
  const currency = useSettings().data?.spending.currency ?? "USD";
  // Re-read as the job's totals move.
  const usage = useQuery({
    queryKey: ["job-usage", job.id, job.tokens, job.cost_micros, job.status],
    queryFn: () => unwrap(commands.jobUsage(job.id)),
  });
  const data = usage.data;
  if (!data || data.total.calls === 0) return null;
  const name = (index: number | null) => (index == null ? "Outside a step" : steps.find((s) => s.index === index)?.name ?? `Step ${index + 1}`);
  return (
    <section className="card model-use" aria-labelledby="model-use-title">
      <h2 id="model-use-title">Model use</h2>
      <table className="grid" data-testid="model-use">
        <thead>
          <tr>
            <th>Step</th>
            <th className="num">Calls</th>
            <th className="num">Tokens in / out</th>
            <th className="num">Time</th>
            <th className="num">Cost</th>
          </tr>
        </thead>
        <tbody>
          {data.steps.map((s) => (
            <tr key={s.step_index ?? "none"}>
              <td>{name(s.step_index)}</td>
              <Figures totals={s.totals} currency={currency} />
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th>This run</th>
            <Figures totals={data.total} currency={currency} />
          </tr>
        </tfoot>
      </table>
      <p className="small muted">
        {data.total.estimated && "≈ estimated from the text: the server reported no figures or the answer was cut. "}
        {job.spend_limit != null ? `Limit for this run: ${costWords(job.spend_limit, currency)}. ` : ""}
        Prices come from Settings; models without a price cost nothing.
      </p>
    </section>
  );
}
