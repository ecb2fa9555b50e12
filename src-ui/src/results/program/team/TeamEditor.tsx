// "Edit who covers which role": a dialog with the team as a grid — people (named, renamable)
// by the plan's roles (ticked) — that saves the team on the initiative and generates the
// program again with it, then follows the new job.
import { useId, useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import * as Dialog from "@radix-ui/react-dialog";
import { Users } from "lucide-react";
import { toast } from "sonner";
import { commands, type Initiative_Serialize as Initiative, type Program_Serialize as Program, type TeamMember } from "../../../bindings";
import { unwrap } from "../../../ipc";
import { keys, useInitiative } from "../../../lib/queries";
import { MAX_TEAM_PEOPLE, draftWithTeam, fitTeam, isSound, roleColumns, seedTeam, teamProblems, toggleRole, type RoleColumn } from "./team";
import "./team.css";

/** The button and its dialog; nothing when the program names no people to start from. */
export function TeamEditor({ program }: { program: Program }) {
  const [open, setOpen] = useState(false);
  const seed = seedTeam(program);
  if (seed.length === 0) return null;
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger asChild>
        <button type="button" className="btn small">
          <Users size={13} aria-hidden="true" /> Edit who covers which role
        </button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="team-dialog-overlay" />
        <Dialog.Content className="team-dialog">
          <Dialog.Title>Who covers which role</Dialog.Title>
          <Dialog.Description className="muted">
            Tick the roles each person can take on. Every person needs at least one role, and every role at least one person.
          </Dialog.Description>
          {open && <TeamForm program={program} seed={seed} onClose={() => setOpen(false)} />}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

/** Reads the initiative as it is now (its other fields are saved with the team). */
function TeamForm({ program, seed, onClose }: { program: Program; seed: TeamMember[]; onClose: () => void }) {
  const initiative = useInitiative(program.initiative.id);
  if (initiative.isPending) return <div className="skeleton" style={{ height: 160 }} aria-busy="true" aria-label="Loading the initiative" />;
  if (initiative.isError) {
    return (
      <div className="banner error" role="alert">
        <span>Could not read the initiative: {initiative.error.message}</span>
        <span className="spacer" />
        <button type="button" className="btn small" onClick={() => void initiative.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  if (initiative.data.team_size > MAX_TEAM_PEOPLE) {
    return (
      <p className="banner warn">
        The initiative now has a team of {initiative.data.team_size}; who covers which role can be set for up to {MAX_TEAM_PEOPLE} people.
      </p>
    );
  }
  return <TeamGrid initiative={initiative.data} seed={seed} roles={roleColumns(program)} onClose={onClose} />;
}

function TeamGrid({ initiative, seed, roles, onClose }: { initiative: Initiative; seed: TeamMember[]; roles: RoleColumn[]; onClose: () => void }) {
  const uid = useId();
  const [team, setTeam] = useState(() => fitTeam(seed, initiative.team_size));
  const [error, setError] = useState<string | null>(null);
  const navigate = useNavigate();
  const client = useQueryClient();
  const problems = teamProblems(team, roles);
  const sound = isSound(problems);

  const replan = useMutation({
    mutationFn: async () => {
      const saved = await unwrap(commands.updateInitiative(initiative.id, draftWithTeam(initiative, team)));
      client.setQueryData(keys.initiative(initiative.id), saved);
      try {
        return await unwrap(commands.startOperation(initiative.id, { type: "program" }));
      } catch (e) {
        throw new Error(`The team is saved, but the new program could not start: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
    onSuccess: ({ id, joined }) => {
      void client.invalidateQueries({ queryKey: keys.initiatives });
      void client.invalidateQueries({ queryKey: keys.jobs });
      // The same request is already under way: follow that job instead of a second one.
      if (joined) toast.info("Your program is already being generated — showing it.");
      else toast.success("Re-planning with your team");
      onClose();
      navigate(`/jobs/${id}`);
    },
    onError: (e: Error) => setError(e.message),
  });

  const update = (id: string, change: (m: TeamMember) => TeamMember) => setTeam((t) => t.map((m) => (m.id === id ? change(m) : m)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (sound && !replan.isPending) replan.mutate();
  };
  const hintId = `${uid}-hint`;

  return (
    <form className="team-form" onSubmit={submit}>
      {seed.length !== initiative.team_size && (
        <p className="banner warn small">
          The initiative now has a team of {initiative.team_size}; this program was planned for {seed.length}.{" "}
          {initiative.team_size > seed.length ? "Tick roles for the people added." : "The last people of the plan are left out."}
        </p>
      )}
      <div className="results-scroll">
        <table className="grid team-grid">
          <caption className="sr-only">People and the roles they cover</caption>
          <thead>
            <tr>
              <th scope="col">Person</th>
              {roles.map((r) => {
                const nobody = problems.uncovered.some((u) => u.id === r.id);
                return (
                  <th key={r.id} scope="col" className={nobody ? "team-role team-uncovered" : "team-role"}>
                    {r.name}
                    {nobody && <span className="team-nobody"> — nobody</span>}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {team.map((m, i) => {
              const unnamed = problems.unnamed.includes(m.id);
              const roleless = problems.roleless.includes(m.id);
              const rowError = [unnamed ? "Give this person a name." : "", roleless ? "Tick at least one role." : ""].filter(Boolean).join(" ");
              const errorId = `${uid}-row-${m.id}`;
              const who = m.name.trim() || `Person ${i + 1}`;
              return (
                <tr key={m.id}>
                  <th scope="row" className="team-person">
                    <input
                      type="text"
                      value={m.name}
                      aria-label={`Name of person ${i + 1}`}
                      aria-invalid={unnamed}
                      aria-describedby={rowError ? errorId : undefined}
                      maxLength={80}
                      onChange={(e) => update(m.id, (x) => ({ ...x, name: e.target.value }))}
                    />
                    {rowError && (
                      <span id={errorId} className="field-error">
                        {rowError}
                      </span>
                    )}
                  </th>
                  {roles.map((r) => (
                    <td key={r.id} className="team-cell">
                      <input
                        type="checkbox"
                        checked={m.roles.includes(r.id)}
                        aria-label={`${who} covers ${r.name}`}
                        onChange={(e) => update(m.id, (x) => toggleRole(x, r.id, e.target.checked))}
                      />
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {problems.uncovered.length > 0 && (
        <p className="field-error" role="alert">
          Nobody covers {problems.uncovered.map((r) => r.name).join(", ")}: tick {problems.uncovered.length === 1 ? "it" : "each"} for at least one person.
        </p>
      )}
      {error && (
        <div className="banner error" role="alert">
          {error}
        </div>
      )}
      <div className="row team-dialog-actions">
        <span id={hintId} className="muted small">
          {sound ? "Saves the team on the initiative and generates a new program; this one stays as it is." : "Fix what is marked to re-plan."}
        </span>
        <span className="spacer" />
        <Dialog.Close asChild>
          <button type="button" className="btn">
            Cancel
          </button>
        </Dialog.Close>
        <button type="submit" className="btn primary" disabled={!sound || replan.isPending} aria-describedby={hintId}>
          {replan.isPending ? "Re-planning…" : "Re-plan with this team"}
        </button>
      </div>
    </form>
  );
}
