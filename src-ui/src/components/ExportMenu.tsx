// Export actions: side-by-side buttons where there is room, one "Export" menu in a small
// window (both are rendered; CSS shows the one that fits, so each stays keyboard-reachable).
import * as Menu from "@radix-ui/react-dropdown-menu";
import { ChevronDown, Download } from "lucide-react";

export interface ExportChoice {
  /** The button's words ("Export Markdown"); the menu item drops the "Export ". */
  label: string;
  onSelect: () => void;
}

export function ExportMenu({ choices, disabled }: { choices: ExportChoice[]; disabled?: boolean }) {
  return (
    <div className="export-actions">
      <div className="row export-buttons">
        {choices.map((c) => (
          <button key={c.label} type="button" className="btn" onClick={c.onSelect} disabled={disabled}>
            <Download size={14} aria-hidden /> {c.label}
          </button>
        ))}
      </div>
      <Menu.Root>
        <Menu.Trigger asChild>
          <button type="button" className="btn export-trigger" disabled={disabled}>
            <Download size={14} aria-hidden /> Export <ChevronDown size={14} aria-hidden />
          </button>
        </Menu.Trigger>
        <Menu.Portal>
          <Menu.Content className="menu" align="end" sideOffset={4} collisionPadding={8}>
            {choices.map((c) => (
              <Menu.Item key={c.label} className="menu-item" onSelect={c.onSelect}>
                {c.label.replace(/^Export /, "")}
              </Menu.Item>
            ))}
          </Menu.Content>
        </Menu.Portal>
      </Menu.Root>
    </div>
  );
}
