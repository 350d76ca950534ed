import type { ComputerSummary } from '@labmgr/protocol';
import { Table } from '@mantine/core';
import { useRef } from 'react';
import { DelegatedTooltip } from '../../components/DelegatedTooltip.js';
import { ComputerRow } from './ComputerRow.js';
import classes from './ComputerTable.module.css';
import { COLUMNS } from './columns.js';
import type { SortKey, SortState } from './fleet-model.js';
import { SortableHeader } from './SortableHeader.js';
import { useRowWindow } from './useRowWindow.js';

/** App-shell header height: the table header sticks just below it. */
const HEADER_OFFSET = 60;
/**
 * Up to this many rows the table renders them all (a lab's worth; the
 * browser's find-in-page keeps working). Beyond, only the rows near the
 * viewport are rendered: a thousand live rows would otherwise cost a full
 * table layout on every update.
 */
const WINDOWING_THRESHOLD = 100;

/**
 * A spacer cell spans the columns shown at every width (the OS column hides on
 * narrow screens): spanning more columns than are displayed would add a phantom one.
 */
const SPACER_SPAN = COLUMNS.filter((column) => !column.className).length + 1;

function Spacer({ height }: { height: number }) {
  if (height <= 0) return null;
  return (
    // biome-ignore lint/a11y/noAriaHiddenOnFocusable: a spacer row is not focusable; it only stands in for unrendered rows
    <tr aria-hidden="true" className={classes.spacer}>
      <td colSpan={SPACER_SPAN} style={{ height }} />
    </tr>
  );
}

export interface ComputerTableProps {
  /** Already filtered and sorted. */
  computers: readonly ComputerSummary[];
  sort: SortState;
  onSort: (key: SortKey) => void;
  selected: ReadonlySet<string>;
  onToggle: (id: string, extend: boolean) => void;
  /** Selects every computer shown, or clears the selection when all are selected. */
  onToggleAll: () => void;
}

/** The dense fleet table: one row per computer, every column sortable, rows selectable. */
export function ComputerTable({
  computers,
  sort,
  onSort,
  selected,
  onToggle,
  onToggleAll,
}: ComputerTableProps) {
  const selectedShown = selected.size === 0 ? 0 : computers.filter((c) => selected.has(c.id)).length;
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  const windowed = computers.length > WINDOWING_THRESHOLD;
  const { start, end, rowHeight } = useRowWindow(bodyRef, computers.length, windowed);
  const visible = windowed ? computers.slice(start, end) : computers;
  return (
    <div className={classes.card}>
      <DelegatedTooltip>
        <Table
          className={classes.table}
          layout="fixed"
          aria-rowcount={computers.length + 1}
          horizontalSpacing={8}
          stickyHeader
          stickyHeaderOffset={HEADER_OFFSET}
        >
          <Table.Thead>
            <Table.Tr aria-rowindex={1}>
              <Table.Th className={classes.select}>
                <input
                  type="checkbox"
                  className={classes.check}
                  aria-label="Select every computer shown"
                  checked={selectedShown > 0 && selectedShown === computers.length}
                  ref={(el) => {
                    if (el) el.indeterminate = selectedShown > 0 && selectedShown < computers.length;
                  }}
                  onChange={onToggleAll}
                />
              </Table.Th>
              {COLUMNS.map((column) => (
                <SortableHeader key={column.key} column={column} sort={sort} onSort={onSort} />
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody ref={bodyRef}>
            <Spacer height={start * rowHeight} />
            {visible.map((computer, slot) => (
              // Keyed by slot, not id: re-sorting (live figures re-sort every second when
              // sorted by CPU) and scrolling then patch rows in place instead of moving
              // or remounting <tr> nodes, which costs browsers far more. Rows hold no state.
              <ComputerRow
                // biome-ignore lint/suspicious/noArrayIndexKey: deliberate, see above
                key={slot}
                computer={computer}
                rowIndex={start + slot + 2}
                selected={selected.has(computer.id)}
                onToggle={onToggle}
              />
            ))}
            <Spacer height={(computers.length - end) * rowHeight} />
          </Table.Tbody>
        </Table>
      </DelegatedTooltip>
    </div>
  );
}
