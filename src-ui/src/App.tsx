// The app frame: sidebar navigation (with the running-jobs badge), routes, toasts.
import { NavLink, Navigate, Outlet, createHashRouter, RouterProvider, useMatch } from "react-router";
import { Briefcase, Lightbulb, Settings as SettingsIcon } from "lucide-react";
import type { ReactElement } from "react";
import { Tip } from "./components/Tip";
import { Toasts } from "./components/Toasts";
import { useCompactWindow } from "./lib/compactWindow";
import { Announcements } from "./live/Announcements";
import { useJobsChangedInvalidation, useRunningJobs } from "./lib/queries";
import { InitiativesPage } from "./pages/InitiativesPage";
import { InitiativeFormPage } from "./pages/InitiativeFormPage";
import { WorkspacePage } from "./pages/WorkspacePage";
import { JobsPage } from "./pages/JobsPage";
import { JobDetailPage } from "./pages/JobDetailPage";
import { ResultPage } from "./pages/ResultPage";
import { SettingsPage } from "./pages/SettingsPage";
import "./app.css";

/** A sidebar item's name as a tooltip, shown when the sidebar is icons only (a small window). */
function NavTip({ name, children }: { name: string; children: ReactElement }) {
  const compact = useCompactWindow();
  return compact ? (
    <Tip text={name} side="right" delay={200}>
      {children}
    </Tip>
  ) : (
    children
  );
}

function JobsLink() {
  const running = useRunningJobs().data?.length ?? 0;
  return (
    <NavTip name={running > 0 ? `Jobs (${running} running)` : "Jobs"}>
      <NavLink to="/jobs" className="nav-link" aria-label={running > 0 ? `Jobs, ${running} running` : "Jobs"}>
        <Briefcase size={16} aria-hidden /> Jobs
        {running > 0 && (
          <span className="badge" data-testid="running-count" aria-hidden>
            {running}
          </span>
        )}
      </NavLink>
    </NavTip>
  );
}

/** Initiatives, also marked current on a result page: every result belongs to an initiative. */
export function InitiativesLink() {
  const onResult = useMatch("/results/:id") != null;
  return (
    <NavTip name="Initiatives">
      {/* A plain string: the tooltip's trigger merges class names as strings, so a class
          function would arrive as its source text. NavLink adds "active" on its own routes. */}
      <NavLink to="/initiatives" className={`nav-link${onResult ? " active" : ""}`}>
        <Lightbulb size={16} aria-hidden /> Initiatives
      </NavLink>
    </NavTip>
  );
}

/** Sidebar and the current page. */
export function Layout() {
  useJobsChangedInvalidation();
  return (
    <div className="app">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <div className="brand">Charter</div>
        <InitiativesLink />
        <JobsLink />
        <NavTip name="Settings">
          <NavLink to="/settings" className="nav-link">
            <SettingsIcon size={16} aria-hidden /> Settings
          </NavLink>
        </NavTip>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        <Outlet />
      </main>
      <Announcements />
      <Toasts />
    </div>
  );
}

/** Every page, addressed by hash so a reload stays where it was. */
export const routes = [
  {
    path: "/",
    element: <Layout />,
    children: [
      { index: true, element: <Navigate to="/initiatives" replace /> },
      { path: "initiatives", element: <InitiativesPage /> },
      { path: "initiatives/new", element: <InitiativeFormPage /> },
      { path: "initiatives/:id", element: <WorkspacePage /> },
      { path: "initiatives/:id/edit", element: <InitiativeFormPage /> },
      { path: "jobs", element: <JobsPage /> },
      { path: "jobs/:id", element: <JobDetailPage /> },
      { path: "results/:id", element: <ResultPage /> },
      { path: "settings", element: <SettingsPage /> },
      { path: "*", element: <Navigate to="/initiatives" replace /> },
    ],
  },
];

const router = createHashRouter(routes);

/** The app. */
export function App() {
  return <RouterProvider router={router} />;
}
