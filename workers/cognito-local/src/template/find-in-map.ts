/**
 * Resolves `Fn::FindInMap` against a template's `Mappings`, the one intrinsic function
 * cognito-local evaluates: infra/cognito.yaml pins its issuer format in a mapping so
 * that the pool and the IssuerUrl output read it from one place.
 * @module
 */
import { TemplateError } from "./template-error";

export type Mappings = Record<string, Record<string, Record<string, unknown>>>;

/**
 * A literal value as it is, or the value a (possibly nested) `Fn::FindInMap` names.
 * Anything else (`Ref` to a parameter, `Fn::If`...) is refused: cognito-local cannot
 * know what `aws cloudformation deploy` would pass.
 *
 * @example
 * resolveValue({ "Fn::FindInMap": ["Pinned", "Issuer", "Format"] }, mappings, "Pool.IssuerConfiguration.Type"); // "UPDATED"
 */
export function resolveValue(value: unknown, mappings: Mappings, where: string): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== "Fn::FindInMap") {
    if (keys.length === 1 && (keys[0] === "Ref" || keys[0]!.startsWith("Fn::"))) {
      throw new TemplateError(`${where}: cognito-local reads a literal value or Fn::FindInMap here, not ${keys[0]}`);
    }
    return value;
  }
  const args = (value as Record<string, unknown>)["Fn::FindInMap"];
  if (!Array.isArray(args) || args.length !== 3) throw new TemplateError(`${where}: Fn::FindInMap takes three arguments`);
  const [map, first, second] = args.map((arg) => resolveValue(arg, mappings, where));
  if (typeof map !== "string" || typeof first !== "string" || typeof second !== "string") {
    throw new TemplateError(`${where}: the keys of Fn::FindInMap must be text`);
  }
  const found = mappings[map]?.[first]?.[second];
  if (found === undefined) throw new TemplateError(`${where}: Mappings has no ${map}.${first}.${second}`);
  return found;
}
