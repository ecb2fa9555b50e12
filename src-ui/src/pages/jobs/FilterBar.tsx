// The Jobs page's filter bar: a title search that runs once typing pauses, and the kind,
// status and date pickers.
import { useEffect, useRef, useState } from "react";
import { Search } from "lucide-react";
import type { JobStatus } from "../../bindings";
import { KINDS } from "../../lib/kinds";
import { ALL_STATUSES, statusLabel } from "../../lib/status";
import { DATES, DATE_LABEL, type DateRange, type Filters } from "./filters";

/** How long typing pauses before the search runs. */
const SEARCH_DELAY_MS = 250;

/** The search box: types freely, updates the URL once typing pauses. */
function SearchBox({ value, onSearch }: { value: string; onSearch: (q: string) => void }) {
  const [text, setText] = useState(value);
  const latest = useRef(onSearch);
  latest.current = onSearch;
  // What this box last put in the URL: its echo must not overwrite what was typed since.
  const sent = useRef(value);
  // The URL changed under us (Clear filters, back): show what it says.
  useEffect(() => {
    if (value === sent.current) return;
    sent.current = value;
    setText(value);
  }, [value]);
  useEffect(() => {
    if (text.trim() === value) return;
    const timer = window.setTimeout(() => {
      sent.current = text.trim();
      latest.current(text.trim());
    }, SEARCH_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [text, value]);
  return (
    <label className="jobs-search">
      <Search size={14} aria-hidden />
      <span className="sr-only">Search job titles</span>
      <input type="search" placeholder="Search title…" value={text} onChange={(e) => setText(e.target.value)} />
    </label>
  );
}

interface PickerProps<T extends string> {
  /** Its name for screen readers. */
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onPick: (value: T) => void;
}

/** One drop-down of the filter bar. */
function Picker<T extends string>({ label, value, options, onPick }: PickerProps<T>) {
  return (
    <label>
      <span className="sr-only">{label}</span>
      <select value={value} onChange={(e) => onPick(e.target.value as T)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

const KIND_OPTIONS = [{ value: "", label: "All kinds" }, ...KINDS.map((k) => ({ value: k.kind, label: k.label }))];
const STATUS_OPTIONS: { value: JobStatus | ""; label: string }[] = [
  { value: "", label: "All statuses" },
  ...ALL_STATUSES.map((s) => ({ value: s, label: statusLabel(s) })),
];
const DATE_OPTIONS = DATES.map((d) => ({ value: d, label: DATE_LABEL[d] }));

export function FilterBar({ filters, update }: { filters: Filters; update: (change: Partial<Filters>) => void }) {
  return (
    <div className="jobs-filters" role="group" aria-label="Filters">
      <SearchBox value={filters.q} onSearch={(q) => update({ q })} />
      <Picker label="Kind" value={filters.kind} options={KIND_OPTIONS} onPick={(kind) => update({ kind })} />
      {filters.tab === "all" && <Picker label="Status" value={filters.status} options={STATUS_OPTIONS} onPick={(status) => update({ status })} />}
      <Picker<DateRange> label="Created" value={filters.date} options={DATE_OPTIONS} onPick={(date) => update({ date })} />
    </div>
  );
}
