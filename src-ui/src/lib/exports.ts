// The formats a finished result can be exported in, in one place: every result offers the
// common ones; a program also offers the planning-tool formats.
import type { ExportFormat } from "../bindings";

/** One export: the format sent to `save_export` and the button's words. */
export interface ExportOption<F extends string = string> {
  format: F;
  /** "Export Markdown" (the folded menu drops the "Export "). */
  label: string;
}

/** Every result: a readable document and the stored result. */
export const COMMON_EXPORTS: readonly ExportOption<ExportFormat>[] = [
  { format: "markdown", label: "Export Markdown" },
  { format: "json", label: "Export JSON" },
];

/** Programs only: the planning-tool formats (the backend refuses them for other results). */
export const PROGRAM_EXPORTS: readonly ExportOption<ExportFormat>[] = [
  { format: "ms_project", label: "Export MS Project XML" },
  { format: "csv", label: "Export CSV (issue trackers)" },
  { format: "ical", label: "Export iCalendar (stage gates)" },
];
