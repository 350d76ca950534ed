import { Paper, Table, VisuallyHidden } from '@mantine/core';
import type { ReactNode } from 'react';
import { DelegatedTooltip } from '../../../components/DelegatedTooltip.js';
import classes from './AdminTable.module.css';

export interface AdminTableProps {
  /** Below this width the table scrolls sideways instead of squeezing its columns. */
  minWidth: number;
  /** The header cells, without the last one: the actions column is added here. */
  head: ReactNode;
  /** Room for the row actions. */
  actionsWidth?: number;
  /** Keeps every cell on one line; off where names may wrap. */
  nowrap?: boolean;
  /** The rows. */
  children: ReactNode;
}

/** The frame of an admin list: bordered, scrolling on narrow screens, with row actions at the end. */
export function AdminTable({ minWidth, head, actionsWidth = 56, nowrap = true, children }: AdminTableProps) {
  return (
    <Paper withBorder>
      <DelegatedTooltip>
        <Table.ScrollContainer minWidth={minWidth} type="native">
          <Table className={nowrap ? classes.nowrap : undefined}>
            <Table.Thead>
              <Table.Tr>
                {head}
                <Table.Th w={actionsWidth}>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>{children}</Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </DelegatedTooltip>
    </Paper>
  );
}
