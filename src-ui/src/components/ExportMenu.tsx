// Export actions: side-by-side buttons where there is room (further formats in a "More
// formats" menu beside them), one "Export" menu with every format in a small window (both are
// rendered; CSS shows the one that fits, so each stays keyboard-reachable).
import * as Menu from "@radix-ui/react-dropdown-menu";
import { ChevronDown, Download } from "lucide-react";

export interface ExportChoice {
  /** The button's words ("Export Markdown"); the menu item drops the "Export ". */
  label: string;
  onSelect: () => void;
}

/** The menu item's words: the choice's without the leading "Export ". */
function itemLabel(c: ExportChoice): string {
  return c.label.replace(/^Export /, "");
}

/** A dropdown's content: one item per choice. */
function MenuItems({ choices }: { choices: ExportChoice[] }) {
  return (
    <Menu.Content className="menu" align="end" sideOffset={4} collisionPadding={8}>
      {choices.map((c) => (
        <Menu.Item key={c.label} className="menu-item" onSelect={c.onSelect}>
          {itemLabel(c)}
        </Menu.Item>
      ))}
    </Menu.Content>
  );
}

export function ExportMenu({ choices, more = [], disabled }: { choices: ExportChoice[]; more?: ExportChoice[]; disabled?: boolean }) {
  return (
    <div className="export-actions">
      <div className="row export-buttons">
        {choices.map((c) => (
          <button key={c.label} type="button" className="btn" onClick={c.onSelect} disabled={disabled}>
            <Download size={14} aria-hidden /> {c.label}
          </button>
        ))}
        {more.length > 0 && (
          <Menu.Root>
            <Menu.Trigger asChild>
              <button type="button" className="btn" disabled={disabled}>
                <Download size={14} aria-hidden /> More formats <ChevronDown size={14} aria-hidden />
              </button>
            </Menu.Trigger>
            <Menu.Portal>
              <MenuItems choices={more} />
            </Menu.Portal>
          </Menu.Root>
        )}
      </div>
      <Menu.Root>
        <Menu.Trigger asChild>
          <button type="button" className="btn export-trigger" disabled={disabled}>
            <Download size={14} aria-hidden /> Export <ChevronDown size={14} aria-hidden />
          </button>
        </Menu.Trigger>
        <Menu.Portal>
          <MenuItems choices={[...choices, ...more]} />
        </Menu.Portal>
      </Menu.Root>
    </div>
  );
}
