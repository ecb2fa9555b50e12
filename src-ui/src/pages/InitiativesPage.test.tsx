import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { FakeBackend } from "../test/ipc";
import { renderAt } from "../test/render";
import { InitiativesPage } from "./InitiativesPage";

describe("InitiativesPage, first run", () => {
  it("explains what an initiative is and creates a sample one to try", async () => {
    const backend = new FakeBackend({
      list_initiatives: () => [],
      running_jobs: () => [],
      create_initiative: (args) => ({ ...(args.draft as object), id: "sample-1", created_at: 1, updated_at: 1 }),
    });
    const { router } = renderAt(<InitiativesPage />, { path: "/initiatives", pattern: "/initiatives", routes: [{ path: "/initiatives/:id", element: <p>workspace</p> }] });
    expect(await screen.findByText(/An initiative is a business idea you want to plan/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: /Try a sample initiative/ }));
    expect(await screen.findByText("workspace")).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/initiatives/sample-1");
    const draft = backend.callsOf("create_initiative")[0]?.draft as { name: string; start_date: string };
    expect(draft.name).toBe("Harbour Coffee (sample)");
    expect(draft.start_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
