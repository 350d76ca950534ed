import type { SortKey } from './fleet-model.js';

export interface Column {
  key: SortKey;
  label: string;
  /** Column width in px, padding included (the table lays out fixed); unset columns share the rest. */
  width?: number;
  align?: 'left' | 'right';
  /** Extra class on the header cell, to hide the column on narrow screens (see ComputerTable.module.css). */
  className?: 'osColumn' | 'wideColumn';
}

/** The fleet table's columns, in display order. */
export const COLUMNS: readonly Column[] = [
  { key: 'status', label: 'Status', width: 80 },
  { key: 'hostname', label: 'Hostname' },
  { key: 'os', label: 'OS', className: 'osColumn' },
  { key: 'users', label: 'Users', width: 96 },
  { key: 'cpu', label: 'CPU', width: 80 },
  { key: 'memory', label: 'Memory', width: 120 },
  { key: 'disk', label: 'Disk', width: 114 },
  { key: 'load', label: 'Load', width: 70, align: 'right', className: 'wideColumn' },
  { key: 'network', label: 'Network', width: 100, align: 'right', className: 'wideColumn' },
  { key: 'uptime', label: 'Uptime', width: 90, align: 'right', className: 'wideColumn' },
  { key: 'lastSeen', label: 'Last seen', width: 112, align: 'right' },
];
