// The program's plain tables: a caption, one header row, one row per item and an optional
// footer, described by their columns.
import type { ReactNode } from "react";
import { money } from "../../lib/format";

/** One column: its header, and what each row shows in it. */
export interface Column<T> {
  header: ReactNode;
  /** Figures: right-aligned, header and cells. */
  num?: boolean;
  /** A tooltip on the header (what an abbreviation stands for). */
  title?: string;
  /** A class on each of the column's cells. */
  className?: string;
  cell: (row: T) => ReactNode;
}

/** A column of amounts of money in `currency`. */
export function moneyColumn<T>(header: string, currency: string, amount: (row: T) => number | null | undefined): Column<T> {
  return { header, num: true, cell: (row) => money(amount(row), currency) };
}

interface DataTableProps<T> {
  caption: ReactNode;
  /** The caption for screen readers only. */
  hiddenCaption?: boolean;
  columns: Column<T>[];
  rows: readonly T[];
  rowKey: (row: T, index: number) => string;
  /** Classes beside `grid`. */
  className?: string;
  /** Footer rows. */
  foot?: ReactNode;
  /** In a box that scrolls sideways when the table is too wide (default). */
  scroll?: boolean;
}

function cellClass<T>(column: Column<T>): string | undefined {
  const classes = [column.num ? "num" : "", column.className ?? ""].filter(Boolean);
  return classes.length > 0 ? classes.join(" ") : undefined;
}

/** A table of `rows`, one column per entry of `columns`. */
export function DataTable<T>({ caption, hiddenCaption = false, columns, rows, rowKey, className, foot, scroll = true }: DataTableProps<T>) {
  const table = (
    <table className={className ? `grid ${className}` : "grid"}>
      <caption className={hiddenCaption ? "sr-only" : "program-caption"}>{caption}</caption>
      <thead>
        <tr>
          {columns.map((c, i) => (
            <th key={i} scope="col" className={c.num ? "num" : undefined} title={c.title}>
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={rowKey(row, i)}>
            {columns.map((c, j) => (
              <td key={j} className={cellClass(c)}>
                {c.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
      {foot && <tfoot>{foot}</tfoot>}
    </table>
  );
  return scroll ? <div className="results-scroll">{table}</div> : table;
}
