import { defineConfig } from "vite";

// The Import POS page: a static build (dist/) that talks gRPC-Web to the host, wherever it is served from.
export default defineConfig({
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
  server: { host: "127.0.0.1", port: 5173 },
});
