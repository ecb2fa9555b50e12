import { describe, expect, it, vi } from "vitest";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { recordIpc } from "../../test/ipc";
import { renderAt } from "../../test/render";
import { RUN_ALL_WORDS, RunAllButton } from "./RunAllButton";

const INITIATIVE = "01a242af-0766-71b7-8e8c-4b478e1dd970";
const started = {
  research: { id: "r-1", joined: false },
  canvas: { id: "c-1", joined: false },
  program: { id: "p-1", joined: true },
};

describe("RunAllButton", () => {
  it("starts research, the canvas after it and the program in one call, and hands back the three jobs", async () => {
    const mock = recordIpc({ run_all: () => started });
    const onStarted = vi.fn();
    const user = userEvent.setup();
    renderAt(<RunAllButton initiativeId={INITIATIVE} onStarted={onStarted} />);
    await user.click(screen.getByRole("button", { name: /Run all/ }));
    await waitFor(() => expect(onStarted).toHaveBeenCalledWith(started));
    expect(mock.calls.filter((c) => c.cmd === "run_all").map((c) => c.args)).toEqual([{ initiativeId: INITIATIVE }]);
  });

  it("says what it runs, in order, and that five whys is the user's to start", async () => {
    recordIpc({ run_all: () => started });
    const user = userEvent.setup();
    renderAt(<RunAllButton initiativeId={INITIATIVE} onStarted={() => {}} />);
    expect(RUN_ALL_WORDS).toMatch(/^Research, then the canvas citing its findings, and the program\. Five whys needs a problem you observe/);
    await user.hover(screen.getByRole("button", { name: /Run all/ }));
    expect((await screen.findAllByText(RUN_ALL_WORDS)).length).toBeGreaterThan(0);
  });
});
