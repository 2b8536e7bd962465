/**
 * `edge-cc-auth/token-coordinator`: the client-credentials token coordinator as a
 * Durable Object (Workers only: it imports `cloudflare:workers`). The isolates'
 * side, `coordinatorClient`, is in `edge-cc-auth/client-credentials`.
 * @module
 */

export type { TokenCoordinatorOptions } from "./core.ts";
export { type DurableObjectContext, type TokenCoordinatorClass, tokenCoordinator } from "./durable-object.ts";
