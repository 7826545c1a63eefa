import {
  Alert,
  Anchor,
  AppShell,
  Badge,
  Burger,
  Button,
  Center,
  Group,
  Loader,
  NavLink,
  Text,
} from '@mantine/core';
import { useDisclosure, useWindowEvent } from '@mantine/hooks';
import { type ReactNode, useRef } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { can, ROLE_WORDS } from '../session/roles.ts';
import { useSession, useSessionStore } from '../session/SessionProvider.tsx';
import type { Role } from '../session/session-store.ts';
import { useConfirmedUser } from '../session/use-confirmed-user.ts';
import { clearAllDrafts } from './drafts.ts';

interface NavItem {
  to: string;
  label: string;
  description: string;
  allow?: (role: Role) => boolean;
  /** Highlight only on this exact path (the review queue lives under /tickets). */
  exact?: boolean;
}

export const NAV_ITEMS: NavItem[] = [
  { to: '/', label: 'Overview', description: 'What you can do here', exact: true },
  { to: '/logs', label: 'Logs', description: 'Upload a log, read its summary' },
  { to: '/tickets', label: 'Tickets', description: 'Create and triage tickets', exact: true },
  {
    to: '/tickets/review',
    label: 'Review queue',
    description: 'Tickets the classifier was unsure about',
    allow: can.reviewTickets,
  },
  { to: '/changelogs', label: 'Changelogs', description: 'Release notes from commits' },
  { to: '/admin/users', label: 'Users and roles', description: 'Who has which role', allow: can.administer },
  {
    to: '/admin/flags',
    label: 'Feature flags',
    description: 'Model use and rollouts',
    allow: can.administer,
  },
  {
    to: '/admin/health',
    label: 'System health',
    description: 'Queues, jobs and the database',
    allow: can.operate,
  },
  {
    to: '/admin/dead-letters',
    label: 'Dead letters',
    description: 'Jobs that exhausted their retries',
    allow: can.operate,
  },
  { to: '/admin/audit', label: 'Audit log', description: 'Who changed what', allow: can.administer },
];

export function navItemsFor(role: Role): NavItem[] {
  return NAV_ITEMS.filter((item) => !item.allow || item.allow(role));
}

function isActive(item: NavItem, pathname: string): boolean {
  if (item.exact) return pathname === item.to;
  return pathname === item.to || pathname.startsWith(`${item.to}/`);
}

/** The history state of a redirect away from a page the role may not open (App.tsx, RoleGate). */
export interface DeniedState {
  /** The roles that may open it, in words ("Admin", "Ops or Admin"). */
  needs: string;
}

function deniedOf(state: unknown): DeniedState | null {
  if (state === null || typeof state !== 'object' || !('needs' in state)) return null;
  return typeof state.needs === 'string' ? { needs: state.needs } : null;
}

export function PageLoading() {
  return (
    <Center py="xl">
      <Loader role="status" aria-label="Loading" />
    </Center>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure(false);
  const burger = useRef<HTMLButtonElement>(null);
  // On a phone the open navigation covers the page: Escape closes it, back to its button, as a dialog does (it
  // stayed open, and a keyboard user had to find the button again).
  useWindowEvent('keydown', (event) => {
    if (event.key !== 'Escape' || !opened) return;
    close();
    burger.current?.focus();
  });
  const session = useSession();
  const store = useSessionStore();
  const navigate = useNavigate();
  const { pathname, state } = useLocation();
  useConfirmedUser();
  if (!session) return null;
  // Said, not a silent redirect: OPS opening /admin/users, HR /tickets/review (audit).
  const denied = deniedOf(state);
  const role = session.user.role;

  const openGraphiql = async (event: React.MouseEvent<HTMLAnchorElement>) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    // GraphiQL reads the token when it loads: make sure it has a few minutes left.
    await store.refresh().catch(() => undefined);
    window.location.assign('/graphiql');
  };

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              ref={burger}
              opened={opened}
              onClick={toggle}
              aria-expanded={opened}
              aria-controls="main-navigation"
              hiddenFrom="sm"
              size="sm"
              aria-label={opened ? 'Close navigation' : 'Open navigation'}
            />
            <Anchor component={Link} to="/" fw={700} c="dark" underline="never">
              AI Ops
            </Anchor>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Anchor href="/graphiql" onClick={openGraphiql} size="sm" visibleFrom="xs">
              GraphQL IDE
            </Anchor>
            <Text size="sm" visibleFrom="md" truncate maw={220} title={session.user.email}>
              {session.user.email}
            </Text>
            <Badge variant="light" aria-label={`Role: ${ROLE_WORDS[role]}`}>
              {ROLE_WORDS[role]}
            </Badge>
            <Button
              size="xs"
              variant="default"
              onClick={async () => {
                clearAllDrafts();
                await store.signOut();
                navigate('/signin');
              }}
            >
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Main" id="main-navigation">
        {navItemsFor(role).map((item) => (
          <NavLink
            key={item.to}
            component={Link}
            to={item.to}
            label={item.label}
            description={item.description}
            active={isActive(item, pathname)}
            aria-current={isActive(item, pathname) ? 'page' : undefined}
            onClick={close}
          />
        ))}
        <NavLink href="/graphiql" label="GraphQL IDE" description="GraphiQL, signed in" hiddenFrom="xs" />
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        {denied && (
          <Alert
            color="yellow"
            variant="light"
            role="status"
            mb="md"
            title={`That page needs the ${denied.needs} role`}
          >
            You are signed in as {ROLE_WORDS[role]}. Ask an admin if you need it.
          </Alert>
        )}
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
