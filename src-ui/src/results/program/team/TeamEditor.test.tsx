import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { InitiativeDraft_Deserialize as InitiativeDraft, Initiative_Serialize as Initiative, TeamMember } from "../../../bindings";
import { FakeBackend } from "../../../test/ipc";
import { renderAt } from "../../../test/render";
import { harbourProgram, harbourTeam } from "../../fixtures/program";
import { ProgramView } from "../ProgramView";
import { draftWithTeam, fitTeam, teamProblems, toggleRole } from "./team";

/** The initiative as it is now: renamed since the program was made. */
const current: Initiative = { ...harbourProgram.initiative, name: "Harbour Coffee & Bakery", updated_at: 1795964200000 };

function renderProgram() {
  const backend = new FakeBackend({
    get_initiative: () => current,
    update_initiative: (args) => ({ ...current, ...(args.draft as InitiativeDraft) }),
    start_operation: () => ({ id: "job-2", joined: false }),
  });
  const utils = renderAt(<ProgramView program={harbourProgram} jobId="job-1" />, {
    path: "/results/job-1",
    pattern: "/results/:id",
    routes: [{ path: "/jobs/:id", element: <p>Job page</p> }],
  });
  return { backend, ...utils };
}

async function openResources(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByRole("tab", { name: "Resources" }));
  return screen.getByRole("tabpanel");
}

describe("Your team", () => {
  it("lists the plan's people with the roles they cover, their tasks, weeks and utilisation", async () => {
    const user = userEvent.setup();
    renderProgram();
    const panel = await openResources(user);
    const table = within(panel).getByRole("table", { name: "Your team" });
    const rows = within(table).getAllByRole("row");
    expect(rows[0]).toHaveTextContent(/Person.*Roles.*Tasks.*Weeks booked.*Utilisation/);
    expect(rows).toHaveLength(1 + 7);
    const lead = rows.find((r) => r.textContent?.startsWith("Concept and brand lead"));
    const line = harbourProgram.team.find((m) => m.id === "p7")!;
    expect(lead).toHaveTextContent("Concept and brand lead, Finance and admin lead");
    expect(within(lead!).getAllByRole("cell").map((c) => c.textContent)).toEqual([
      "Concept and brand lead",
      "Concept and brand lead, Finance and admin lead",
      String(line.tasks),
      String(line.weeks_booked),
      `${Math.round((line.utilisation ?? 0) * 100)} %`,
    ]);
  });
});

describe("the team editor", () => {
  it("refuses a role nobody covers, then saves the team on the current initiative and re-plans", async () => {
    const user = userEvent.setup();
    const { backend, router } = renderProgram();
    const panel = await openResources(user);
    await user.click(within(panel).getByRole("button", { name: "Edit who covers which role" }));
    const dialog = await screen.findByRole("dialog", { name: "Who covers which role" });
    const grid = await within(dialog).findByRole("table", { name: "People and the roles they cover" });
    expect(backend.callsOf("get_initiative")).toEqual([{ id: harbourProgram.initiative.id }]);
    // Seeded from the plan's people: names and ticks.
    expect(within(grid).getByRole("textbox", { name: "Name of person 7" })).toHaveValue("Concept and brand lead");
    const finance = within(grid).getByRole("checkbox", { name: "Concept and brand lead covers Finance and admin lead" });
    expect(finance).toBeChecked();
    const replan = within(dialog).getByRole("button", { name: "Re-plan with this team" });
    expect(replan).toBeEnabled();

    // Nobody left on finance: said inline, and saving is off.
    await user.click(finance);
    expect(within(dialog).getByRole("alert")).toHaveTextContent("Nobody covers Finance and admin lead");
    expect(within(grid).getByRole("columnheader", { name: /Finance and admin lead\s*— nobody/ })).toBeInTheDocument();
    expect(replan).toBeDisabled();

    // A person with no role is refused too.
    await user.click(within(grid).getByRole("checkbox", { name: "Opening program manager covers Opening program manager" }));
    expect(within(grid).getByText("Tick at least one role.")).toBeInTheDocument();
    expect(replan).toBeDisabled();
    await user.click(within(grid).getByRole("checkbox", { name: "Opening program manager covers Opening program manager" }));

    // The operations manager takes finance on; person 1 gets a name.
    await user.click(within(grid).getByRole("checkbox", { name: "Operations manager covers Finance and admin lead" }));
    const name = within(grid).getByRole("textbox", { name: "Name of person 1" });
    await user.clear(name);
    expect(within(grid).getByText("Give this person a name.")).toBeInTheDocument();
    expect(replan).toBeDisabled();
    await user.type(name, "Ana");
    expect(within(dialog).queryByRole("alert")).toBeNull();
    expect(replan).toBeEnabled();

    await user.click(replan);
    await waitFor(() => expect(router.state.location.pathname).toBe("/jobs/job-2"));
    expect(screen.getByText("Job page")).toBeInTheDocument();

    const saved = backend.callsOf("update_initiative");
    expect(saved).toHaveLength(1);
    expect(saved[0]?.id).toBe(harbourProgram.initiative.id);
    const draft = saved[0]?.draft as InitiativeDraft;
    expect(draft.name).toBe("Harbour Coffee & Bakery");
    expect(draft.team_size).toBe(7);
    expect(draft.team).toHaveLength(7);
    expect(draft.team?.[0]).toEqual({ id: "p1", name: "Ana", roles: ["pm"] });
    expect(draft.team?.find((m) => m.id === "p3")?.roles).toEqual(["ops", "finance"]);
    expect(draft.team?.find((m) => m.id === "p7")?.roles).toEqual(["concept"]);
    expect(backend.callsOf("start_operation")).toEqual([{ initiativeId: harbourProgram.initiative.id, operation: { type: "program" } }]);
    // Saved first, then started.
    const order = backend.calls.map((c) => c.cmd).filter((c) => c === "update_initiative" || c === "start_operation");
    expect(order).toEqual(["update_initiative", "start_operation"]);
  });

  it("keeps the dialog open and says so when the new program cannot start", async () => {
    const user = userEvent.setup();
    const { backend, router } = renderProgram();
    backend.on("start_operation", () => {
      throw { code: "storage", message: "the disk is full" };
    });
    const panel = await openResources(user);
    await user.click(within(panel).getByRole("button", { name: "Edit who covers which role" }));
    const dialog = await screen.findByRole("dialog");
    await user.click(await within(dialog).findByRole("button", { name: "Re-plan with this team" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("The team is saved, but the new program could not start: the disk is full");
    expect(router.state.location.pathname).toBe("/results/job-1");
  });
});

describe("team rules", () => {
  const roles = [
    { id: "pm", name: "Manager" },
    { id: "chef", name: "Chef" },
  ];

  it("needs a name and a role for everyone and someone on every role", () => {
    const team: TeamMember[] = [
      { id: "p1", name: "Ana", roles: ["pm"] },
      { id: "p2", name: " ", roles: [] },
    ];
    expect(teamProblems(team, roles)).toEqual({ unnamed: ["p2"], roleless: ["p2"], uncovered: [{ id: "chef", name: "Chef" }] });
    expect(teamProblems([{ id: "p1", name: "Ana", roles: ["pm", "chef"] }], roles)).toEqual({ unnamed: [], roleless: [], uncovered: [] });
  });

  it("sizes the grid to the initiative's team", () => {
    expect(fitTeam(harbourTeam, 5).map((m) => m.id)).toEqual(["p1", "p2", "p3", "p4", "p5"]);
    const grown = fitTeam(harbourTeam.slice(0, 2), 3);
    expect(grown[2]).toEqual({ id: "p3", name: "Team member 3", roles: [] });
  });

  it("adds a role after the main one and saves the initiative's other fields as they are", () => {
    expect(toggleRole({ id: "p1", name: "Ana", roles: ["pm"] }, "chef", true).roles).toEqual(["pm", "chef"]);
    expect(toggleRole({ id: "p1", name: "Ana", roles: ["pm", "chef"] }, "pm", false).roles).toEqual(["chef"]);
    const draft = draftWithTeam(current, [{ id: "p1", name: " Ana ", roles: ["pm"] }]);
    expect(draft).toMatchObject({ name: current.name, budget: current.budget, constraints: current.constraints, start_date: current.start_date });
    expect(draft.team).toEqual([{ id: "p1", name: "Ana", roles: ["pm"] }]);
  });
});
