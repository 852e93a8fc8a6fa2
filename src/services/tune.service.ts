import { BackendUnavailableError, ConflictError, ForbiddenError, InputError, NotFoundError } from "../core/errors.js";
import { LOCAL_OWNER } from "../core/owner.js";
import type { KeyService } from "./key.service.js";
import { newId } from "../core/ids.js";
import type { Page } from "../core/pagination.js";
import { pageRequest } from "../core/pagination.js";
import { BACKENDS, TUNE_KINDS, type Backend, type TuneKind, type TuneRecord } from "../core/tune.js";
import type { Database } from "../infrastructure/db/database.js";
import { TtlCache } from "../infrastructure/ttl-cache.js";
import { oneOf } from "./validate.js";

export interface CreateTuneRequest {
  title: string;
  kind?: TuneKind | null;
  backend?: Backend | null;
  baseTuneId?: string | null;
  isDefault?: boolean | null;
}

const MAX_TITLE = 200;

export const BUILT_IN_TUNE_TITLE = "CPU fill (no weights)";

/**
 * Model ids that clients of hosted APIs hard-code, and what each names there: Astria's gallery
 * tune 1504944 ("Flux1.dev"), Runware's AIR ids of FLUX.1 [dev] Fill and FLUX.1 [dev]. Here each
 * names the owner's FLUX tune (a FLUX_FILL_TRT base tune: built-in first, else the owner's oldest)
 * when one exists, else the default tune, so their examples run with only the base URL changed.
 */
export const TUNE_ALIASES: Readonly<Record<string, string>> = {
  "1504944": "Astria's gallery tune Flux1.dev",
  "runware:102@1": "Runware's FLUX.1 [dev] Fill",
  "runware:101@1": "Runware's FLUX.1 [dev]",
};

/** How long a resolved tune is reused: tunes change seldom, and another process's change shows within this. */
const RESOLVED_TTL_MS = 2000;

export class TuneService {
  /** Tunes that jobs name (or the default), by owner and id: read on every submission otherwise. */
  readonly #resolved = new TtlCache<string, TuneRecord | null>(RESOLVED_TTL_MS, 1000);
  /** The tune the aliases name, by owner. */
  readonly #aliased = new TtlCache<string, string | null>(RESOLVED_TTL_MS, 1000);

  constructor(
    private readonly db: Database,
    /** What stops a backend from running jobs here; [] when it runs (API-only nodes leave that to workers). */
    private readonly backendMissing: (backend: Backend) => readonly string[],
    private readonly keys: KeyService,
  ) {}

  async #isOperator(owner: string): Promise<boolean> {
    return owner === LOCAL_OWNER && !(await this.keys.required());
  }

  /** Makes sure a default base tune exists; creates the built-in CPU tune on first start. */
  async ensureDefault(): Promise<TuneRecord> {
    const existing = await this.db.tunes.findDefault();
    if (existing) return existing;
    return this.db.transaction(async (tx) => {
      // Nodes sharing a database may start at once: one creates the tune, the others find it.
      await tx.settings.lock("default-tune");
      const again = await tx.tunes.findDefault();
      if (again) return again;
      const cpu = await tx.tunes.findBuiltInByBackend("CPU_FILL");
      if (cpu) return tx.tunes.makeDefault(cpu.id);
      return tx.tunes.create(
        { id: newId(), title: BUILT_IN_TUNE_TITLE, kind: "BASE", backend: "CPU_FILL", baseTuneId: null, ownerId: null, isDefault: true },
        new Date(),
      );
    });
  }

  /** A tune by id, or by an alias (TUNE_ALIASES). */
  async get(owner: string, id: string): Promise<TuneRecord | null> {
    return this.db.tunes.find(await this.resolveAlias(owner, id), owner);
  }

  getManyIncludingDeleted(ids: readonly string[]): Promise<TuneRecord[]> {
    return this.db.tunes.findMany(ids);
  }

  list(owner: string, first?: number | null, after?: string | null): Promise<Page<TuneRecord>> {
    return this.db.tunes.list(owner, pageRequest(first, after));
  }

  /**
   * A new tune of `owner`. Making it the default makes it built in (every owner runs on the
   * default), which only the operator may do: the local owner of a server without keys.
   */
  async create(owner: string, request: CreateTuneRequest): Promise<TuneRecord> {
    const title = request.title.trim();
    if (title.length === 0 || title.length > MAX_TITLE) {
      throw new InputError("title", `a title of 1 to ${MAX_TITLE} characters`, request.title);
    }
    const kind = oneOf(request.kind, "kind", TUNE_KINDS, request.baseTuneId ? "LORA" : "BASE");
    const isDefault = request.isDefault ?? false;
    if (isDefault && !(await this.#isOperator(owner))) {
      throw new ForbiddenError("Only the operator (without API keys, on loopback) can set the server's default tune");
    }
    let backend: Backend;
    let baseTuneId: string | null = null;
    if (kind === "BASE") {
      if (request.baseTuneId) throw new InputError("baseTuneId", "no base tune for a BASE tune", request.baseTuneId);
      backend = oneOf(request.backend, "backend", BACKENDS, "CPU_FILL");
    } else {
      const base = request.baseTuneId ? await this.db.tunes.find(request.baseTuneId, owner) : null;
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
    const created = await this.db.transaction(async (tx) => {
      if (isDefault) {
        await tx.settings.lock("default-tune");
        await tx.tunes.clearDefault();
      }
      return tx.tunes.create({ id: newId(), title, kind, backend, baseTuneId, isDefault, ownerId: isDefault ? null : owner }, new Date());
    });
    // A new default changes what jobs without a tune resolve to.
    if (isDefault) this.#resolved.clear();
    // A new FLUX base tune may be what the aliases name now.
    this.#aliased.clear();
    return created;
  }

  async delete(owner: string, id: string): Promise<boolean> {
    const tune = await this.db.tunes.find(id, owner);
    if (!tune) throw new NotFoundError("tune", id, "id");
    if (tune.ownerId === null && !(await this.#isOperator(owner))) {
      throw new ForbiddenError(`Tune ${id} is built in; only the operator can delete it`);
    }
    if (tune.isDefault) {
      throw new ConflictError(`Tune ${id} is the default tune; make another tune the default before deleting it`);
    }
    if (tune.kind === "BASE" && (await this.db.tunes.countLoras(id)) > 0) {
      throw new ConflictError(`Tune ${id} is the base of LoRA tunes; delete those first`);
    }
    const deleted = await this.db.tunes.softDelete(id, new Date());
    this.#resolved.clear();
    this.#aliased.clear();
    return deleted;
  }

  /** The tune an alias (TUNE_ALIASES) names for `owner`; any other id is returned as it is. */
  async resolveAlias(owner: string, id: string): Promise<string> {
    if (!(id in TUNE_ALIASES)) return id;
    const named = await this.#aliased.getOrLoad(owner, async () => {
      const [flux] = await this.fluxTunes(owner);
      return (flux ?? (await this.db.tunes.findDefault()))?.id ?? null;
    });
    return named ?? id;
  }

  /** The FLUX_FILL_TRT base tunes `owner` may use: built-in first, then the owner's, oldest first. */
  fluxTunes(owner: string): Promise<TuneRecord[]> {
    return this.db.tunes.findBaseByBackend("FLUX_FILL_TRT", owner);
  }

  /** The aliases that name `tune` for `owner` (shown on GraphQL's Tune.aliases). */
  async aliasesOf(owner: string, tune: TuneRecord): Promise<string[]> {
    const resolved = await this.resolveAlias(owner, Object.keys(TUNE_ALIASES)[0]!);
    return resolved === tune.id ? Object.keys(TUNE_ALIASES) : [];
  }

  /** What stops the tune's backend from running here; [] when it runs. */
  missingFor(tune: TuneRecord): readonly string[] {
    return this.missing(tune.backend);
  }

  /** What stops `backend` from running jobs here; [] when it runs (or when workers elsewhere decide). */
  missing(backend: Backend): readonly string[] {
    return this.backendMissing(backend);
  }

  /**
   * `<lora:ID:weight>` tags resolved against `base`: each must be a LORA tune the owner can
   * see whose base is `base`.
   */
  async resolveLoras(
    owner: string,
    base: TuneRecord,
    tags: readonly { id: string; weight: number }[],
    field: string,
  ): Promise<{ tuneId: string; weight: number }[]> {
    const loras: { tuneId: string; weight: number }[] = [];
    for (const tag of tags) {
      const lora = await this.db.tunes.find(tag.id, owner);
      if (!lora || lora.kind !== "LORA" || lora.baseTuneId !== base.id) {
        throw new InputError(field, `<lora:ID:weight> naming a LORA tune on tune ${base.id}`, `<lora:${tag.id}:${tag.weight}>`);
      }
      loras.push({ tuneId: lora.id, weight: tag.weight });
    }
    return loras;
  }

  /** The tune a new job runs on: the one named, or the default. Refuses tunes this server cannot run. */
  async resolveForWork(owner: string, tuneId: string | null | undefined, field: string): Promise<TuneRecord> {
    const tune = await this.#resolved.getOrLoad(`${owner}\u0000${tuneId ?? ""}`, () =>
      tuneId ? this.db.tunes.find(tuneId, owner) : this.db.tunes.findDefault(),
    );
    if (!tune) {
      if (tuneId) throw new InputError(field, "the id of an existing tune", tuneId);
      throw new ConflictError("This server has no default tune; pass a tuneId");
    }
    const missing = this.backendMissing(tune.backend);
    if (missing.length > 0) throw new BackendUnavailableError(field, tune.backend, missing, `Tune ${tune.id}`);
    return tune;
  }
}
