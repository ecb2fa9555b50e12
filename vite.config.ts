import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The UI lives in src-ui; Tauri loads the built files from src-ui/dist.
export default defineConfig({
  root: "src-ui",
  plugins: [react()],
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
});
