import { described, InputError } from "../../core/errors.js";

/** How a request names an image: exactly one of these. */
export interface ImageInputValue {
  id?: string | null;
  url?: string | null;
  dataUri?: string | null;
  base64?: string | null;
}

export type ImageSource =
  | { kind: "id"; id: string }
  | { kind: "url"; url: string; field: string }
  | { kind: "bytes"; bytes: Buffer; field: string };

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DATA_URI = /^data:([a-z]+\/[a-z0-9.+-]+)?((?:;[a-z0-9-]+=[^;,]*)*);base64,(.*)$/is;

/** Checks the shape of an ImageInput and decodes inline bytes. `field` is the input's own path. */
export function readImageInput(value: ImageInputValue, field: string, maxBytes: number): ImageSource {
  const given = (["id", "url", "dataUri", "base64"] as const).filter((key) => value[key] !== null && value[key] !== undefined);
  if (given.length !== 1) {
    throw new InputError(field, "exactly one of id, url, dataUri or base64", described(given.length === 0 ? "none of them" : given.join(" and ")));
  }
  if (value.id !== null && value.id !== undefined) return { kind: "id", id: value.id };
  if (value.url !== null && value.url !== undefined) return { kind: "url", url: value.url, field: `${field}.url` };
  if (value.dataUri !== null && value.dataUri !== undefined) {
    const match = DATA_URI.exec(value.dataUri);
    if (!match) throw new InputError(`${field}.dataUri`, "a data URI of the form data:image/<type>;base64,<data>", value.dataUri);
    const mediaType = (match[1] ?? "").toLowerCase();
    if (mediaType !== "" && !mediaType.startsWith("image/") && mediaType !== "application/octet-stream") {
      throw new InputError(`${field}.dataUri`, "a data URI with an image/* media type", described(`media type ${mediaType}`));
    }
    return { kind: "bytes", bytes: decodeBase64(match[3] ?? "", `${field}.dataUri`, maxBytes), field: `${field}.dataUri` };
  }
  return { kind: "bytes", bytes: decodeBase64(value.base64 ?? "", `${field}.base64`, maxBytes), field: `${field}.base64` };
}

function decodeBase64(text: string, field: string, maxBytes: number): Buffer {
  const compact = text.replace(/\s+/g, "");
  if (compact.length === 0) throw new InputError(field, "base64-encoded image bytes", described("an empty string"));
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw new InputError(field, "standard base64 (A-Z, a-z, 0-9, +, / and = padding)", described(`${compact.length} characters that are not valid base64`));
  }
  const size = (compact.length / 4) * 3 - (compact.endsWith("==") ? 2 : compact.endsWith("=") ? 1 : 0);
  if (size > maxBytes) throw new InputError(field, `at most ${maxBytes} bytes of image data`, described(`${size} bytes`), "PAYLOAD_TOO_LARGE");
  return Buffer.from(compact, "base64");
}
