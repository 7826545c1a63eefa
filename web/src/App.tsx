import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { lazy, type ReactNode, Suspense } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import type { ConsoleConfig } from './api/config.ts';
import { Layout, PageLoading } from './components/Layout.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { can } from './session/roles.ts';
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

function RequireSession({ children, allow }: { children: ReactNode; allow?: (role: Role) => boolean }) {
  const session = useSession();
  const location = useLocation();
  if (!session) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/signin?next=${encodeURIComponent(next)}`} replace />;
  }
  if (allow && !allow(session.user.role)) return <Navigate to="/" replace />;
  return <Layout>{children}</Layout>;
}

function page(element: ReactNode, allow?: (role: Role) => boolean) {
  return (
    <RequireSession allow={allow}>
      <Suspense fallback={<PageLoading />}>{element}</Suspense>
    </RequireSession>
  );
}

export function AppRoutes() {
  return (
    <Routes>
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
    </Routes>
  );
}

export function App({ config }: { config: ConsoleConfig }) {
  return (
    <MantineProvider theme={theme} defaultColorScheme="light" cssVariablesResolver={cssVariablesResolver}>
      <Notifications position="top-right" />
      <SessionProvider config={config}>
        <BrowserRouter>
          <AppRoutes />
        </BrowserRouter>
      </SessionProvider>
    </MantineProvider>
  );
}
