// The console's tables: a labelled, scrollable region holding one table, its columns described once.
import type { ReactNode } from 'react';
import { Empty } from './ui';

export interface Column<Row> {
  header: string;
  /** For screen readers only (an actions column's header). */
  hideHeader?: boolean;
  cell: (row: Row) => ReactNode;
  /** `data-field` on each cell: what the live updates and the browser tests look for. */
  field?: string;
  className?: string;
}

/** The last column: a row's buttons, under a header for screen readers only. */
export const actionsColumn = <Row,>(cell: (row: Row) => ReactNode): Column<Row> => ({ header: 'Actions', hideHeader: true, cell });

export function DataTable<Row>({
  label,
  caption,
  columns,
  rows,
  rowKey,
  keyAttribute,
  empty,
}: {
  /** The region's accessible name. */
  label: string;
  /** Read by screen readers only. */
  caption?: string;
  columns: Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string | number;
  /** A `data-…` attribute that carries each row's key (`data-message-id`). */
  keyAttribute?: `data-${string}`;
  /** Shown instead of the table when there are no rows; nothing when not given (the screen says so itself). */
  empty?: ReactNode;
}) {
  if (rows.length === 0) return empty === undefined ? null : <Empty>{empty}</Empty>;
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      <table className="data">
        {caption && <caption className="visually-hidden">{caption}</caption>}
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.header} scope="col">
                {column.hideHeader ? <span className="visually-hidden">{column.header}</span> : column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const key = rowKey(row);
            return (
              <tr key={key} {...(keyAttribute ? { [keyAttribute]: key } : {})}>
                {columns.map((column) => (
                  <td key={column.header} className={column.className} data-field={column.field}>
                    {column.cell(row)}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
