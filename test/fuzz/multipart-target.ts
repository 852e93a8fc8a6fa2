import { connect } from "node:net";
import fc from "fast-check";
import { FuzzFailure, previewBytes } from "./fuzz-targets.js";

// Target (c): the multipart upload routes of a running server, fed well-formed, truncated,
// corrupted and abandoned bodies over raw TCP. Whatever arrives, the server answers 2xx or a 4xx
// with a JSON error (never a server error; 503 BACKEND_UNAVAILABLE is a refusal of what this
// server cannot run), and it is still alive for the next request.

export const MULTIPART_ROUTES = ["/v1/images", "/tunes/1504944/prompts"] as const;
type Route = (typeof MULTIPART_ROUTES)[number];

/** How the body is framed on the wire, and how the client ends it. */
const FRAMINGS = ["content-length", "chunked", "declared-longer-then-close", "reset-midway"] as const;
type Framing = (typeof FRAMINGS)[number];

export interface MultipartCase {
  label: string;
  route: Route;
  contentType: string;
  body: Buffer;
  framing: Framing;
}

function part(boundary: string, name: string, value: Buffer, filename?: string): Buffer {
  const disposition = `form-data; name="${name}"${filename ? `; filename="${filename}"` : ""}`;
  const type = filename ? "\r\nContent-Type: image/png" : "";
  return Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`), value, Buffer.from("\r\n")]);
}

/** A form each route accepts as it is: an image on /v1/images, a small outpaint prompt on Astria's route. */
function wellFormed(route: Route, boundary: string, png: Buffer): Buffer {
  const parts =
    route === "/v1/images"
      ? [part(boundary, "file", png, "a.png")]
      : [
          part(boundary, "prompt[text]", Buffer.from("--outpaint right-center --outpaint_width 96 --outpaint_height 48")),
          part(boundary, "prompt[denoising_strength]", Buffer.from("0")),
          part(boundary, "prompt[input_image]", png, "a.png"),
        ];
  return Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]);
}

type Change =
  | { kind: "truncate"; at: number }
  | { kind: "insert"; at: number; bytes: Uint8Array }
  | { kind: "remove"; at: number; length: number }
  | { kind: "flip"; at: number; mask: number };

const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ kind: fc.constant("truncate" as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({ kind: fc.constant("remove" as const), at: fc.double({ min: 0, max: 1, noNaN: true }), length: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant("flip" as const), at: fc.double({ min: 0, max: 1, noNaN: true }), mask: fc.integer({ min: 1, max: 255 }) }),
);

function apply(body: Buffer, c: Change): Buffer {
  const at = Math.min(body.length, Math.floor(c.at * body.length));
  switch (c.kind) {
    case "truncate":
      return body.subarray(0, at);
    case "insert":
      return Buffer.concat([body.subarray(0, at), Buffer.from(c.bytes), body.subarray(at)]);
    case "remove":
      return Buffer.concat([body.subarray(0, at), body.subarray(at + c.length)]);
    case "flip": {
      const out = Buffer.from(body);
      if (at < out.length) out[at]! ^= c.mask;
      return out;
    }
  }
}

function describeChange(c: Change): string {
  const at = c.at.toFixed(3);
  return c.kind === "truncate" ? `truncate@${at}` : c.kind === "insert" ? `insert${c.bytes.length}@${at}` : c.kind === "remove" ? `remove${c.length}@${at}` : `flip@${at}`;
}

export function multipartCase(png: Buffer): fc.Arbitrary<MultipartCase> {
  const contentTypes = (boundary: string) => [
    `multipart/form-data; boundary=${boundary}`,
    `multipart/form-data; boundary="${boundary}"`,
    "multipart/form-data",
    `multipart/form-data; boundary=${boundary}x`,
    `multipart/form-data; boundary=`,
  ];
  return fc
    .record({
      route: fc.constantFrom(...MULTIPART_ROUTES),
      boundary: fc.stringMatching(/^[A-Za-z0-9'()+_,\-./:=?]{1,70}$/),
      typeIndex: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 4 }) }),
      changes: fc.array(change, { maxLength: 3 }),
      framing: fc.constantFrom(...FRAMINGS),
    })
    .map(({ route, boundary, typeIndex, changes, framing }) => {
      const body = changes.reduce(apply, wellFormed(route, boundary, png));
      const contentType = contentTypes(boundary)[typeIndex]!;
      const label = `${route} ${framing} type#${typeIndex} ${changes.map(describeChange).join(" ") || "intact"}`;
      return { label, route, contentType, body, framing };
    });
}

export interface Answer {
  /** null when the client ended the connection before any answer (the abandoning framings). */
  status: number | null;
  body: string;
}

/** Sends the case over a fresh TCP connection, framed as it says, and reads what comes back. */
export function send(baseUrl: string, input: MultipartCase): Promise<Answer> {
  const { hostname, port } = new URL(baseUrl);
  const framing = input.framing;
  const head = [
    `POST ${input.route} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    `Content-Type: ${input.contentType}`,
    "Connection: close",
    framing === "chunked" ? "Transfer-Encoding: chunked" : `Content-Length: ${framing === "declared-longer-then-close" ? input.body.length + 100 : input.body.length}`,
    "",
    "",
  ].join("\r\n");
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", (error: NodeJS.ErrnoException) => {
      // A reset after the client abandoned the request is the expected end of that framing.
      if (framing === "reset-midway" || framing === "declared-longer-then-close") resolve({ status: null, body: "" });
      else reject(error);
    });
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("latin1");
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ status: status ? Number(status[1]) : null, body: text.slice(text.indexOf("\r\n\r\n") + 4) });
    });
    socket.write(head);
    if (framing === "chunked") {
      if (input.body.length > 0) socket.write(Buffer.concat([Buffer.from(`${input.body.length.toString(16)}\r\n`), input.body, Buffer.from("\r\n")]));
      socket.write("0\r\n\r\n");
    } else if (framing === "reset-midway") {
      socket.write(input.body.subarray(0, Math.floor(input.body.length / 2)), () => socket.resetAndDestroy());
      return;
    } else if (framing === "declared-longer-then-close") {
      // The server waits for bytes that never come, then the client goes away.
      socket.end(input.body);
    } else {
      // No half-close: an HTTP/1.1 client keeps its side open until the answer (Connection: close ends it).
      socket.write(input.body);
    }
  });
}

/** The server answered as it must, then still answers /healthz. */
export async function checkMultipart(baseUrl: string, input: MultipartCase): Promise<void> {
  const fail = (what: string): never => {
    throw new FuzzFailure(`${what} for ${input.label}, body ${previewBytes(input.body)}`, input.body);
  };
  const answer = await send(baseUrl, input);
  const abandoned = input.framing === "reset-midway" || input.framing === "declared-longer-then-close";
  if (answer.status === null && !abandoned) fail("no answer");
  if (answer.status !== null && answer.status >= 400) {
    let code: unknown;
    try {
      code = (JSON.parse(answer.body) as { error?: { code?: unknown } }).error?.code;
    } catch {
      code = undefined;
    }
    if (typeof code !== "string") fail(`HTTP ${answer.status} without a JSON error code: ${answer.body.slice(0, 300)}`);
    // A prompt the corruption left without its input image asks for text to image, which this
    // server answers 503 BACKEND_UNAVAILABLE without a FLUX tune: a refusal, not a failure.
    if (answer.status >= 500 && !(answer.status === 503 && code === "BACKEND_UNAVAILABLE")) fail(`HTTP ${answer.status}: ${answer.body.slice(0, 300)}`);
  }
  let alive = false;
  try {
    alive = (await fetch(`${baseUrl}/healthz`)).status === 200;
  } catch {
    alive = false;
  }
  if (!alive) fail("the server stopped answering");
}

export function multipartProperty(baseUrl: string, png: Buffer, onCase?: (input: MultipartCase) => void): fc.IAsyncPropertyWithHooks<[MultipartCase]> {
  return fc.asyncProperty(multipartCase(png), async (input) => {
    onCase?.(input);
    await checkMultipart(baseUrl, input);
  });
}
