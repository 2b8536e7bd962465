/**
 * The OpenAPI side of RFC 9457 problems: one schema, and a response entry for
 * `createRoute({ responses })`, so every route documents its errors the same way.
 * @module
 */
import { z } from "@hono/zod-openapi";

/** The zod schema of an RFC 9457 problem, registered in the document as `Problem`. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().openapi({ description: "Stable machine-readable code" }),
  })
  .openapi("Problem");

/** A `responses` entry for an `application/problem+json` answer. */
export function problemResponse(description: string) {
  return { description, content: { "application/problem+json": { schema: problemSchema } } };
}
