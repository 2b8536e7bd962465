/**
 * `ctx.waitUntil` from a Hono context, for work that must outlive the response (a
 * background key or token refresh), or undefined where there is no ExecutionContext
 * (`app.request` in unit tests): callers then skip the background work.
 * @module
 */
import type { Context } from "hono";

/**
 * The context's `waitUntil`, or undefined without an ExecutionContext.
 * @example
 * await tokens.getToken({ waitUntil: waitUntilOf(c) });
 */
export function waitUntilOf(c: Context): ((promise: Promise<unknown>) => void) | undefined {
  try {
    const ctx = c.executionCtx;
    return (promise) => ctx.waitUntil(promise);
  } catch {
    return undefined;
  }
}
