// The Jobs page's filters as kept in the URL, and a way to change them.
import { useMemo } from "react";
import { useSearchParams } from "react-router";
import { readFilters, writeFilters, type Filters } from "./filters";

/** The filters from the URL, and a way to change them (replacing the entry: no history spam). */
export function useFilters(): [Filters, (change: Partial<Filters>) => void] {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => readFilters(params), [params]);
  const update = (change: Partial<Filters>) => {
    const next = { ...filters, ...change };
    if (next.tab !== "all") next.status = "";
    setParams(writeFilters(next), { replace: true, preventScrollReset: true });
  };
  return [filters, update];
}
