// The part of oidc-provider's API the interop tests use (the package ships no types;
// see https://github.com/panva/node-oidc-provider/blob/main/docs/README.md).
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    /** A request listener for node:http. */
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
  }

  export const errors: { InvalidTarget: new (description?: string) => Error };
}
