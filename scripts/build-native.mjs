// Builds the C++ addon with cmake-js into build/native/Release/outpaint_native.node; with
// --tests, the native tests' own addon beside it (outpaint_native_test.node); with --sanitize,
// both with AddressSanitizer and UBSan into build/native-sanitized/; with --cuda, the FLUX
// pipeline's CUDA kernels and the GPU check's library (needs nvcc) into build/native-cuda/
// (docs/gpu.md). TENSORRT_ROOT in the environment adds the GPU backend. Node-API headers come
// from the node-api-headers package (see native/package.json), so the build needs no download.
// Extra CMake options: OUTPAINT_CMAKE_ARGS="-DFOO=bar -DBAZ=qux".
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(import.meta.url);
const sanitize = process.argv.includes("--sanitize");
const cuda = process.argv.includes("--cuda");
const tests = process.argv.includes("--tests");

if (spawnSync("cmake", ["--version"], { stdio: "ignore" }).status !== 0) {
  console.error("The native addon needs CMake (>= 3.20) and a C++17 compiler: install them (Debian: apt-get install cmake g++) and run `npm run build:native`.");
  process.exit(1);
}

const cmakeJs = require.resolve("cmake-js/bin/cmake-js");
const extra = (process.env.OUTPAINT_CMAKE_ARGS ?? "").split(/\s+/).filter(Boolean).map((arg) => "--CD" + arg.replace(/^-D/, ""));
if (sanitize) extra.push("--CDOUTPAINT_SANITIZE=ON");
if (cuda) extra.push("--CDOUTPAINT_CUDA=ON");
const out = sanitize ? "build/native-sanitized" : cuda ? "build/native-cuda" : "build/native";
const config = sanitize ? "RelWithDebInfo" : "Release";
const build = (target) =>
  spawnSync(process.execPath, [cmakeJs, "compile", "-d", "native", "-O", out, "--config", config, ...extra, ...(target ? ["--target", target] : [])], {
    cwd: root,
    stdio: "inherit",
  }).status ?? 1;

// The test addon is built by name only, so `npm run build:native` never builds it; the sanitizer
// build is for the tests, and has both.
const status = tests ? build("outpaint_native_test") : build() || (sanitize ? build("outpaint_native_test") : 0);
process.exit(status);
