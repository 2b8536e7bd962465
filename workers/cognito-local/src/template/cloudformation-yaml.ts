/**
 * Parses CloudFormation YAML, whose short-form intrinsic functions (`!Ref`, `!Sub`,
 * `!GetAtt`, ...) are custom YAML tags that a plain YAML parser rejects.
 *
 * Each tag is turned into the long form CloudFormation itself uses
 * (`!Ref X` → `{ Ref: "X" }`, `!GetAtt A.B` → `{ "Fn::GetAtt": ["A", "B"] }`), so
 * the rest of cognito-local reads one shape whatever the template author wrote.
 * @module
 */
import { parse, type Tags } from "yaml";

const INTRINSIC_FUNCTIONS = [
  "Base64",
  "Cidr",
  "Condition",
  "FindInMap",
  "GetAZs",
  "GetAtt",
  "ImportValue",
  "Join",
  "Select",
  "Split",
  "Sub",
  "Transform",
  "And",
  "Equals",
  "If",
  "Not",
  "Or",
] as const;

function longForm(name: string): string {
  return name === "Ref" || name === "Condition" ? name : `Fn::${name}`;
}

function intrinsicTags(): Tags {
  const tags: Tags = [];
  for (const name of ["Ref", ...INTRINSIC_FUNCTIONS]) {
    const key = longForm(name);
    tags.push({
      tag: `!${name}`,
      resolve: (value: string) => ({
        [key]: name === "GetAtt" ? value.split(".") : value,
      }),
    });
    for (const collection of ["seq", "map"] as const) {
      tags.push({
        tag: `!${name}`,
        collection,
        resolve: (value) => ({ [key]: value.toJSON() }),
      });
    }
  }
  return tags;
}

const CUSTOM_TAGS = intrinsicTags();

/** Parses a CloudFormation template given as YAML text into plain JSON values. */
export function parseCloudFormationYaml(text: string): unknown {
  return parse(text, { customTags: CUSTOM_TAGS, prettyErrors: true });
}
