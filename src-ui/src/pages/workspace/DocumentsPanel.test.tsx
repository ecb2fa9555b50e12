import { describe, expect, it } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Document } from "../../bindings";
import { recordIpc } from "../../test/ipc";
import { renderAt } from "../../test/render";
import { DocumentsPanel } from "./DocumentsPanel";

const INITIATIVE = "01a242af-0766-71b7-8e8c-4b478e1dd970";

function doc(id: string, kind: string, title: string, content: string): Document {
  return { id, initiative_id: INITIATIVE, kind, title, content, bytes: content.length, created_at: Date.now() - 60_000 };
}

describe("DocumentsPanel", () => {
  it("lists notes and files with their size, adds a note, deletes one and shows each refused file", async () => {
    let docs = [doc("d1", "note", "Customer interviews", "Commuters want espresso before 7am."), doc("d2", "file", "menu.md", "# Menu\n".repeat(300))];
    const mock = recordIpc({
      list_documents: () => docs,
      add_note: (args) => {
        const added = doc("d3", "note", String(args.title), String(args.text));
        docs = [...docs, added];
        return added;
      },
      delete_document: (args) => {
        docs = docs.filter((d) => d.id !== args.id);
        return null;
      },
      pick_files_to_attach: () => [
        { name: "scan.pdf", document: null, error: { code: "unsupported_type", message: "“scan.pdf” is not a plain-text or Markdown file (.txt, .md)" } },
      ],
    });
    const user = userEvent.setup();
    renderAt(<DocumentsPanel initiativeId={INITIATIVE} />);
    const list = await screen.findByRole("list", { name: "Notes and documents" });
    const rows = within(list).getAllByTestId("document");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("Customer interviews · note · 35 bytes");
    expect(rows[1]).toHaveTextContent("menu.md · file · 2.1 kB");

    await user.type(screen.getByRole("textbox", { name: "Note title" }), "Rent");
    await user.type(screen.getByRole("textbox", { name: "Note text" }), "The landlord offers three months free.");
    await user.click(screen.getByRole("button", { name: "Add note" }));
    await waitFor(() => expect(mock.of("add_note")).toEqual([{ initiativeId: INITIATIVE, title: "Rent", text: "The landlord offers three months free." }]));
    await waitFor(() => expect(within(screen.getByRole("list", { name: "Notes and documents" })).getAllByTestId("document")).toHaveLength(3));
    expect(screen.getByRole("textbox", { name: "Note title" })).toHaveValue("");

    await user.click(screen.getByRole("button", { name: "Delete menu.md" }));
    await waitFor(() => expect(mock.of("delete_document")).toEqual([{ initiativeId: INITIATIVE, id: "d2" }]));
    await waitFor(() => expect(screen.queryByText("menu.md")).toBeNull());

    await user.click(screen.getByRole("button", { name: /Attach files/ }));
    const refused = await screen.findByRole("alert", { name: "Files not attached" });
    expect(refused).toHaveTextContent("scan.pdf — “scan.pdf” is not a plain-text or Markdown file (.txt, .md)");
  });
});
