import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { lazy, type ReactNode, Suspense, useState } from 'react';
import {
  createBrowserRouter,
  createRoutesFromElements,
  Navigate,
  Outlet,
  Route,
  RouterProvider,
  useLocation,
} from 'react-router';
import type { ConsoleConfig } from './api/config.ts';
import { type DeniedState, Layout, PageLoading } from './components/Layout.tsx';
import { PageError } from './components/PageError.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { can, rolesAllowed } from './session/roles.ts';
import { SessionProvider, useSession } from './session/SessionProvider.tsx';
import type { Role } from './session/session-store.ts';
import { cssVariablesResolver, theme } from './theme.ts';

// Pages load on demand: the first paint carries only the shell and the sign-in form.
const HomePage = lazy(() => import('./pages/HomePage.tsx'));
const LogsPage = lazy(() => import('./pages/logs/LogsPage.tsx'));
const LogDetailPage = lazy(() => import('./pages/logs/LogDetailPage.tsx'));
const TicketsPage = lazy(() => import('./pages/tickets/TicketsPage.tsx'));
const TicketDetailPage = lazy(() => import('./pages/tickets/TicketDetailPage.tsx'));
const ChangelogsPage = lazy(() => import('./pages/changelogs/ChangelogsPage.tsx'));
const ChangelogDetailPage = lazy(() => import('./pages/changelogs/ChangelogDetailPage.tsx'));
const UsersPage = lazy(() => import('./pages/admin/UsersPage.tsx'));
const FlagsPage = lazy(() => import('./pages/admin/FlagsPage.tsx'));
const DeadLettersPage = lazy(() => import('./pages/admin/DeadLettersPage.tsx'));
const HealthPage = lazy(() => import('./pages/admin/HealthPage.tsx'));
const AuditPage = lazy(() => import('./pages/admin/AuditPage.tsx'));
const SetPasswordPage = lazy(() => import('./pages/SetPasswordPage.tsx'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage.tsx'));

/** Signed in, or off to sign-in (then back here); the layout stays while the pages below it change. */
function SignedIn() {
  const session = useSession();
  const location = useLocation();
  if (!session) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/signin?next=${encodeURIComponent(next)}`} replace />;
  }
  return (
    <Layout>
      <Outlet />
    </Layout>
  );
}

/** A page some roles may not open: the others go to the overview, which says which role it needs. */
function RoleGate({ allow, children }: { allow: (role: Role) => boolean; children: ReactNode }) {
  const session = useSession();
  if (session && !allow(session.user.role)) {
    const state: DeniedState = { needs: rolesAllowed(allow) };
    return <Navigate to="/" replace state={state} />;
  }
  return children;
}

function page(element: ReactNode, allow?: (role: Role) => boolean) {
  const loaded = <Suspense fallback={<PageLoading />}>{element}</Suspense>;
  return allow ? <RoleGate allow={allow}>{loaded}</RoleGate> : loaded;
}

/**
 * A data router's routes, for its error elements (`errorElement` needs one): a page that fails, its code not
 * loaded (server stopped, or a deploy removed the old chunks) or a render error, shows PageError inside the
 * layout; anything outside the layout, the same without it. Navigating elsewhere clears the error.
 */
export const routes = createRoutesFromElements(
  <Route errorElement={<PageError />}>
    <Route path="/signin" element={<SignInPage mode="signin" />} />
    <Route path="/signup" element={<SignInPage mode="signup" />} />
    <Route
      path="/set-password"
      element={
        <Suspense fallback={null}>
          <SetPasswordPage />
        </Suspense>
      }
    />
    <Route element={<SignedIn />}>
      <Route errorElement={<PageError />}>
        <Route path="/" element={page(<HomePage />)} />
        <Route path="/logs" element={page(<LogsPage />)} />
        <Route path="/logs/:id" element={page(<LogDetailPage />)} />
        <Route path="/tickets" element={page(<TicketsPage />)} />
        <Route path="/tickets/review" element={page(<TicketsPage review />, can.reviewTickets)} />
        <Route path="/tickets/:id" element={page(<TicketDetailPage />)} />
        <Route path="/changelogs" element={page(<ChangelogsPage />)} />
        <Route path="/changelogs/:id" element={page(<ChangelogDetailPage />)} />
        <Route path="/admin/users" element={page(<UsersPage />, can.administer)} />
        <Route path="/admin/flags" element={page(<FlagsPage />, can.administer)} />
        <Route path="/admin/dead-letters" element={page(<DeadLettersPage />, can.operate)} />
        <Route path="/admin/health" element={page(<HealthPage />, can.operate)} />
        <Route path="/admin/audit" element={page(<AuditPage />, can.administer)} />
        <Route path="*" element={page(<NotFoundPage />)} />
      </Route>
    </Route>
  </Route>,
);

export function App({ config }: { config: ConsoleConfig }) {
  const [router] = useState(() => createBrowserRouter(routes));
  return (
    <MantineProvider theme={theme} defaultColorScheme="light" cssVariablesResolver={cssVariablesResolver}>
      <Notifications position="top-right" />
      <SessionProvider config={config}>
        <RouterProvider router={router} />
      </SessionProvider>
    </MantineProvider>
  );
}
