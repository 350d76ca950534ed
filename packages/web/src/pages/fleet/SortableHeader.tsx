import { Table, UnstyledButton } from '@mantine/core';
import { IconChevronDown, IconChevronUp, IconSelector } from '@tabler/icons-react';
import classes from './ComputerTable.module.css';
import type { Column } from './columns.js';
import type { SortKey, SortState } from './fleet-model.js';

export interface SortableHeaderProps {
  column: Column;
  sort: SortState;
  onSort: (key: SortKey) => void;
}

/** A column header that sorts on click or Enter/Space and tells assistive tech how it is sorted. */
export function SortableHeader({ column, sort, onSort }: SortableHeaderProps) {
  const active = sort.key === column.key;
  const ariaSort = active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none';
  const Icon = !active ? IconSelector : sort.direction === 'asc' ? IconChevronUp : IconChevronDown;
  const right = column.align === 'right';
  const classNames = [
    active ? classes.sorted : '',
    right ? classes.right : '',
    column.className ? classes[column.className] : '',
  ]
    .filter(Boolean)
    .join(' ');
  const icon = <Icon className={classes.sortIcon} size={14} stroke={2} aria-hidden="true" />;
  return (
    <Table.Th aria-sort={ariaSort} className={classNames || undefined} w={column.width}>
      <UnstyledButton className={classes.sortButton} onClick={() => onSort(column.key)}>
        {right && icon}
        {column.label}
        {!right && icon}
      </UnstyledButton>
    </Table.Th>
  );
}
