// Runs the compiled tests (dist/test/**/*.test.js) with Node's test runner on SQLite; then the
// database and end-to-end tests again on PostgreSQL; then the native tests against a build of
// the addons with AddressSanitizer and UBSan; then, where nvcc is installed, the CUDA kernels and
// the GPU check's library are compiled, and where a GPU is present `npm run gpu:check` runs
// them against PyTorch. PostgreSQL and Redis come from test/setup/services.sh, which installs
// and starts them.
// Arguments filter by path: `npm test -- e2e native` runs files whose path contains either.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const filters = process.argv.slice(2);

function* testFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* testFiles(path);
    else if (entry.name.endsWith(".test.js")) yield path;
  }
}

const all = [...testFiles(join(root, "dist/test"))].map((path) => relative(root, path)).sort();
const files = all.filter((path) => filters.length === 0 || filters.some((filter) => path.includes(filter)));
if (files.length === 0) {
  console.error(`No test files match ${filters.join(", ") || "dist/test/**/*.test.js"}; did the build run?`);
  process.exit(1);
}
const run = (testFiles, env = process.env) =>
  spawnSync(process.execPath, ["--test", "--test-reporter=spec", "--test-concurrency=2", "--test-timeout=600000", ...testFiles], {
    cwd: root,
    stdio: "inherit",
    env,
  }).status ?? 1;

const needsServices = files.some((path) => path.includes("test/e2e/") || path.includes("test/db/"));
const servicesEnv = {};
if (needsServices) {
  execFileSync("bash", [join(root, "test/setup/services.sh")], { cwd: root, stdio: "inherit" });
  for (const line of readFileSync(join(root, ".cache/test-services/env"), "utf8").split("\n")) {
    const [key, ...value] = line.split("=");
    if (key) servicesEnv[key] = value.join("=");
  }
}

let status = run(files, { ...process.env, ...servicesEnv });

// The distributed test runs on PostgreSQL in the first pass already.
const databaseFiles = files.filter((path) => (path.includes("test/e2e/") || path.includes("test/db/")) && !path.includes("distributed"));
if (databaseFiles.length > 0) {
  console.log("\nDatabase and end-to-end tests on PostgreSQL:");
  status = run(databaseFiles, { ...process.env, ...servicesEnv, TEST_DATABASE: "postgresql" }) || status;
}

const nativeFiles = files.filter((path) => path.includes("test/native/"));
if (nativeFiles.length > 0) {
  console.log("\nNative tests under AddressSanitizer and UndefinedBehaviorSanitizer:");
  execFileSync(process.execPath, [join(root, "scripts/build-native.mjs"), "--sanitize"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  const runtime = (name) => execFileSync("gcc", [`-print-file-name=${name}`], { encoding: "utf8" }).trim();
  status = run(nativeFiles, {
    ...process.env,
    OUTPAINT_NATIVE_ADDON: join(root, "build/native-sanitized/RelWithDebInfo/outpaint_native.node"),
    OUTPAINT_NATIVE_TEST_ADDON: join(root, "build/native-sanitized/RelWithDebInfo/outpaint_native_test.node"),
    // Node itself is not instrumented, so the sanitizer runtimes are preloaded; Node's own
    // allocations at exit are not leaks of ours.
    LD_PRELOAD: `${runtime("libasan.so")}:${runtime("libubsan.so")}`,
    ASAN_OPTIONS: "detect_leaks=0:abort_on_error=1",
    UBSAN_OPTIONS: "print_stacktrace=1:halt_on_error=1",
  }) || status;

  const nvcc = "/usr/local/cuda/bin/nvcc";
  if (existsSync(nvcc) || spawnSync("nvcc", ["--version"], { stdio: "ignore" }).status === 0) {
    console.log("\nCUDA kernels of the FLUX pipeline: compile, and check against PyTorch where a GPU is present:");
    const built = spawnSync(process.execPath, [join(root, "scripts/build-native.mjs"), "--cuda"], {
      cwd: root,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, OUTPAINT_CMAKE_ARGS: process.env.OUTPAINT_CMAKE_ARGS ?? "-DCMAKE_CUDA_ARCHITECTURES=90" },
    });
    if (built.status !== 0) {
      console.log("not ok - the CUDA kernels do not compile");
      status = 1;
    } else if (spawnSync("nvidia-smi", ["-L"], { stdio: "ignore" }).status !== 0) {
      // Compiling proves only that they compile: say so, as a skip, not as a pass.
      console.log("# SKIP the CUDA kernels compiled, but no GPU is here to run them: `npm run gpu:check` on a GPU host checks them");
    } else if (spawnSync("python3", ["-c", "import torch"], { stdio: "ignore" }).status !== 0) {
      console.log("# SKIP the CUDA kernels compiled; a GPU is here but not PyTorch, which `npm run gpu:check` compares them with");
    } else {
      // gpu_check.py builds for this GPU's architecture itself.
      status = spawnSync("python3", [join(root, "native/tools/gpu_check.py")], { cwd: root, stdio: "inherit" }).status || status;
    }
  }
}
process.exit(status);
