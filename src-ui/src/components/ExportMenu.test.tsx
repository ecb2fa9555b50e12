import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ExportMenu } from "./ExportMenu";

describe("ExportMenu", () => {
  it("offers every export as a button and, folded, as the items of one Export menu", async () => {
    const markdown = vi.fn();
    const json = vi.fn();
    const user = userEvent.setup();
    render(
      <ExportMenu
        choices={[
          { label: "Export Markdown", onSelect: markdown },
          { label: "Export JSON", onSelect: json },
        ]}
      />,
    );
    await user.click(screen.getByRole("button", { name: "Export Markdown" }));
    expect(markdown).toHaveBeenCalledTimes(1);
    await user.click(screen.getByRole("button", { name: "Export" }));
    const items = await screen.findAllByRole("menuitem");
    expect(items.map((i) => i.textContent)).toEqual(["Markdown", "JSON"]);
    await user.click(screen.getByRole("menuitem", { name: "JSON" }));
    expect(json).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole("menu")).toBeNull();
  });

  it("disables both forms while an export is being saved", () => {
    render(<ExportMenu disabled choices={[{ label: "Export JSON", onSelect: () => {} }]} />);
    expect(screen.getByRole("button", { name: "Export JSON" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Export" })).toBeDisabled();
  });
});
