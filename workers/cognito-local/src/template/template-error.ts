/**
 * The one error of template reading: the template is one that CloudFormation would
 * refuse, or one cognito-local cannot understand. Its message names the resource
 * and the property, as `resource <LogicalId>: <Property>: <what is wrong>`.
 * @module
 */

/** Raised when the template does not describe a pool cognito-local can run. */
export class TemplateError extends Error {
  readonly code = "TEMPLATE_INVALID";
  override name = this.constructor.name;
}
