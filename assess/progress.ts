/** Progress on stderr: a redrawn bar on a TTY, nothing otherwise (plain output stays clean). */
import type { AssessPhase, ProgressEvent } from './assess';

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): unknown;
}

const WIDTH = 24;
/** Columns assumed when the terminal does not say (e.g. under `script`). */
const DEFAULT_COLUMNS = 100;
/** Redraws at most this often, except when a region changes phase. */
const REDRAW_MS = 100;
const FINISHED: readonly AssessPhase[] = ['done', 'failed'];

export class ProgressBar {
  private readonly phases = new Map<string, ProgressEvent>();
  private drawn = false;
  private lastDraw = -Infinity;

  constructor(
    private readonly stream: ProgressStream,
    private readonly regions: readonly string[],
    private readonly enabled = !!stream.isTTY,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  private get columns(): number {
    const c = this.stream.columns;
    return typeof c === 'number' && c >= 40 ? c : DEFAULT_COLUMNS;
  }

  update(event: ProgressEvent): void {
    if (!this.enabled) return;
    const phaseChanged = this.phases.get(event.region)?.phase !== event.phase;
    this.phases.set(event.region, event);
    if (!phaseChanged && this.clock() - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = this.clock();
    const finished = [...this.phases.values()].filter((e) => FINISHED.includes(e.phase)).length;
    // Each region is worth 3 steps: listed, metrics read, decided.
    const step = (e: ProgressEvent) =>
      FINISHED.includes(e.phase) ? 3 : e.phase === 'deciding' ? 2 + (e.total ? (e.done ?? 0) / e.total : 0) : e.phase === 'reading metrics' ? 1 : 0;
    const total = [...this.phases.values()].reduce((s, e) => s + step(e), 0) / (3 * this.regions.length);
    const filled = Math.round(total * WIDTH);
    const active = [...this.phases.values()].filter((e) => !FINISHED.includes(e.phase)).map((e) => `${e.region}: ${e.phase}`).join(', ');
    const line = `assess [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${finished}/${this.regions.length} regions, ${event.calls} calls${active ? ` - ${active}` : ''}`;
    const max = this.columns - 1;
    this.stream.write(`\r${line.slice(0, max).padEnd(max)}`);
    this.drawn = true;
  }

  /** Clears the bar (before the report is printed). */
  finish(): void {
    if (this.drawn) this.stream.write(`\r${' '.repeat(this.columns - 1)}\r`);
    this.drawn = false;
  }
}
