import { useEffect, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { commands, events, type Initiative_Serialize as Initiative, type InitiativeDraft_Deserialize as InitiativeDraft, type JobRecord_Serialize as JobRecord, type Operation_Deserialize as Operation } from "./bindings";
import { unwrap } from "./ipc";
import { useJob } from "./useJob";

const KIND_LABEL: Record<string, string> = {
  epm_generation: "Program",
  bmc_research: "Canvas",
  five_whys: "Five whys",
  web_research: "Research",
};

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function NewInitiative({ onCreated }: { onCreated: (i: Initiative) => void }) {
  const [draft, setDraft] = useState<InitiativeDraft>({
    name: "",
    description: "",
    industry: null,
    budget: 250000,
    currency: "EUR",
    horizon_months: 12,
    team_size: 5,
    start_date: today(),
    constraints: [],
  });
  const [error, setError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (d: InitiativeDraft) => unwrap(commands.createInitiative(d)),
    onSuccess: (i) => {
      setError(null);
      onCreated(i);
    },
    onError: (e: Error) => setError(e.message),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(draft);
  };
  const field = <K extends keyof InitiativeDraft>(key: K, value: InitiativeDraft[K]) => setDraft({ ...draft, [key]: value });
  return (
    <form className="card form" onSubmit={submit} aria-label="New initiative">
      <h2>New initiative</h2>
      <label>
        Name
        <input value={draft.name} onChange={(e) => field("name", e.target.value)} required />
      </label>
      <label>
        The idea
        <textarea value={draft.description} onChange={(e) => field("description", e.target.value)} rows={3} required />
      </label>
      <div className="row">
        <label>
          Budget
          <input type="number" min={0} value={draft.budget ?? ""} onChange={(e) => field("budget", Number(e.target.value))} />
        </label>
        <label>
          Currency
          <input value={draft.currency} maxLength={3} onChange={(e) => field("currency", e.target.value.toUpperCase())} />
        </label>
        <label>
          Months
          <input type="number" min={1} max={120} value={draft.horizon_months} onChange={(e) => field("horizon_months", Number(e.target.value))} />
        </label>
        <label>
          Team
          <input type="number" min={1} value={draft.team_size} onChange={(e) => field("team_size", Number(e.target.value))} />
        </label>
        <label>
          Start
          <input type="date" value={draft.start_date} onChange={(e) => field("start_date", e.target.value)} />
        </label>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      <button type="submit" disabled={create.isPending}>Create</button>
    </form>
  );
}

function Progress({ job }: { job: JobRecord }) {
  const pct = Math.round(job.progress ?? 0);
  return (
    <div className="progress-block">
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={job.title}>
        <div className="bar" style={{ width: `${pct}%` }} />
      </div>
      <span className="muted">
        {job.status === "running" || job.status === "pending" ? `${job.message ?? job.current_step ?? "Starting"} · ${pct}%` : job.status}
      </span>
    </div>
  );
}

function InitiativePanel({ initiative }: { initiative: Initiative }) {
  const queryClient = useQueryClient();
  const latest = useQuery({
    queryKey: ["latest", initiative.id],
    queryFn: () => unwrap(commands.latestJob(initiative.id, null)),
  });
  const [jobId, setJobId] = useState<string | null>(null);
  useEffect(() => {
    if (latest.data && !jobId) setJobId(latest.data.id);
  }, [latest.data, jobId]);
  const { view, error } = useJob(jobId);
  const start = useMutation({
    mutationFn: (operation: Operation) => unwrap(commands.startOperation(initiative.id, operation)),
    onSuccess: (id) => {
      setJobId(id);
      void queryClient.invalidateQueries({ queryKey: ["latest", initiative.id] });
    },
  });
  return (
    <section className="card" aria-label={initiative.name}>
      <h2>{initiative.name}</h2>
      <p className="muted">{initiative.description}</p>
      <div className="actions">
        <button onClick={() => start.mutate({ type: "program" })}>Generate program</button>
        <button onClick={() => start.mutate({ type: "canvas" })}>Business Model Canvas</button>
        <button onClick={() => start.mutate({ type: "research", questions: [] })}>Research</button>
      </div>
      {start.error && <p role="alert" className="error">{start.error.message}</p>}
      {error && <p role="alert" className="error">{error}</p>}
      {view && (
        <div className="job">
          <strong>{KIND_LABEL[view.job.kind] ?? view.job.kind}</strong> — {view.job.title}
          <Progress job={view.job} />
          {view.job.status === "completed" && <p className="done">Completed. {view.partials.length} results streamed.</p>}
          {view.job.error && <p role="alert" className="error">{view.job.error.message}</p>}
        </div>
      )}
    </section>
  );
}

export function App() {
  const queryClient = useQueryClient();
  const initiatives = useQuery({ queryKey: ["initiatives"], queryFn: () => unwrap(commands.listInitiatives()) });
  const running = useQuery({ queryKey: ["running"], queryFn: () => commands.runningJobs() });
  useEffect(() => {
    // A hint, not data: re-read what the lists show.
    const stop = events.jobsChanged.listen(() => {
      void queryClient.invalidateQueries({ queryKey: ["running"] });
      void queryClient.invalidateQueries({ queryKey: ["initiatives"] });
    });
    return () => {
      void stop.then((unlisten) => unlisten());
    };
  }, [queryClient]);
  const count = running.data?.length ?? 0;
  return (
    <div className="app">
      <header>
        <h1>Charter</h1>
        <nav aria-label="Main">
          <span>Initiatives</span>
          <span>{count > 0 ? `Jobs (${count})` : "Jobs"}</span>
        </nav>
      </header>
      <main>
        <NewInitiative onCreated={() => void queryClient.invalidateQueries({ queryKey: ["initiatives"] })} />
        {initiatives.error && <p role="alert" className="error">{initiatives.error.message}</p>}
        {initiatives.data?.map((i) => <InitiativePanel key={i.id} initiative={i} />)}
      </main>
    </div>
  );
}
