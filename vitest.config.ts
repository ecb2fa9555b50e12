import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// Component and hook tests run in jsdom with the Tauri IPC mocked by @tauri-apps/api/mocks.
export default defineConfig({
  plugins: [react()],
  test: {
    root: "src-ui",
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
  },
});
