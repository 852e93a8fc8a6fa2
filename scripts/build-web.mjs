// Bundles the browser pages (GraphiQL, the playground) from npm packages into dist/web, so the
// server serves them itself: no CDN at run time.
import { copyFile, mkdir, rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = `${root}dist/web/graphiql`;
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

const common = {
  bundle: true,
  minify: true,
  sourcemap: false,
  logLevel: "warning",
  define: { "process.env.NODE_ENV": '"production"' },
  loader: { ".ttf": "file", ".woff": "file", ".woff2": "file" },
};

await build({
  ...common,
  entryPoints: { main: `${root}web/graphiql/main.tsx` },
  outdir: out,
  format: "esm",
  target: "es2022",
  jsx: "automatic",
});

// Monaco's language workers, each a classic script the page starts with `new Worker(url)`.
await build({
  ...common,
  entryPoints: {
    "editor.worker": "monaco-editor/esm/vs/editor/editor.worker.js",
    "json.worker": "monaco-editor/esm/vs/language/json/json.worker.js",
    "graphql.worker": "monaco-graphql/esm/graphql.worker.js",
  },
  outdir: out,
  format: "iife",
  target: "es2022",
});

await copyFile(`${root}web/graphiql/index.html`, `${out}/index.html`);
console.log(`built ${out}`);

const playground = `${root}dist/web/playground`;
await rm(playground, { recursive: true, force: true });
await mkdir(playground, { recursive: true });
await build({
  ...common,
  entryPoints: { main: `${root}web/playground/main.ts` },
  outdir: playground,
  format: "esm",
  target: "es2022",
});
for (const file of ["index.html", "style.css"]) await copyFile(`${root}web/playground/${file}`, `${playground}/${file}`);
console.log(`built ${playground}`);
