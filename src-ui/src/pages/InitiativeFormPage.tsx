// Create or edit an initiative: every field checked as the backend would, each problem next
// to its field, and the backend's own answer shown if it still refuses.
import { useEffect, useId, useState, type FormEvent, type ReactNode } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import * as AlertDialog from "@radix-ui/react-alert-dialog";
import { toast } from "sonner";
import { commands } from "../bindings";
import { unwrap } from "../ipc";
import { emptyFields, fieldsOf, keepingTeam, parseFields, type FieldErrors, type InitiativeFields } from "../lib/initiativeForm";
import { keys, useInitiative } from "../lib/queries";
import "./forms.css";

function Field({
  label,
  name,
  errors,
  hint,
  children,
}: {
  label: string;
  name: keyof InitiativeFields;
  errors: FieldErrors;
  hint?: string;
  children: (props: { id: string; "aria-invalid": boolean; "aria-describedby"?: string }) => ReactNode;
}) {
  const id = useId();
  const error = errors[name];
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`form-field field-${name}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, "aria-invalid": Boolean(error), "aria-describedby": described })}
      {hint && (
        <span id={`${id}-hint`} className="muted small">
          {hint}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} className="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

/** The form page; with `:id` in the route it edits that initiative. */
export function InitiativeFormPage() {
  const { id } = useParams();
  const editing = id != null;
  const existing = useInitiative(id ?? "");
  const [fields, setFields] = useState<InitiativeFields>(emptyFields);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const navigate = useNavigate();
  const client = useQueryClient();

  useEffect(() => {
    if (editing && existing.data) setFields(fieldsOf(existing.data));
  }, [editing, existing.data]);

  const save = useMutation({
    mutationFn: (draft: Parameters<typeof commands.createInitiative>[0]) =>
      unwrap(editing && id ? commands.updateInitiative(id, draft) : commands.createInitiative(draft)),
    onSuccess: (saved) => {
      void client.invalidateQueries({ queryKey: keys.initiatives });
      toast.success(editing ? "Initiative saved" : "Initiative created");
      navigate(`/initiatives/${saved.id}`);
    },
    onError: (e: Error) => setServerError(e.message),
  });
  const remove = useMutation({
    mutationFn: () => unwrap(commands.deleteInitiative(id ?? "")),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: keys.initiatives });
      void client.invalidateQueries({ queryKey: keys.jobs });
      toast.success("Initiative deleted");
      navigate("/initiatives");
    },
    onError: (e: Error) => toast.error(e.message),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setServerError(null);
    const parsed = parseFields(fields);
    if ("errors" in parsed) {
      setErrors(parsed.errors);
      const first = Object.keys(parsed.errors)[0];
      document.querySelector<HTMLElement>(`.field-${first} input, .field-${first} textarea`)?.focus();
      return;
    }
    setErrors({});
    save.mutate(keepingTeam(parsed.draft, editing ? existing.data : undefined));
  };
  const set = (name: keyof InitiativeFields) => (e: { target: { value: string } }) => setFields((f) => ({ ...f, [name]: e.target.value }));

  if (editing && existing.isError) {
    return (
      <div className="banner error" role="alert">
        {existing.error.message} <Link to="/initiatives">Back to initiatives</Link>
      </div>
    );
  }

  return (
    <form className="card stack initiative-form" onSubmit={submit} noValidate aria-labelledby="form-title">
      <div className="page-head">
        <h1 id="form-title">{editing ? "Edit initiative" : "New initiative"}</h1>
      </div>
      {serverError && (
        <div className="banner error" role="alert">
          {serverError}
        </div>
      )}
      <Field label="Name" name="name" errors={errors}>
        {(p) => <input {...p} value={fields.name} onChange={set("name")} placeholder="Harbour Coffee" autoFocus={!editing} />}
      </Field>
      <Field label="The idea" name="description" errors={errors} hint="A few sentences: what, for whom, where.">
        {(p) => <textarea {...p} rows={4} value={fields.description} onChange={set("description")} />}
      </Field>
      <div className="form-grid">
        <Field label="Industry" name="industry" errors={errors} hint="Optional">
          {(p) => <input {...p} value={fields.industry} onChange={set("industry")} placeholder="Food & beverage" />}
        </Field>
        <Field label="Budget" name="budget" errors={errors}>
          {(p) => <input {...p} inputMode="decimal" value={fields.budget} onChange={set("budget")} />}
        </Field>
        <Field label="Currency" name="currency" errors={errors}>
          {(p) => <input {...p} maxLength={3} value={fields.currency} onChange={set("currency")} />}
        </Field>
        <Field label="Horizon (months)" name="horizon_months" errors={errors}>
          {(p) => <input {...p} inputMode="numeric" value={fields.horizon_months} onChange={set("horizon_months")} />}
        </Field>
        <Field label="Team size" name="team_size" errors={errors}>
          {(p) => <input {...p} inputMode="numeric" value={fields.team_size} onChange={set("team_size")} />}
        </Field>
        <Field label="Start date" name="start_date" errors={errors}>
          {(p) => <input {...p} type="date" value={fields.start_date} onChange={set("start_date")} />}
        </Field>
      </div>
      <Field label="Constraints" name="constraints" errors={errors} hint="One per line, e.g. “must open before summer”.">
        {(p) => <textarea {...p} rows={3} value={fields.constraints} onChange={set("constraints")} />}
      </Field>
      <div className="row">
        <button type="submit" className="btn primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : editing ? "Save changes" : "Create initiative"}
        </button>
        <Link className="btn" to={editing ? `/initiatives/${id}` : "/initiatives"}>
          Cancel
        </Link>
        <span className="spacer" />
        {editing && (
          <AlertDialog.Root>
            <AlertDialog.Trigger asChild>
              <button type="button" className="btn danger">
                Delete initiative
              </button>
            </AlertDialog.Trigger>
            <AlertDialog.Portal>
              <AlertDialog.Overlay className="dialog-overlay" />
              <AlertDialog.Content className="dialog">
                <AlertDialog.Title>Delete “{fields.name}”?</AlertDialog.Title>
                <AlertDialog.Description>
                  Its jobs and results are deleted too; running jobs are cancelled. This cannot be undone.
                </AlertDialog.Description>
                <div className="row dialog-actions">
                  <AlertDialog.Cancel asChild>
                    <button type="button" className="btn">
                      Keep it
                    </button>
                  </AlertDialog.Cancel>
                  <AlertDialog.Action asChild>
                    <button type="button" className="btn danger" onClick={() => remove.mutate()}>
                      Delete
                    </button>
                  </AlertDialog.Action>
                </div>
              </AlertDialog.Content>
            </AlertDialog.Portal>
          </AlertDialog.Root>
        )}
      </div>
    </form>
  );
}
