// Settings: where content and research come from, what model calls cost, notifications, window behaviour and how
// long finished jobs are kept. Saved as a whole; the backend validates again.
import { useEffect, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { commands, type Settings_Serialize as Settings } from "../bindings";
import { unwrap } from "../ipc";
import { KINDS } from "../lib/kinds";
import { keys, useSettings } from "../lib/queries";
import { SpendingFields } from "./settings/SpendingFields";
import "./forms.css";

function ApiKey({ baseUrl }: { baseUrl: string }) {
  const client = useQueryClient();
  const [key, setKey] = useState("");
  const has = useQuery({ queryKey: ["api-key", baseUrl], queryFn: () => unwrap(commands.hasApiKey(baseUrl)), retry: false });
  const set = useMutation({
    mutationFn: () => unwrap(commands.setApiKey(baseUrl, key)),
    onSuccess: () => {
      setKey("");
      toast.success("API key stored in the system keyring");
      void client.invalidateQueries({ queryKey: ["api-key", baseUrl] });
    },
    onError: (e: Error) => toast.error(e.message),
  });
  const clear = useMutation({
    mutationFn: () => unwrap(commands.clearApiKey(baseUrl)),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["api-key", baseUrl] }),
    onError: (e: Error) => toast.error(e.message),
  });
  return (
    <div className="form-field">
      <label htmlFor="api-key">API key</label>
      <div className="row">
        <input id="api-key" type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} placeholder={has.data ? "•••••••• (stored)" : "Not set"} />
        <button type="button" className="btn" disabled={!key.trim() || set.isPending} onClick={() => set.mutate()}>
          Store key
        </button>
        {has.data && (
          <button type="button" className="btn" onClick={() => clear.mutate()}>
            Remove key
          </button>
        )}
      </div>
      <span className="muted small">
        {has.isError ? `The system keyring is not available: ${has.error.message}` : "Kept in the system keyring, never in a file."}
      </span>
    </div>
  );
}

/** `/settings`. */
export function SettingsPage() {
  const settings = useSettings();
  const client = useQueryClient();
  const [draft, setDraft] = useState<Settings | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (settings.data) setDraft(settings.data);
  }, [settings.data]);
  const save = useMutation({
    mutationFn: (s: Settings) => unwrap(commands.updateSettings(s)),
    onSuccess: (saved) => {
      setError(null);
      client.setQueryData(keys.settings, saved);
      toast.success("Settings saved");
    },
    onError: (e: Error) => setError(e.message),
  });
  if (!draft) return <div className="skeleton" style={{ height: 240 }} aria-busy="true" aria-label="Loading settings" />;
  const put = (patch: Partial<Settings>) => setDraft({ ...draft, ...patch });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(draft);
  };
  const provider = draft.provider;
  const search = draft.search;
  return (
    <form className="stack settings" onSubmit={submit} aria-labelledby="settings-title">
      <div className="page-head">
        <h1 id="settings-title">Settings</h1>
        <button type="submit" className="btn primary" disabled={save.isPending}>
          Save settings
        </button>
      </div>
      {error && (
        <div className="banner error" role="alert">
          {error}
        </div>
      )}
      <fieldset className="card stack">
        <legend>Content provider</legend>
        <label className="row">
          <input type="radio" name="provider" checked={provider.type === "offline"} onChange={() => put({ provider: { type: "offline" } })} />
          Built-in offline engine (industry playbooks, no network)
        </label>
        <label className="row">
          <input
            type="radio"
            name="provider"
            checked={provider.type === "openai_compatible"}
            onChange={() => put({ provider: { type: "openai_compatible", base_url: "http://localhost:11434/v1", model: "llama3.1" } })}
          />
          An OpenAI-compatible server (Ollama, LM Studio, a hosted API)
        </label>
        {provider.type === "openai_compatible" && (
          <div className="form-grid">
            <label className="field">
              Server URL
              <input value={provider.base_url} onChange={(e) => put({ provider: { ...provider, base_url: e.target.value } })} />
            </label>
            <label className="field">
              Model
              <input value={provider.model} onChange={(e) => put({ provider: { ...provider, model: e.target.value } })} />
            </label>
          </div>
        )}
        {provider.type === "openai_compatible" && <ApiKey baseUrl={provider.base_url} />}
      </fieldset>
      <fieldset className="card stack">
        <legend>Research</legend>
        <label className="row">
          <input type="radio" name="search" checked={search.type === "offline"} onChange={() => put({ search: { type: "offline" } })} />
          Built-in knowledge base and the initiative's notes
        </label>
        <label className="row">
          <input type="radio" name="search" checked={search.type === "searxng"} onChange={() => put({ search: { type: "searxng", base_url: "http://localhost:8888" } })} />
          A SearXNG server
        </label>
        {search.type === "searxng" && (
          <label className="field">
            SearXNG URL
            <input value={search.base_url} onChange={(e) => put({ search: { type: "searxng", base_url: e.target.value } })} />
          </label>
        )}
      </fieldset>
      <SpendingFields spending={draft.spending} onChange={(spending) => put({ spending })} />
      <fieldset className="card stack">
        <legend>Notifications</legend>
        <label className="row">
          <input
            type="checkbox"
            checked={draft.notifications.enabled}
            onChange={(e) => put({ notifications: { ...draft.notifications, enabled: e.target.checked } })}
          />
          Notify me when a job finishes while Charter is in the background
        </label>
        <div className="row" style={{ paddingLeft: 22 }}>
          {KINDS.map((k) => (
            <label key={k.kind} className="row">
              <input
                type="checkbox"
                disabled={!draft.notifications.enabled}
                checked={draft.notifications.kinds[k.kind] ?? true}
                onChange={(e) => put({ notifications: { ...draft.notifications, kinds: { ...draft.notifications.kinds, [k.kind]: e.target.checked } } })}
              />
              {k.label}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset className="card stack">
        <legend>Window and jobs</legend>
        <label className="row">
          <input type="checkbox" checked={draft.close_to_tray} onChange={(e) => put({ close_to_tray: e.target.checked })} />
          Closing the window keeps Charter running in the tray
        </label>
        <label className="row">
          <input type="checkbox" checked={draft.launch_at_login} onChange={(e) => put({ launch_at_login: e.target.checked })} />
          Start Charter when I log in (in the tray, without a window)
        </label>
        <label className="row">
          <input type="checkbox" checked={draft.keep_awake} onChange={(e) => put({ keep_awake: e.target.checked })} />
          Keep the computer awake while jobs run
        </label>
        <label className="row">
          <input type="checkbox" checked={draft.auto_resume} onChange={(e) => put({ auto_resume: e.target.checked })} />
          Resume interrupted jobs when Charter starts
        </label>
        <div className="form-grid">
          <label className="field">
            Keep completed jobs (days, 0 = forever)
            <input type="number" min={0} max={3650} value={draft.retention.completed} onChange={(e) => put({ retention: { ...draft.retention, completed: Number(e.target.value) } })} />
          </label>
          <label className="field">
            Keep failed jobs (days, 0 = forever)
            <input type="number" min={0} max={3650} value={draft.retention.failed} onChange={(e) => put({ retention: { ...draft.retention, failed: Number(e.target.value) } })} />
          </label>
        </div>
      </fieldset>
    </form>
  );
}
