// What the token-cache tests watch besides answers: the console lines the library
// writes, and the work it hands to `waitUntil`.
import { vi } from "vitest";

/** Captures console.log/warn/error into the returned array until vi.restoreAllMocks(). */
export function captureConsole(): string[] {
  const lines: string[] = [];
  for (const method of ["log", "warn", "error"] as const) {
    vi.spyOn(console, method).mockImplementation((line: unknown) => void lines.push(String(line)));
  }
  return lines;
}

/** A `waitUntil` that keeps the promises it is given, for a test to settle or count. */
export function background() {
  const pending: Promise<unknown>[] = [];
  return { waitUntil: (p: Promise<unknown>) => void pending.push(p), settle: () => Promise.all(pending.splice(0)), pending };
}
