// The Jobs list as a flat sequence the virtualiser can window over: one item per row the user
// can see (a job, a group's head, each job of an open group), then the visible slice gathered
// back into the nested structure the list is read as (a group's jobs inside the group's item).
import type { JobRecord_Serialize as JobRecord } from "../../bindings";
import type { ListEntry } from "./listEntries";

export type FailureEntry = Extract<ListEntry, { type: "failures" }>;

/** One measured row. `posInSet` is 1-based: among the list's entries for a job or a group's
 * head, among the group's jobs for a member. */
export type ListItem =
  | { type: "job"; job: JobRecord; posInSet: number }
  | { type: "head"; group: FailureEntry; posInSet: number }
  | { type: "member"; job: JobRecord; group: FailureEntry; groupPosInSet: number; posInSet: number };

/** `entries` as rows: an open group's jobs follow its head; a closed group's are not rows at all. */
export function flattenEntries(entries: readonly ListEntry[], open: ReadonlySet<string>): ListItem[] {
  const items: ListItem[] = [];
  entries.forEach((entry, i) => {
    const posInSet = i + 1;
    if (entry.type === "job") {
      items.push({ type: "job", job: entry.job, posInSet });
      return;
    }
    items.push({ type: "head", group: entry, posInSet });
    if (!open.has(entry.key)) return;
    entry.jobs.forEach((job, j) => items.push({ type: "member", job, group: entry, groupPosInSet: posInSet, posInSet: j + 1 }));
  });
  return items;
}

/** Stable across pages and re-reads, so measured heights stay with their row. */
export function itemKey(item: ListItem): string {
  return item.type === "head" ? `group:${item.group.key}` : `job:${item.job.id}`;
}

/** A rendered row with its index among all items (what the virtualiser measures by). */
export interface Placed<T> {
  item: T;
  index: number;
}

/** What to render for a run of consecutive visible items: a job, or the part of a group that
 * is visible (its head if visible, and its visible jobs). */
export type RenderBlock =
  | { type: "job"; row: Placed<Extract<ListItem, { type: "job" }>> }
  | {
      type: "group";
      group: FailureEntry;
      posInSet: number;
      head: number | null;
      members: Placed<Extract<ListItem, { type: "member" }>>[];
    };

/** The items at `indexes` (ascending, consecutive) as blocks, each group's visible part once. */
export function renderBlocks(items: readonly ListItem[], indexes: readonly number[]): RenderBlock[] {
  const blocks: RenderBlock[] = [];
  for (const index of indexes) {
    const item = items[index];
    if (!item) continue;
    if (item.type === "job") {
      blocks.push({ type: "job", row: { item, index } });
      continue;
    }
    const last = blocks.at(-1);
    const current = last?.type === "group" && last.group.key === item.group.key ? last : null;
    if (item.type === "head") {
      blocks.push({ type: "group", group: item.group, posInSet: item.posInSet, head: index, members: [] });
    } else if (current) {
      current.members.push({ item, index });
    } else {
      // The window starts inside an open group whose head has scrolled away.
      blocks.push({ type: "group", group: item.group, posInSet: item.groupPosInSet, head: null, members: [{ item, index }] });
    }
  }
  return blocks;
}
