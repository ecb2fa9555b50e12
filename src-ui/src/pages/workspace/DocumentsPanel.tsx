// An initiative's notes and documents: write a note, attach .txt/.md files through the native
// open dialog or by dropping them on the window, read, delete. Offline research reads them and
// cites them as the user's own. Each refused file is shown with its reason.
import { useEffect, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { FileText, Paperclip, StickyNote, Trash2 } from "lucide-react";
import { commands, type Attached_Serialize as Attached, type Document } from "../../bindings";
import { unwrap } from "../../ipc";
import { RelativeTime } from "../../components/Time";
import { sizeWords } from "../../lib/format";
import { keys } from "../../lib/queries";

/** Files dropped on the window, as paths; resolves to an unlisten. Outside Tauri, nothing. */
async function onFilesDropped(handlers: { over: (on: boolean) => void; drop: (paths: string[]) => void }): Promise<() => void> {
  try {
    const { getCurrentWebview } = await import("@tauri-apps/api/webview");
    return await getCurrentWebview().onDragDropEvent((event) => {
      const payload = event.payload;
      if (payload.type === "enter" || payload.type === "over") handlers.over(true);
      else if (payload.type === "drop") {
        handlers.over(false);
        handlers.drop(payload.paths);
      } else handlers.over(false);
    });
  } catch {
    return () => undefined;
  }
}

function DocumentRow({ document, onDelete, busy }: { document: Document; onDelete: () => void; busy: boolean }) {
  const Icon = document.kind === "note" ? StickyNote : FileText;
  return (
    <li className="document-row" data-testid="document">
      <Icon size={16} aria-hidden className="muted" />
      <details>
        <summary>
          <span className="document-title">{document.title}</span>
          <span className="small muted">
            {" "}
            · {document.kind === "note" ? "note" : "file"} · {sizeWords(document.bytes)} · <RelativeTime at={document.created_at} />
          </span>
        </summary>
        <pre className="document-text">{document.content}</pre>
      </details>
      <button type="button" className="btn small icon danger-quiet" disabled={busy} aria-label={`Delete ${document.title}`} title="Delete" onClick={onDelete}>
        <Trash2 size={14} aria-hidden />
      </button>
    </li>
  );
}

export function DocumentsPanel({ initiativeId }: { initiativeId: string }) {
  const client = useQueryClient();
  const key = keys.documents(initiativeId);
  const documents = useQuery({ queryKey: key, queryFn: () => unwrap(commands.listDocuments(initiativeId)) });
  const [refused, setRefused] = useState<Attached[]>([]);
  const [dragging, setDragging] = useState(false);
  const [title, setTitle] = useState("");
  const [text, setText] = useState("");
  const refresh = () => void client.invalidateQueries({ queryKey: key });

  const attached = (outcomes: Attached[]) => {
    setRefused(outcomes.filter((o) => o.error != null));
    const added = outcomes.filter((o) => o.document != null).length;
    if (added > 0) toast.success(added === 1 ? "Attached 1 file" : `Attached ${added} files`);
    refresh();
  };
  const pick = useMutation({ mutationFn: () => unwrap(commands.pickFilesToAttach(initiativeId)), onSuccess: attached, onError: (e: Error) => toast.error(e.message) });
  const drop = useMutation({ mutationFn: (paths: string[]) => unwrap(commands.attachFiles(initiativeId, paths)), onSuccess: attached, onError: (e: Error) => toast.error(e.message) });
  const note = useMutation({
    mutationFn: () => unwrap(commands.addNote(initiativeId, title, text)),
    onSuccess: () => {
      setTitle("");
      setText("");
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(commands.deleteDocument(initiativeId, id)),
    onSettled: refresh,
    onError: (e: Error) => toast.error(`Could not delete it: ${e.message}`),
  });

  useEffect(() => {
    let cancelled = false;
    let unlisten: (() => void) | null = null;
    void onFilesDropped({ over: setDragging, drop: (paths) => drop.mutate(paths) }).then((u) => {
      if (cancelled) u();
      else unlisten = u;
    });
    return () => {
      cancelled = true;
      unlisten?.();
    };
    // The drop handler only needs the latest mutate, which TanStack keeps stable.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [initiativeId]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    note.mutate();
  };
  const list = documents.data ?? [];
  return (
    <section className={`card stack documents${dragging ? " is-dropping" : ""}`} aria-labelledby="documents-title" data-testid="documents-panel">
      <div className="row">
        <h2 id="documents-title">Notes and documents</h2>
        <span className="spacer" />
        <button type="button" className="btn small" disabled={pick.isPending} onClick={() => pick.mutate()}>
          <Paperclip size={14} aria-hidden /> Attach files…
        </button>
      </div>
      <p className="small muted">Research reads these and cites them as yours. Attach .txt or .md files, or drop them on the window.</p>
      {dragging && (
        <div className="drop-hint" role="status">
          Drop .txt or .md files to attach them
        </div>
      )}
      {refused.length > 0 && (
        <ul className="refused" role="alert" aria-label="Files not attached">
          {refused.map((r) => (
            <li key={r.name}>
              <strong>{r.name}</strong> — {r.error?.message}
            </li>
          ))}
        </ul>
      )}
      {documents.isError ? (
        <p className="banner error">Could not read them: {documents.error.message}</p>
      ) : list.length > 0 ? (
        <ul className="document-list" aria-label="Notes and documents">
          {list.map((d) => (
            <DocumentRow key={d.id} document={d} busy={remove.isPending} onDelete={() => remove.mutate(d.id)} />
          ))}
        </ul>
      ) : (
        documents.isSuccess && <p className="muted small">Nothing yet: write what you know below, or attach a file.</p>
      )}
      <form className="stack note-form" aria-label="Add a note" onSubmit={submit}>
        <input aria-label="Note title" placeholder="Title, e.g. Customer interviews" value={title} onChange={(e) => setTitle(e.target.value)} />
        <textarea aria-label="Note text" rows={3} placeholder="What you know: interviews, figures, decisions…" value={text} onChange={(e) => setText(e.target.value)} />
        {note.isError && (
          <p className="small error-text" role="alert">
            {note.error.message}
          </p>
        )}
        <div>
          <button type="submit" className="btn small" disabled={note.isPending || !title.trim() || !text.trim()}>
            <StickyNote size={14} aria-hidden /> Add note
          </button>
        </div>
      </form>
    </section>
  );
}
