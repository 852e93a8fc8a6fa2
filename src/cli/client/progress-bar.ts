// A one-line progress display on stderr: redrawn in place on a terminal; elsewhere (CI logs,
// pipes) a line per stage or pass change and per 10%, so logs stay short.

export interface ProgressState {
  status: string;
  stage: string | null;
  pass: number;
  passCount: number;
  step: number;
  totalSteps: number;
  percent: number;
  etaSeconds: number | null;
}

const WIDTH = 30;

export class ProgressBar {
  #lastLine = "";
  #lastMilestone = "";

  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {}

  update(state: ProgressState): void {
    const line = describe(state);
    if (line === this.#lastLine) return;
    this.#lastLine = line;
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[2K${line}`);
      return;
    }
    const milestone = `${state.status} ${state.stage} ${state.pass} ${Math.floor(state.percent / 10)}`;
    if (milestone === this.#lastMilestone) return;
    this.#lastMilestone = milestone;
    this.out.write(`${line}\n`);
  }

  /** Ends the line on a terminal, so what follows starts on its own. */
  done(): void {
    if (this.out.isTTY && this.#lastLine) this.out.write("\n");
  }
}

export function describe(state: ProgressState): string {
  const filled = Math.round((Math.min(100, Math.max(0, state.percent)) / 100) * WIDTH);
  const bar = `[${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}]`;
  const parts = [bar, `${state.percent.toFixed(0).padStart(3)}%`, state.status];
  if (state.stage && state.status === "RUNNING") parts.push(state.stage);
  if (state.passCount > 1 && state.pass > 0) parts.push(`pass ${state.pass}/${state.passCount}`);
  if (state.totalSteps > 0) parts.push(`step ${state.step}/${state.totalSteps}`);
  if (state.etaSeconds !== null && state.status === "RUNNING") parts.push(`ETA ${formatSeconds(state.etaSeconds)}`);
  return parts.join("  ");
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`;
}
