/**
 * MyBFF's OpenAPI document as the worker serves it: the file generated from the route
 * definitions at build time (routes/openapi.build.ts, `node scripts/generate-openapi.mjs`),
 * so that neither startup nor a request builds a zod schema.
 * @module
 */
import document from "./openapi.generated.json";

/** Serialized once per isolate, on the first /openapi.json. */
let json: string | undefined;

/** The document, as `c.json(document)` would serialize it. */
export function openApiJson(): string {
  json ??= JSON.stringify(document);
  return json;
}
