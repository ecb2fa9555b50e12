// The Jobs page (journey 3): every job the engine knows, by tab and filters kept in the URL,
// paged by keyset so it stays fast at 100,000 jobs, with live progress for running ones (listed
// first), identical failures gathered into one row, and the actions each status allows.
import { useMemo, useRef, useState } from "react";
import { useSearchParams } from "react-router";
import * as Tabs from "@radix-ui/react-tabs";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { commands, type StatusCounts } from "../bindings";
import { unwrap } from "../ipc";
import { count } from "../lib/format";
import { keys, useSettings } from "../lib/queries";
import { isActive } from "../lib/status";
import { ConfirmDialog, type Confirmation } from "./jobs/ConfirmDialog";
import { EmptyState } from "./jobs/EmptyState";
import { FilterBar } from "./jobs/FilterBar";
import { TABS, TAB_LABEL, TAB_STATUSES, countOf, narrowsCounts, statusesOf, toQuery, type Tab } from "./jobs/filters";
import { JobList } from "./jobs/JobList";
import { SkeletonRow, type RowActions } from "./jobs/JobRow";
import { JobsFoot } from "./jobs/JobsFoot";
import { useBulkActions } from "./jobs/useBulkActions";
import { useFilters } from "./jobs/useFilters";
import { deleteConfirmation, errorMessage, useJobActions } from "./jobs/useJobActions";
import "./jobs.css";

/** Jobs per page. */
export const PAGE_SIZE = 50;
/** How often running jobs' live values are re-read while any run. */
const LIVE_POLL_MS = 1000;

/** Jobs running now, re-read every second while any run (the list's live overlay). */
function useLiveRunning(listHasActive: boolean) {
  return useQuery({
    queryKey: keys.running,
    queryFn: () => commands.runningJobs(),
    refetchInterval: (query) => ((query.state.data?.length ?? 0) > 0 || listHasActive ? LIVE_POLL_MS : false),
  });
}

/** The whole page. */
export function JobsPage() {
  const [filters, update] = useFilters();
  const [searchParams] = useSearchParams();
  const [confirmation, setConfirmation] = useState<Confirmation | null>(null);
  const actions = useJobActions();
  const currency = useSettings().data?.spending.currency ?? "USD";

  const list = useInfiniteQuery({
    queryKey: [...keys.jobs, "list", filters] as const,
    // The date window is measured from the moment each page is read.
    queryFn: ({ pageParam }) => unwrap(commands.listJobs({ ...toQuery(filters), limit: PAGE_SIZE, after: pageParam })),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next ?? undefined,
  });

  const pages = list.data?.pages;
  const items = useMemo(() => pages?.flatMap((p) => p.items) ?? [], [pages]);
  const running = useLiveRunning(items.some((j) => isActive(j.status)));

  // Running jobs' fresh live values over the listed records.
  const rows = useMemo(() => {
    const live = new Map((running.data ?? []).map((j) => [j.id, j]));
    return items.map((j) => live.get(j.id) ?? j);
  }, [items, running.data]);

  // Counts come with every page (for the kind); keep the last ones while a new tab loads.
  const lastCounts = useRef<{ kind: string; counts: StatusCounts } | null>(null);
  const fresh = pages?.[0]?.counts;
  if (fresh) lastCounts.current = { kind: filters.kind, counts: fresh };
  const counts = fresh ?? (lastCounts.current?.kind === filters.kind ? lastCounts.current.counts : null);
  const total = counts ? countOf(counts, []) : null;

  const tabCount = (tab: Tab) => (counts ? countOf(counts, TAB_STATUSES[tab]) : null);
  const complete = list.isSuccess && !list.hasNextPage;
  const bulk = useBulkActions({ filters, counts, loaded: rows, complete }, setConfirmation);

  // Stable, so rows whose record did not change skip rendering when a page is added.
  const rowActions: RowActions = useMemo(
    () => ({
      onCancel: actions.cancel,
      onResume: actions.resume,
      onRetry: actions.retry,
      onPin: actions.pin,
      onDelete: (job) => setConfirmation(deleteConfirmation(job, actions.remove)),
      isBusy: actions.isBusy,
    }),
    [actions],
  );

  const search = searchParams.toString();
  const linkState = useMemo(() => ({ jobsSearch: search }), [search]);
  const loadedLabel = (() => {
    const shown = count(rows.length);
    if (!counts || narrowsCounts(filters) || complete) return `Showing ${shown}`;
    return `Showing ${shown} of ${count(countOf(counts, statusesOf(filters)))}`;
  })();

  return (
    <div className="jobs-page">
      <div className="page-head jobs-head">
        <h1>Jobs</h1>
        <FilterBar filters={filters} update={update} />
      </div>

      <Tabs.Root value={filters.tab} onValueChange={(tab) => update({ tab: tab as Tab })} className="jobs-tabs-root">
        <Tabs.List className="jobs-tabs" aria-label="Jobs by status">
          {TABS.map((tab) => {
            const n = tabCount(tab);
            return (
              <Tabs.Trigger key={tab} value={tab} className="jobs-tab">
                {TAB_LABEL[tab]}
                {n != null && (
                  <>
                    {" "}
                    <span className="jobs-tab-count">{count(n)}</span>
                  </>
                )}
              </Tabs.Trigger>
            );
          })}
        </Tabs.List>
        {TABS.map((tab) => (
          // Busy while the list is being read: what the panel shows is not final until it is not.
          <Tabs.Content key={tab} value={tab} className="jobs-panel" aria-busy={list.isFetching}>
            {list.isPending ? (
              <ul className="job-list" aria-busy="true" aria-label="Loading jobs">
                {Array.from({ length: 6 }, (_, i) => (
                  <SkeletonRow key={i} />
                ))}
              </ul>
            ) : list.isError && rows.length === 0 ? (
              <div className="banner error" role="alert">
                <span>Could not load jobs: {errorMessage(list.error)}</span>
                <span className="spacer" />
                <button type="button" className="btn small" onClick={() => void list.refetch()}>
                  Retry
                </button>
              </div>
            ) : rows.length === 0 ? (
              <EmptyState
                filters={filters}
                total={total}
                onClear={() => update({ kind: "", status: "", date: "any", q: "" })}
                onAll={() => update({ tab: "all" })}
              />
            ) : (
              <>
                {list.isRefetchError && (
                  <div className="banner warn jobs-stale" role="status">
                    <span>Could not refresh the list: {errorMessage(list.error)}</span>
                    <span className="spacer" />
                    <button type="button" className="btn small" onClick={() => void list.refetch()}>
                      Retry
                    </button>
                  </div>
                )}
                <JobList
                  rows={rows}
                  label={`${TAB_LABEL[filters.tab]} jobs`}
                  busy={list.isFetching}
                  actions={rowActions}
                  onRetryAll={actions.retryMany}
                  linkState={linkState}
                  currency={currency}
                />
              </>
            )}
          </Tabs.Content>
        ))}
      </Tabs.Root>

      {rows.length > 0 && (
        <JobsFoot
          loadedLabel={loadedLabel}
          loadError={list.isFetchNextPageError ? errorMessage(list.error) : null}
          canLoadMore={list.hasNextPage}
          loadingMore={list.isFetchingNextPage}
          onLoadMore={() => void list.fetchNextPage()}
          retryAll={bulk.retryAll}
          deleteAll={bulk.deleteAll}
        />
      )}

      <ConfirmDialog confirmation={confirmation} onClose={() => setConfirmation(null)} />
    </div>
  );
}
