import { Router, type Request } from "express";
import type { Logger } from "pino";
import { described, InputError, NotFoundError } from "../../core/errors.js";
import { contentType, formatOfExtension } from "../../core/image-format.js";
import type { Services } from "../../services/services.js";
import { callerOf, requireCaller, type RequestGate } from "../auth.js";
import { baseUrlOf } from "../base-url.js";
import { sendError } from "../http-errors.js";
import { readMultipart } from "../multipart.js";
import { readBody } from "../request-body.js";

/** POST /v1/images (raw bytes or multipart) and GET /images/:id[.ext]. */
export function imageRoutes(services: Services, gate: RequestGate, options: { maxUploadBytes: number; publicUrl: string | undefined }, logger: Logger): Router {
  const router = Router();

  router.post("/v1/images", requireCaller(gate, logger), async (req, res) => {
    try {
      const bytes = await readUpload(req, options.maxUploadBytes);
      const image = await services.images.upload(callerOf(res).owner, bytes);
      const url = services.images.links.url(baseUrlOf(req, options.publicUrl), image);
      res.status(201).json({
        id: image.id,
        url,
        width: image.width,
        height: image.height,
        format: image.format,
        bytes: image.bytes,
        sha256: image.sha256,
      });
    } catch (error) {
      req.resume();
      sendError(res, error, logger);
    }
  });

  router.get("/images/:file", async (req, res) => {
    try {
      const [id = "", extension] = req.params.file.split(".", 2);
      // With a key (or on a keyless server) the caller's own images; without one, a signed URL.
      const keyed = req.headers.authorization !== undefined || !(await services.keys.required());
      const caller = keyed ? await gate.admit(req.headers.authorization, res) : null;
      const image = await services.images.forDownload(id, caller, { expires: req.query.exp, signature: req.query.sig });
      if (!image || (extension !== undefined && formatOfExtension(extension) !== image.format)) {
        throw new NotFoundError("image", req.params.file);
      }
      res.setHeader("Content-Type", contentType(image.format));
      res.setHeader("Content-Length", String(image.bytes));
      // Ids are never reused and content never changes; the URL's signature is what grants access.
      res.setHeader("Cache-Control", "private, max-age=31536000, immutable");
      res.setHeader("X-Content-Type-Options", "nosniff");
      services.images
        .stream(image)
        .on("error", (error) => {
          logger.error({ err: error, imageId: image.id }, "stored image file is unreadable");
          res.destroy(error);
        })
        .pipe(res);
    } catch (error) {
      sendError(res, error, logger);
    }
  });

  return router;
}

/** The uploaded file: the body itself (image/* or application/octet-stream) or the first file of a multipart form. */
async function readUpload(req: Request, maxBytes: number): Promise<Buffer> {
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  if (type.startsWith("multipart/form-data")) {
    const { files } = await readMultipart(req, { maxFileBytes: maxBytes, maxFiles: 1 });
    const file = Object.values(files)[0];
    if (!file) throw new InputError("file", "one file part in the multipart form", described("no file"));
    return file;
  }
  if (type.startsWith("image/") || type.startsWith("application/octet-stream")) return readBody(req, maxBytes);
  throw new InputError(
    "Content-Type",
    "image/*, application/octet-stream or multipart/form-data",
    type || described("no Content-Type"),
    "UNSUPPORTED_MEDIA_TYPE",
  );
}
