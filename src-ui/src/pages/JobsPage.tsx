// The Jobs page (journey 3): every job the engine knows, by tab and filters kept in the URL,
// paged by keyset so it stays fast at 100,000 jobs, with live progress for running ones and
// the actions each status allows.
import { useEffect, useMemo, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router";
import * as Tabs from "@radix-ui/react-tabs";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { Search } from "lucide-react";
import {
  commands,
  type JobQuery_Deserialize as JobQuery,
  type JobRecord_Serialize as JobRecord,
  type JobStatus,
  type StatusCounts,
} from "../bindings";
import { unwrap } from "../ipc";
import { LOCALE } from "../lib/format";
import { KINDS } from "../lib/kinds";
import { keys } from "../lib/queries";
import { ConfirmDialog, type Confirmation } from "./jobs/ConfirmDialog";
import {
  ALL_STATUSES,
  DATES,
  DATE_LABEL,
  FAILED_STATUSES,
  FINISHED_STATUSES,
  STATUS_LABEL,
  TABS,
  TAB_LABEL,
  TAB_STATUSES,
  countOf,
  hasFilters,
  jobsWord,
  narrowsCounts,
  readFilters,
  restrict,
  statusesOf,
  toQuery,
  writeFilters,
  type DateRange,
  type Filters,
  type Tab,
} from "./jobs/filters";
import { JobRow, SkeletonRow, type RowActions } from "./jobs/JobRow";
import { errorMessage, useJobActions } from "./jobs/useJobActions";
import "./jobs.css";

/** Jobs per page. */
export const PAGE_SIZE = 50;
/** How long typing pauses before the search runs. */
const SEARCH_DELAY_MS = 250;
/** How often running jobs' live values are re-read while any run. */
const LIVE_POLL_MS = 1000;

/** The filters from the URL, and a way to change them (replacing the entry: no history spam). */
function useFilters(): [Filters, (change: Partial<Filters>) => void] {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => readFilters(params), [params]);
  const update = (change: Partial<Filters>) => {
    const next = { ...filters, ...change };
    if (next.tab !== "all") next.status = "";
    setParams(writeFilters(next), { replace: true, preventScrollReset: true });
  };
  return [filters, update];
}

/** Jobs running now, re-read every second while any run (the list's live overlay). */
function useLiveRunning(listHasActive: boolean) {
  return useQuery({
    queryKey: keys.running,
    queryFn: () => commands.runningJobs(),
    refetchInterval: (query) => ((query.state.data?.length ?? 0) > 0 || listHasActive ? LIVE_POLL_MS : false),
  });
}

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

function FilterBar({ filters, update }: { filters: Filters; update: (change: Partial<Filters>) => void }) {
  return (
    <div className="jobs-filters" role="group" aria-label="Filters">
      <SearchBox value={filters.q} onSearch={(q) => update({ q })} />
      <label>
        <span className="sr-only">Kind</span>
        <select value={filters.kind} onChange={(e) => update({ kind: e.target.value })}>
          <option value="">All kinds</option>
          {KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>
      </label>
      {filters.tab === "all" && (
        <label>
          <span className="sr-only">Status</span>
          <select value={filters.status} onChange={(e) => update({ status: e.target.value as JobStatus | "" })}>
            <option value="">All statuses</option>
            {ALL_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        <span className="sr-only">Created</span>
        <select value={filters.date} onChange={(e) => update({ date: e.target.value as DateRange })}>
          {DATES.map((d) => (
            <option key={d} value={d}>
              {DATE_LABEL[d]}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

/** The number of jobs a bulk action over `statuses` will touch: exact when known, else at most. */
interface BulkCount {
  n: number;
  exact: boolean;
}

function bulkCount(
  statuses: JobStatus[],
  filters: Filters,
  counts: StatusCounts | null,
  loaded: JobRecord[],
  complete: boolean,
): BulkCount | null {
  if (statuses.length === 0) return null;
  // Everything matching is on screen: count it.
  if (complete) return { n: loaded.filter((j) => statuses.includes(j.status)).length, exact: true };
  if (!counts) return null;
  // The engine's counts cover kind but not text or time: exact without those, a ceiling with.
  return { n: countOf(counts, statuses), exact: !narrowsCounts(filters) };
}

function EmptyState({ filters, total, onClear, onAll }: { filters: Filters; total: number | null; onClear: () => void; onAll: () => void }) {
  if (hasFilters(filters)) {
    return (
      <div className="jobs-empty card">
        <p>No jobs match these filters.</p>
        <button type="button" className="btn" onClick={onClear}>
          Clear filters
        </button>
      </div>
    );
  }
  if (filters.tab !== "all" && total !== 0) {
    const text = {
      running: "Nothing is running right now.",
      completed: "No completed jobs yet.",
      failed: "No failed jobs.",
      all: "",
    }[filters.tab];
    return (
      <div className="jobs-empty card">
        <p>{text}</p>
        <button type="button" className="btn" onClick={onAll}>
          Show all jobs
        </button>
      </div>
    );
  }
  return (
    <div className="jobs-empty card">
      <p>No jobs yet — start one from an initiative.</p>
      <Link className="btn primary" to="/initiatives">
        Go to initiatives
      </Link>
    </div>
  );
}

/** The whole page. */
export function JobsPage() {
  const [filters, update] = useFilters();
  const [searchParams] = useSearchParams();
  const client = useQueryClient();
  const [confirmation, setConfirmation] = useState<Confirmation | null>(null);
  const actions = useJobActions();

  const list = useInfiniteQuery({
    queryKey: [...keys.jobs, "list", filters] as const,
    // The date window is measured from the moment each page is read.
    queryFn: ({ pageParam }) => unwrap(commands.listJobs({ ...toQuery(filters), limit: PAGE_SIZE, after: pageParam })),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next ?? undefined,
  });

  const pages = list.data?.pages;
  const items = useMemo(() => pages?.flatMap((p) => p.items) ?? [], [pages]);
  const listHasActive = items.some((j) => j.status === "running" || j.status === "pending");
  const running = useLiveRunning(listHasActive);

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

  // Stable, so rows whose record did not change skip rendering when a page is added.
  const rowActions: RowActions = useMemo(
    () => ({
      onCancel: actions.cancel,
      onRetry: actions.retry,
      onPin: actions.pin,
      onDelete: (job) =>
        setConfirmation({
          title: `Delete ${job.title}?`,
          description: "Its record, steps and result are removed for good. This cannot be undone.",
          action: "Delete",
          danger: true,
          onConfirm: () => actions.remove(job),
        }),
      isBusy: actions.isBusy,
    }),
    [actions],
  );

  // Bulk actions run on everything the filters match, not only the loaded pages.
  const settle = () => client.invalidateQueries({ queryKey: keys.jobs });
  const retryAll = useMutation({
    mutationFn: (query: JobQuery) => unwrap(commands.retryMatchingJobs(query)),
    onSuccess: (n: number) => (n > 0 ? toast.success(`Retrying ${jobsWord(n)}`) : toast("Nothing to retry")),
    onError: (e) => toast.error("Could not retry the failed jobs", { description: errorMessage(e) }),
    onSettled: settle,
  });
  const deleteAll = useMutation({
    mutationFn: (query: JobQuery) => unwrap(commands.deleteMatchingJobs(query)),
    onSuccess: (n: number) => (n > 0 ? toast.success(`Deleted ${jobsWord(n)}`) : toast("Nothing to delete")),
    onError: (e) => toast.error("Could not delete the jobs", { description: errorMessage(e) }),
    onSettled: settle,
  });

  const retryStatuses = restrict(statusesOf(filters), FAILED_STATUSES);
  const deleteStatuses = restrict(statusesOf(filters), FINISHED_STATUSES);
  const retryCount = bulkCount(retryStatuses, filters, counts, rows, complete);
  const deleteCount = bulkCount(deleteStatuses, filters, counts, rows, complete);
  const howMany = (c: BulkCount, what: string) => (c.exact ? `${jobsWord(c.n)}` : `up to ${jobsWord(c.n)}`) + what;

  const confirmRetryAll = () => {
    if (!retryCount) return;
    const query: JobQuery = { ...toQuery(filters), statuses: retryStatuses };
    setConfirmation({
      title: "Retry all failed jobs?",
      description: `${howMany(retryCount, " that failed or were interrupted")}${hasFilters(filters) ? " and match the current filters" : ""} will run again, each resuming from its last completed step.`,
      action: retryCount.exact ? `Retry ${jobsWord(retryCount.n)}` : "Retry them",
      dismiss: "Not now",
      onConfirm: () => retryAll.mutate(query),
    });
  };
  const confirmDeleteAll = () => {
    if (!deleteCount) return;
    const query: JobQuery = { ...toQuery(filters), statuses: deleteStatuses };
    setConfirmation({
      title: "Delete all shown jobs?",
      description: `${howMany(deleteCount, " that have finished")}${hasFilters(filters) || filters.tab !== "all" ? " and match the current view" : ""} will be deleted with their results. Running and waiting jobs are kept. This cannot be undone.`,
      action: deleteCount.exact ? `Delete ${jobsWord(deleteCount.n)}` : "Delete them",
      danger: true,
      onConfirm: () => deleteAll.mutate(query),
    });
  };

  const search = searchParams.toString();
  const linkState = useMemo(() => ({ jobsSearch: search }), [search]);
  const loadedLabel = (() => {
    const shown = rows.length.toLocaleString(LOCALE);
    if (!counts || narrowsCounts(filters) || complete) return `Showing ${shown}`;
    return `Showing ${shown} of ${countOf(counts, statusesOf(filters)).toLocaleString(LOCALE)}`;
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
                    <span className="jobs-tab-count">{n.toLocaleString(LOCALE)}</span>
                  </>
                )}
              </Tabs.Trigger>
            );
          })}
        </Tabs.List>
        {TABS.map((tab) => (
          <Tabs.Content key={tab} value={tab} className="jobs-panel">
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
                <ul className="job-list" aria-label={`${TAB_LABEL[filters.tab]} jobs`} aria-busy={list.isFetching}>
                  {rows.map((job) => (
                    <JobRow key={job.id} job={job} actions={rowActions} linkState={linkState} />
                  ))}
                </ul>
              </>
            )}
          </Tabs.Content>
        ))}
      </Tabs.Root>

      {rows.length > 0 && (
        <div className="jobs-foot">
          {retryCount && retryCount.n > 0 && (
            <button type="button" className="btn" disabled={retryAll.isPending} onClick={confirmRetryAll}>
              Retry all failed
            </button>
          )}
          {deleteCount && deleteCount.n > 0 && (
            <button type="button" className="btn danger" disabled={deleteAll.isPending} onClick={confirmDeleteAll}>
              Delete all shown
            </button>
          )}
          <span className="spacer" />
          <span className="small muted" aria-live="polite">
            {loadedLabel}
          </span>
          {list.isFetchNextPageError && (
            <span className="small job-error" role="alert">
              Could not load more: {errorMessage(list.error)}
            </span>
          )}
          {list.hasNextPage && (
            <button type="button" className="btn" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
              {list.isFetchingNextPage ? "Loading…" : "Load more"}
            </button>
          )}
        </div>
      )}

      <ConfirmDialog confirmation={confirmation} onClose={() => setConfirmation(null)} />
    </div>
  );
}
