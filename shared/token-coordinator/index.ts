/**
 * `edge-cc-auth/token-coordinator`: the Durable Object that requests the
 * client-credentials token for every isolate of a Worker, one request at a time.
 * Workers only: this entry point may use the Workers runtime's types.
 *
 * Placeholder until the coordinator moves here as a `DurableObject` class with RPC
 * methods (issue 23, item 4): today it re-exports the factory of
 * ../client-credentials/token-coordinator.ts.
 * @module
 */
export {
  type CoordinatorState,
  type CoordinatorStorage,
  type TokenCoordinatorClass,
  type TokenCoordinatorOptions,
  tokenCoordinator,
} from "../client-credentials/token-coordinator.ts";
