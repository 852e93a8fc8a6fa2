// Where a server's CPU time went: self time by function and by package from a V8 .cpuprofile.
//   BENCH_PROFILE=/tmp/prof npm run bench:api -- --quick
//   node bench/lib/profile-summary.mjs /tmp/prof/<file>.cpuprofile [top]
import { readFileSync } from "node:fs";

const [file, top = "25"] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i + 1] ?? 0;
  self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const where = (url) => {
  if (!url) return "(native/V8)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const parts = url.slice(nm + 13).split("/");
    return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.includes("/dist/src/")) return `server: ${url.slice(url.indexOf("/dist/src/") + 10)}`;
  return url.startsWith("node:") ? "node core" : url;
};
const functions = new Map();
const packages = new Map();
for (const [id, us] of self) {
  const { callFrame } = byId.get(id);
  const name = `${callFrame.functionName || "(anonymous)"} ${where(callFrame.url)}:${callFrame.lineNumber + 1}`;
  functions.set(name, (functions.get(name) ?? 0) + us);
  const pkg = callFrame.url ? where(callFrame.url).replace(/^server: .*/, "server (dist/src)") : callFrame.functionName;
  packages.set(pkg, (packages.get(pkg) ?? 0) + us);
}
const show = (title, map) => {
  console.log(`\n${title} (of ${(total / 1e6).toFixed(2)} s sampled)`);
  for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
    console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`);
  }
};
show("Self time by package", packages);
show("Self time by function", functions);
