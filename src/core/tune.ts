export const TUNE_KINDS = ["BASE", "LORA"] as const;
export type TuneKind = (typeof TUNE_KINDS)[number];

export const BACKENDS = ["CPU_FILL", "FLUX_FILL_TRT"] as const;
export type Backend = (typeof BACKENDS)[number];

export interface TuneRecord {
  id: string;
  title: string;
  kind: TuneKind;
  backend: Backend;
  baseTuneId: string | null;
  /** null: built in (the default tune and those made default), visible to every owner. */
  ownerId: string | null;
  isDefault: boolean;
  createdAt: Date;
}
