import { ConflictError, described, InputError, NotFoundError } from "../../core/errors.js";
import { newId } from "../../core/ids.js";
import type { Page } from "../../core/pagination.js";
import { pageRequest } from "../../core/pagination.js";
import { BACKENDS, TUNE_KINDS, type Backend, type TuneKind, type TuneRecord } from "../../core/tune.js";
import type { Database } from "../../db/database.js";
import { oneOf } from "../validate.js";

export interface CreateTuneRequest {
  title: string;
  kind?: TuneKind | null;
  backend?: Backend | null;
  baseTuneId?: string | null;
  isDefault?: boolean | null;
}

const MAX_TITLE = 200;

export const BUILT_IN_TUNE_TITLE = "CPU fill (no weights)";

export class TuneService {
  constructor(
    private readonly db: Database,
    /** Backends this process can run jobs on. */
    readonly availableBackends: readonly Backend[],
  ) {}

  /** Makes sure a default base tune exists; creates the built-in CPU tune on first start. */
  async ensureDefault(): Promise<TuneRecord> {
    const existing = await this.db.tunes.findDefault();
    if (existing) return existing;
    return this.db.transaction(async (tx) => {
      const cpu = await tx.tunes.findByBackend("CPU_FILL");
      if (cpu) return tx.tunes.makeDefault(cpu.id);
      return tx.tunes.create(
        { id: newId(), title: BUILT_IN_TUNE_TITLE, kind: "BASE", backend: "CPU_FILL", baseTuneId: null, isDefault: true },
        new Date(),
      );
    });
  }

  get(id: string): Promise<TuneRecord | null> {
    return this.db.tunes.find(id);
  }

  getManyIncludingDeleted(ids: readonly string[]): Promise<TuneRecord[]> {
    return this.db.tunes.findMany(ids);
  }

  list(first?: number | null, after?: string | null): Promise<Page<TuneRecord>> {
    return this.db.tunes.list(pageRequest(first, after));
  }

  async create(request: CreateTuneRequest): Promise<TuneRecord> {
    const title = request.title.trim();
    if (title.length === 0 || title.length > MAX_TITLE) {
      throw new InputError("title", `a title of 1 to ${MAX_TITLE} characters`, request.title);
    }
    const kind = oneOf(request.kind, "kind", TUNE_KINDS, request.baseTuneId ? "LORA" : "BASE");
    const isDefault = request.isDefault ?? false;
    let backend: Backend;
    let baseTuneId: string | null = null;
    if (kind === "BASE") {
      if (request.baseTuneId) throw new InputError("baseTuneId", "no base tune for a BASE tune", request.baseTuneId);
      backend = oneOf(request.backend, "backend", BACKENDS, "CPU_FILL");
    } else {
      const base = request.baseTuneId ? await this.db.tunes.find(request.baseTuneId) : null;
      if (!base || base.kind !== "BASE" || base.backend !== "FLUX_FILL_TRT") {
        throw new InputError("baseTuneId", "the id of a BASE tune with backend FLUX_FILL_TRT (LoRAs apply to FLUX.1 Fill)", request.baseTuneId);
      }
      if (request.backend && request.backend !== base.backend) {
        throw new InputError("backend", `${base.backend} (the base tune's backend) or nothing`, request.backend);
      }
      if (isDefault) throw new InputError("isDefault", "false for a LORA tune (only base tunes can be the default)", true);
      backend = base.backend;
      baseTuneId = base.id;
    }
    return this.db.transaction(async (tx) => {
      if (isDefault) await tx.tunes.clearDefault();
      return tx.tunes.create({ id: newId(), title, kind, backend, baseTuneId, isDefault }, new Date());
    });
  }

  async delete(id: string): Promise<boolean> {
    const tune = await this.db.tunes.find(id);
    if (!tune) throw new NotFoundError("tune", id, "id");
    if (tune.isDefault) {
      throw new ConflictError(`Tune ${id} is the default tune; make another tune the default before deleting it`);
    }
    if (tune.kind === "BASE" && (await this.db.tunes.countLoras(id)) > 0) {
      throw new ConflictError(`Tune ${id} is the base of LoRA tunes; delete those first`);
    }
    return this.db.tunes.softDelete(id, new Date());
  }

  /** The tune a new job runs on: the one named, or the default. Refuses tunes this server cannot run. */
  async resolveForWork(tuneId: string | null | undefined, field: string): Promise<TuneRecord> {
    const tune = tuneId ? await this.db.tunes.find(tuneId) : await this.db.tunes.findDefault();
    if (!tune) {
      if (tuneId) throw new InputError(field, "the id of an existing tune", tuneId);
      throw new ConflictError("This server has no default tune; pass a tuneId");
    }
    if (!this.availableBackends.includes(tune.backend)) {
      throw new InputError(
        field,
        `a tune whose backend runs on this server (${this.availableBackends.join(", ")})`,
        described(`tune ${tune.id} with backend ${tune.backend}`),
      );
    }
    return tune;
  }
}
