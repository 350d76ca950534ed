import type { AuditEntry } from '@labmgr/protocol';
import { ActionIcon, Anchor, Badge, Code, Paper, Table, Text, VisuallyHidden } from '@mantine/core';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { Fragment, useState } from 'react';
import { DelegatedTooltip } from '../../../components/DelegatedTooltip.js';
import { useNow } from '../../../components/useNow.js';
import { formatShortDateTime } from '../../../format/short-date.js';
import { formatDateTime } from '../../../format/time.js';
import classes from './AuditTable.module.css';
import { actorLabel, detailsSummary, hasDetails, targetLabel } from './audit-model.js';

function actionColor(action: string): string {
  if (action.endsWith('_failed') || action.endsWith('_refused') || action.endsWith('.refused')) return 'red';
  if (action.includes('.refused_') || action === 'audit.refusals_dropped') return 'red';
  if (action.endsWith('.delete') || action.endsWith('.revoke')) return 'orange';
  if (action.endsWith('.create') || action === 'agent.enroll') return 'teal';
  return 'gray';
}

export interface AuditTableProps {
  entries: readonly AuditEntry[];
  /** Narrows the log to one actor or target (clicking its name). */
  onFilterActor: (actor: string) => void;
  onFilterTarget: (target: string) => void;
}

/** Audit entries, newest first; each row expands to its full details. */
export function AuditTable({ entries, onFilterActor, onFilterTarget }: AuditTableProps) {
  const now = useNow();
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const toggle = (id: number) =>
    setOpen((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <Paper withBorder>
      <DelegatedTooltip>
        <Table.ScrollContainer minWidth={700} type="native">
          <Table layout="fixed">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={40}>
                  <VisuallyHidden>Details</VisuallyHidden>
                </Table.Th>
                <Table.Th w={150}>Time</Table.Th>
                <Table.Th w={140}>Actor</Table.Th>
                <Table.Th>Action, target and details</Table.Th>
                <Table.Th w={130} className={classes.wide}>
                  IP address
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entries.map((entry) => {
                const expanded = open.has(entry.id);
                const expandable = hasDetails(entry.details);
                const target = targetLabel(entry);
                const summary = detailsSummary(entry.details);
                const actorKey = entry.actorName ?? entry.actorId;
                return (
                  <Fragment key={entry.id}>
                    <Table.Tr data-action={entry.action}>
                      <Table.Td>
                        {expandable && (
                          <ActionIcon
                            size="sm"
                            variant="subtle"
                            aria-label={expanded ? 'Hide details' : 'Show details'}
                            aria-expanded={expanded}
                            onClick={() => toggle(entry.id)}
                          >
                            {expanded ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
                          </ActionIcon>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <time
                          dateTime={entry.at}
                          className={classes.time}
                          data-tooltip={formatDateTime(entry.at)}
                        >
                          {formatShortDateTime(entry.at, now)}
                        </time>
                      </Table.Td>
                      <Table.Td>
                        {actorKey ? (
                          <Anchor
                            component="button"
                            type="button"
                            size="sm"
                            className={classes.cell}
                            data-tooltip={`Only entries by ${entry.actorName ?? `${entry.actorType} ${entry.actorId}`}`}
                            onClick={() => onFilterActor(actorKey)}
                          >
                            {actorLabel(entry)}
                          </Anchor>
                        ) : (
                          <Text size="sm">{actorLabel(entry)}</Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        {/* One line: the action's badge keeps its width, target and details take the rest. */}
                        <div className={classes.action}>
                          <Badge
                            variant="light"
                            color={actionColor(entry.action)}
                            tt="none"
                            className={classes.badge}
                          >
                            {entry.action}
                          </Badge>
                          <span className={classes.cell}>
                            {target && entry.targetId && (
                              <Anchor
                                component="button"
                                type="button"
                                size="sm"
                                data-tooltip={`Only entries about ${entry.targetId}`}
                                onClick={() => entry.targetId && onFilterTarget(entry.targetId)}
                              >
                                {target}
                              </Anchor>
                            )}
                            {target && summary && ' · '}
                            {summary && (
                              <Text span size="sm" c="dimmed" data-tooltip={summary}>
                                {summary}
                              </Text>
                            )}
                          </span>
                        </div>
                      </Table.Td>
                      <Table.Td className={classes.wide}>
                        <Text size="sm" ff="monospace" className={classes.cell}>
                          {entry.ip ?? '–'}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                    {expanded && (
                      <Table.Tr className={classes.detailsRow}>
                        <Table.Td />
                        <Table.Td colSpan={3}>
                          <Code block className={classes.details}>
                            {JSON.stringify(
                              {
                                actor: { type: entry.actorType, id: entry.actorId },
                                target: { type: entry.targetType, id: entry.targetId },
                                details: entry.details,
                              },
                              null,
                              2,
                            )}
                          </Code>
                        </Table.Td>
                        {/* Its own cell, hidden with the IP column: a span over a hidden column would add a phantom one. */}
                        <Table.Td className={classes.wide} />
                      </Table.Tr>
                    )}
                  </Fragment>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </DelegatedTooltip>
    </Paper>
  );
}
