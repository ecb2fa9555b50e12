import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { CANCEL_TIP, CancelJobButton } from "./CancelJobButton";

describe("CancelJobButton", () => {
  it("says Cancel with the cancelled icon, and explains on keyboard focus what cancelling keeps", async () => {
    const onCancel = vi.fn();
    const { container } = render(<CancelJobButton onCancel={onCancel} />);
    const button = screen.getByRole("button", { name: "Cancel" });
    expect(button).toHaveClass("btn", "small", "cancel-job");
    expect(container.querySelector("svg.lucide-ban")).not.toBeNull();
    button.focus();
    expect(await screen.findByRole("tooltip")).toHaveTextContent(CANCEL_TIP);
    fireEvent.click(button);
    expect(onCancel).toHaveBeenCalledOnce();
  });

  it("names the job where several are listed, and is disabled while an action is under way", () => {
    const onCancel = vi.fn();
    render(<CancelJobButton onCancel={onCancel} jobTitle="Bakery — canvas" busy className="act-main" />);
    const button = screen.getByRole("button", { name: "Cancel Bakery — canvas" });
    expect(button).toHaveTextContent("Cancel");
    expect(button).toHaveClass("act-main", "cancel-job");
    expect(button).toBeDisabled();
    fireEvent.click(button);
    expect(onCancel).not.toHaveBeenCalled();
  });
});
