// The tooltip is mounted only once its control is hovered or focused, and mounting it keeps the
// control: the same element, its focus, its own ref and handlers.
import { createRef } from "react";
import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { Tip } from "./Tip";

describe("Tip", () => {
  it("mounts no tooltip around controls nobody has hovered or focused", () => {
    const { container } = render(
      <>
        {Array.from({ length: 20 }, (_, i) => (
          <Tip key={i} text={`Explains ${i}`}>
            <button type="button">Control {i}</button>
          </Tip>
        ))}
      </>,
    );
    expect(screen.getAllByRole("button")).toHaveLength(20);
    // Radix's trigger marks its control with data-state; none is there yet.
    expect(container.querySelectorAll("[data-state]")).toHaveLength(0);
    expect(screen.queryByRole("tooltip")).toBeNull();
  });

  it("shows at once on keyboard focus, and the focused control stays the same element", async () => {
    const user = userEvent.setup();
    render(
      <Tip text="What it does">
        <button type="button">Do it</button>
      </Tip>,
    );
    const button = screen.getByRole("button", { name: "Do it" });

    await user.tab();
    const tip = await screen.findByRole("tooltip");
    expect(tip).toHaveTextContent("What it does");
    expect(button).toHaveFocus();
    expect(button.isConnected).toBe(true);
    expect(screen.getByRole("button", { name: "Do it" })).toBe(button);
    // The trigger's attributes reach the control: it is described by the tooltip.
    expect(button).toHaveAttribute("aria-describedby", tip.id);
    expect(button).toHaveAttribute("data-state", "instant-open");

    await user.tab();
    expect(button).not.toHaveFocus();
    expect(screen.queryByRole("tooltip")).toBeNull();
  });

  it("shows on hover only after the delay, and not after a click", async () => {
    const user = userEvent.setup();
    render(
      <Tip text="Hovered words" delay={100}>
        <button type="button">Hover me</button>
      </Tip>,
    );
    const button = screen.getByRole("button", { name: "Hover me" });

    await user.hover(button);
    expect(screen.queryByRole("tooltip")).toBeNull();
    expect(await screen.findByRole("tooltip")).toHaveTextContent("Hovered words");
    expect(screen.getByRole("button", { name: "Hover me" })).toBe(button);

    await user.click(button);
    expect(screen.queryByRole("tooltip")).toBeNull();
  });

  it("keeps the control's own ref and handlers", async () => {
    const user = userEvent.setup();
    const ref = createRef<HTMLButtonElement>();
    const onFocus = vi.fn();
    const onClick = vi.fn();
    render(
      <Tip text="Explains">
        <button type="button" ref={ref} onFocus={onFocus} onClick={onClick} aria-describedby="own-words">
          Act
        </button>
      </Tip>,
    );
    const button = screen.getByRole("button", { name: "Act" });
    expect(ref.current).toBe(button);

    await user.tab();
    const tip = await screen.findByRole("tooltip");
    expect(ref.current).toBe(button);
    expect(onFocus).toHaveBeenCalledOnce();
    expect(button).toHaveAttribute("aria-describedby", `own-words ${tip.id}`);

    fireEvent.click(button);
    expect(onClick).toHaveBeenCalledOnce();
    expect(screen.queryByRole("tooltip")).toBeNull();
  });
});
