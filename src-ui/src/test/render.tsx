// Renders a page the way the app does (query cache, router at a path), for tests.
import type { ReactElement } from "react";
import { render } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createMemoryRouter, RouterProvider, type RouteObject } from "react-router";

/** A query client with retries off, so a failing command shows at once. */
export function testQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 0 }, mutations: { retry: false } } });
}

/** Renders `element` at `path` (matched against `pattern`), with extra routes to navigate to. */
export function renderAt(element: ReactElement, { path = "/", pattern = "/", routes = [] as RouteObject[] } = {}) {
  const client = testQueryClient();
  const router = createMemoryRouter([{ path: pattern, element }, ...routes, { path: "*", element: <p>elsewhere</p> }], {
    initialEntries: [path],
  });
  const utils = render(
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { ...utils, client, router };
}
