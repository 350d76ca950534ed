import type { Role } from '@labmgr/protocol';
import { NavLink, ScrollArea, Stack, Text } from '@mantine/core';
import {
  IconCertificate,
  IconDeviceDesktop,
  IconFileCode,
  IconKey,
  IconLayoutGrid,
  IconListCheck,
  IconPlugConnected,
  IconServer2,
  IconTerminal2,
  IconUsers,
} from '@tabler/icons-react';
import type { ComponentType } from 'react';
import { Link, useLocation } from 'wouter';
import { paths } from '../app/paths.js';

interface NavItem {
  label: string;
  href: string;
  icon: ComponentType<{ size?: number; stroke?: number }>;
  /** Roles that see the entry; all when absent. */
  roles?: readonly Role[];
}

const SECTIONS: ReadonlyArray<{ title: string; items: readonly NavItem[] }> = [
  {
    title: 'Monitor',
    items: [
      { label: 'Fleet', href: paths.fleet, icon: IconDeviceDesktop },
      { label: 'Labs', href: paths.labs, icon: IconLayoutGrid },
    ],
  },
  {
    title: 'Manage',
    items: [
      { label: 'Commands', href: paths.commands, icon: IconTerminal2 },
      { label: 'Scripts', href: paths.scripts, icon: IconFileCode },
      { label: 'Enrollment', href: paths.enrollment, icon: IconPlugConnected, roles: ['admin'] },
    ],
  },
  {
    title: 'Administration',
    items: [
      { label: 'Users', href: paths.users, icon: IconUsers, roles: ['admin'] },
      { label: 'API tokens', href: paths.apiTokens, icon: IconKey },
      { label: 'Relays', href: paths.relays, icon: IconServer2, roles: ['admin'] },
      { label: 'Audit log', href: paths.audit, icon: IconListCheck, roles: ['admin'] },
      { label: 'My account', href: paths.account, icon: IconCertificate },
    ],
  },
];

/** A page is "current" for its own address and everything under it (a lab under Labs). */
function isCurrent(location: string, href: string): boolean {
  if (href === paths.fleet) return location === '/' || location.startsWith('/computers/');
  return location === href || location.startsWith(`${href}/`);
}

/** The side navigation: the pages this role may use, grouped, the current one marked. */
export function NavMenu({ role, onNavigate }: { role: Role; onNavigate?: () => void }) {
  const [location] = useLocation();
  return (
    <ScrollArea component="nav" aria-label="Main" h="100%">
      <Stack gap="md" p="sm">
        {SECTIONS.map((section) => {
          const items = section.items.filter((item) => !item.roles || item.roles.includes(role));
          if (items.length === 0) return null;
          return (
            <div key={section.title}>
              <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pb={4}>
                {section.title}
              </Text>
              {items.map((item) => {
                const current = isCurrent(location, item.href);
                return (
                  <NavLink
                    key={item.href}
                    component={Link}
                    href={item.href}
                    label={item.label}
                    leftSection={<item.icon size={18} stroke={1.7} />}
                    active={current}
                    aria-current={current ? 'page' : undefined}
                    onClick={onNavigate}
                  />
                );
              })}
            </div>
          );
        })}
      </Stack>
    </ScrollArea>
  );
}
