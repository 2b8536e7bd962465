// Progress for the long commands (`npm run bench`, `npm run reliability`): which
// stage runs, how far it has got, and about how long is left.
//   - On a terminal: a finished stage leaves one line with its duration, and the
//     running one is a bar redrawn in place with the time left.
//   - Otherwise (CI, a pipe, a log file): one plain line when each stage starts,
//     and one at the end; nothing is redrawn.
// Written to stderr, so that what a command prints on stdout (tables) stays clean.
//
// The time left comes from each stage's expected duration, scaled by how fast the
// finished stages went against their own expectation (a slow machine is slow
// throughout): a rough figure, which is all a person waiting needs.

const BAR_WIDTH = 20;
const REDRAW_MS = 500;

/** "1 min 05 s" or "42 s". */
export function formatSeconds(seconds) {
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s` : `${s} s`;
}

/**
 * @param {string} title a short name printed at the start of each line ("bench")
 * @param {{ id: string, label: string, seconds: number }[]} stages in order, with the expected duration of each
 * @param {{ stream?: NodeJS.WriteStream, live?: boolean, now?: () => number }} [options]
 *   live: redraw a bar in place; default when the stream is a terminal and CI is not set
 * @example
 * const progress = createProgress("bench", [{ id: "build", label: "build workers", seconds: 10 }]);
 * progress.start("build");
 * progress.step(1, 3, "bench worker");
 * progress.finish();
 */
export function createProgress(title, stages, options = {}) {
  const stream = options.stream ?? process.stderr;
  const live = options.live ?? (Boolean(stream.isTTY) && !process.env.CI);
  const now = options.now ?? (() => performance.now() / 1000);
  const startedAt = now();
  let current = null; // { index, stage, startedAt, done, total, detail }
  let expectedDone = 0; // expected seconds of the stages finished so far
  let actualDone = 0; // their real seconds
  let timer = null;

  // As if a minute had already gone exactly as expected: one short stage that went
  // fast (bundling, when nothing changed) must not shrink every estimate after it.
  const PRIOR_SECONDS = 60;
  const speed = () => Math.min(4, Math.max(0.25, (actualDone + PRIOR_SECONDS) / (expectedDone + PRIOR_SECONDS)));

  /** The current stage's fraction done: its steps when it counts them, else its clock. */
  function fraction() {
    const elapsed = now() - current.startedAt;
    const byClock = Math.min(0.99, elapsed / (current.stage.seconds * speed()));
    if (!current.total) return byClock;
    const perStep = 1 / current.total;
    // Between two steps, let the clock move the bar within the step, never past it.
    return Math.min(current.done / current.total + Math.min(byClock, perStep * 0.99), 0.99);
  }

  function secondsLeft() {
    const elapsed = now() - current.startedAt;
    const f = fraction();
    const stageLeft = f > 0.05 && current.total ? (elapsed / f) * (1 - f) : Math.max(0, current.stage.seconds * speed() - elapsed);
    const later = stages.slice(current.index + 1).reduce((sum, s) => sum + s.seconds, 0) * speed();
    return stageLeft + later;
  }

  function liveLine() {
    const f = fraction();
    const filled = Math.round(f * BAR_WIDTH);
    const bar = `${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)}`;
    const detail = current.detail ? `  ${current.detail}` : "";
    return `${title} ${current.index + 1}/${stages.length} ${current.stage.label} ${bar} ${Math.round(f * 100)}%${detail}  ~${formatSeconds(secondsLeft())} left`;
  }

  function draw() {
    if (live && current) stream.write(`\r\x1b[K${liveLine().slice(0, (stream.columns ?? 120) - 1)}`);
  }

  function endCurrent() {
    if (!current) return;
    const took = now() - current.startedAt;
    expectedDone += current.stage.seconds;
    actualDone += took;
    if (live)
      stream.write(`\r\x1b[K${title} ${current.index + 1}/${stages.length} ${current.stage.label}: done in ${formatSeconds(took)}\n`);
    current = null;
  }

  return {
    /** Starts the stage with this id (ending the one running). */
    start(id, detail = "") {
      endCurrent();
      const index = stages.findIndex((s) => s.id === id);
      if (index < 0) throw new Error(`unknown stage ${id}`);
      current = { index, stage: stages[index], startedAt: now(), done: 0, total: 0, detail };
      if (live) {
        timer ??= setInterval(draw, REDRAW_MS);
        timer.unref?.();
        draw();
      } else {
        const left = stages.slice(index).reduce((sum, s) => sum + s.seconds, 0) * speed();
        stream.write(`${title} ${index + 1}/${stages.length}: ${stages[index].label} (about ${formatSeconds(left)} left)\n`);
      }
    },
    /** Within the running stage: `done` of `total` steps finished, and what runs now. */
    step(done, total, detail = "") {
      if (!current) return;
      Object.assign(current, { done, total, detail });
      draw();
    },
    /** Prints a line of its own above the bar (a warning, a result). */
    log(line) {
      if (live) stream.write(`\r\x1b[K${line}\n`);
      else stream.write(`${line}\n`);
      draw();
    },
    /** Ends the last stage and prints the total time. */
    finish(message = "done") {
      endCurrent();
      if (timer) clearInterval(timer);
      timer = null;
      stream.write(`${title}: ${message} in ${formatSeconds(now() - startedAt)}\n`);
    },
  };
}

/** A progress that prints nothing, for callers that report on their own (tests). */
export const silentProgress = { start() {}, step() {}, log() {}, finish() {} };
