/**
 * Builds what a worker needs from its settings once per `env` object, which in
 * production means once per isolate: the verifier's key set and the token cache
 * then serve every request. A build that throws is remembered too, so a broken
 * setting fails every request the same way instead of half-working.
 * @module
 */

/**
 * `build` wrapped so that it runs once per `env` object; its result, or its error, is
 * returned to every later call with the same `env`.
 * @example
 * const runtime = oncePerEnv((env: Env) => new CognitoAccessTokenVerifier({ ... }));
 * app.use((c, next) => { runtime(c.env); return next(); });
 */
export function oncePerEnv<E extends object, T>(build: (env: E) => T): (env: E) => T {
  // Keyed by the env object: tests run a worker with other settings in the same isolate.
  const built = new WeakMap<E, { value: T } | { error: unknown }>();
  return (env) => {
    let entry = built.get(env);
    if (entry === undefined) {
      try {
        entry = { value: build(env) };
      } catch (error) {
        entry = { error };
      }
      built.set(env, entry);
    }
    if ("error" in entry) throw entry.error;
    return entry.value;
  };
}
