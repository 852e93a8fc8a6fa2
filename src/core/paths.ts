import { fileURLToPath } from "node:url";

// Compiled files live in dist/src/<dir>/; the package root is three levels up from here.
export const MIGRATIONS_DIR = fileURLToPath(new URL("../../../prisma/migrations/", import.meta.url));
export const POSTGRES_MIGRATIONS_DIR = fileURLToPath(new URL("../../../prisma/postgresql/migrations/", import.meta.url));
export const NATIVE_ADDON_PATH = fileURLToPath(
  new URL("../../../build/native/Release/outpaint_native.node", import.meta.url),
);
export const WEB_ASSETS_DIR = fileURLToPath(new URL("../../web/", import.meta.url));
