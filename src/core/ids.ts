import { randomBytes } from "node:crypto";

// UUIDv7 (RFC 9562): 48-bit Unix milliseconds then random bits, so ids sort by creation time and
// can serve directly as pagination cursors. Within one millisecond the 12-bit rand_a field is
// used as a counter (the RFC's "method 1"), keeping ids from one process strictly increasing.

let lastMillis = 0;
let sequence = 0;

export function newId(now: number = Date.now()): string {
  if (now > lastMillis) {
    lastMillis = now;
    sequence = randomBytes(2).readUInt16BE(0) & 0x1ff; // start low so the counter has room
  } else if (++sequence > 0xfff) {
    lastMillis += 1; // counter exhausted: borrow the next millisecond
    sequence = 0;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(lastMillis, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
