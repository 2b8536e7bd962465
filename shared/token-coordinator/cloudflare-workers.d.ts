// The one Workers type the coordinator's entry point compiles against, declared by
// hand: the library's tsconfig has no Workers types (the core is checked against
// the Web APIs alone), and this file declares no global, only the module that the
// runtime provides. The emitted declarations import `cloudflare:workers`, which a
// Worker's own types (@cloudflare/workers-types, `wrangler types`) then resolve.
declare module "cloudflare:workers" {
  export abstract class DurableObject<Env = unknown> {
    protected ctx: {
      storage: {
        get(key: string): Promise<unknown>;
        put(key: string, value: string): Promise<void>;
        delete(key: string): Promise<boolean>;
      };
    };
    protected env: Env;
    constructor(ctx: DurableObject<Env>["ctx"], env: Env);
  }
}
