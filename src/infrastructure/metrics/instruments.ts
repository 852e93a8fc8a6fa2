// Counters, gauges and histograms with labels, and the registry that lists them in order. They
// only hold numbers; text-format.ts writes them out.

export type MetricType = "counter" | "gauge" | "histogram";

export type Labels<L extends string> = Readonly<Record<L, string>>;

/** One line of the exposition: `name` is the family's name plus a suffix such as `_bucket`. */
export interface Sample {
  name: string;
  labels: readonly (readonly [string, string])[];
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  samples: Sample[];
}

export interface MetricOptions<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

abstract class Instrument<L extends string, S> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  abstract readonly type: MetricType;
  readonly #series = new Map<string, { values: string[]; state: S }>();

  constructor({ name, help, labelNames = [] }: MetricOptions<L>) {
    if (!METRIC_NAME.test(name)) throw new Error(`Invalid metric name ${name}`);
    for (const label of labelNames) {
      if (!LABEL_NAME.test(label) || label.startsWith("__") || label === "le") throw new Error(`Invalid label name ${label} on ${name}`);
    }
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
  }

  protected abstract initial(): S;

  protected abstract samples(values: readonly string[], state: S): Sample[];

  /** The state of the series with these labels, created on first use. */
  protected state(labels?: Labels<L>): S {
    const values = this.labelNames.map((label) => {
      const value = labels?.[label];
      if (typeof value !== "string") throw new Error(`Metric ${this.name} needs the label ${label}`);
      return value;
    });
    const key = values.length === 0 ? "" : JSON.stringify(values);
    let series = this.#series.get(key);
    if (!series) {
      series = { values, state: this.initial() };
      this.#series.set(key, series);
    }
    return series.state;
  }

  protected pairs(values: readonly string[]): [string, string][] {
    return this.labelNames.map((label, index) => [label, values[index]!]);
  }

  collect(): MetricFamily {
    // A metric without labels has exactly one series, shown from the start.
    if (this.labelNames.length === 0) this.state();
    const samples: Sample[] = [];
    for (const { values, state } of this.#series.values()) samples.push(...this.samples(values, state));
    return { name: this.name, help: this.help, type: this.type, samples };
  }
}

/** A total that only goes up. */
export class Counter<L extends string = never> extends Instrument<L, { value: number }> {
  readonly type = "counter";

  inc(labels?: Labels<L>, by = 1): void {
    if (!(by >= 0)) throw new Error(`Counter ${this.name} cannot go down (by ${by})`);
    this.state(labels).value += by;
  }

  /** Takes a total counted elsewhere (the OS, the fill engine) as of now. */
  sync(total: number, labels?: Labels<L>): void {
    this.state(labels).value = total;
  }

  protected initial(): { value: number } {
    return { value: 0 };
  }

  protected samples(values: readonly string[], state: { value: number }): Sample[] {
    return [{ name: this.name, labels: this.pairs(values), value: state.value }];
  }
}

/** A value that goes up and down. */
export class Gauge<L extends string = never> extends Instrument<L, { value: number }> {
  readonly type = "gauge";

  set(value: number, labels?: Labels<L>): void {
    this.state(labels).value = value;
  }

  protected initial(): { value: number } {
    return { value: 0 };
  }

  protected samples(values: readonly string[], state: { value: number }): Sample[] {
    return [{ name: this.name, labels: this.pairs(values), value: state.value }];
  }
}

interface HistogramState {
  /** Per bucket, not cumulative; values above the last bound are only in `count`. */
  counts: number[];
  sum: number;
  count: number;
}

/** Observations counted into buckets by upper bound, exposed cumulatively with their sum and count. */
export class Histogram<L extends string = never> extends Instrument<L, HistogramState> {
  readonly type = "histogram";
  readonly buckets: readonly number[];

  constructor(options: MetricOptions<L> & { buckets: readonly number[] }) {
    const { buckets } = options;
    if (buckets.length === 0 || buckets.some((bound, i) => !Number.isFinite(bound) || (i > 0 && bound <= buckets[i - 1]!))) {
      throw new Error(`Histogram ${options.name} needs finite buckets in increasing order`);
    }
    super(options);
    this.buckets = [...buckets];
  }

  observe(value: number, labels?: Labels<L>): void {
    const state = this.state(labels);
    const index = this.buckets.findIndex((bound) => value <= bound);
    if (index >= 0) state.counts[index]! += 1;
    state.sum += value;
    state.count += 1;
  }

  protected initial(): HistogramState {
    return { counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 };
  }

  protected samples(values: readonly string[], state: HistogramState): Sample[] {
    const labels = this.pairs(values);
    const samples: Sample[] = [];
    let cumulative = 0;
    for (const [index, bound] of this.buckets.entries()) {
      cumulative += state.counts[index]!;
      samples.push({ name: `${this.name}_bucket`, labels: [...labels, ["le", String(bound)]], value: cumulative });
    }
    samples.push({ name: `${this.name}_bucket`, labels: [...labels, ["le", "+Inf"]], value: state.count });
    samples.push({ name: `${this.name}_sum`, labels, value: state.sum });
    samples.push({ name: `${this.name}_count`, labels, value: state.count });
    return samples;
  }
}

/** The instruments of one process, in the order they are shown. */
export class Registry {
  readonly #instruments: { collect(): MetricFamily }[] = [];

  readonly #names = new Set<string>();

  add<T extends { name: string; collect(): MetricFamily }>(instrument: T): T {
    if (this.#names.has(instrument.name)) throw new Error(`Metric ${instrument.name} is registered twice`);
    this.#names.add(instrument.name);
    this.#instruments.push(instrument);
    return instrument;
  }

  collect(): MetricFamily[] {
    return this.#instruments.map((instrument) => instrument.collect());
  }
}
