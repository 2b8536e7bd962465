/**
 * Reads, from a CloudFormation template, what an Amazon Cognito user pool would do
 * for the client-credentials grant: its issuer format, its resource servers with
 * their scopes, and its app clients with their allowed flows, scopes and
 * access-token lifetime.
 *
 * Only the properties that change behaviour here are read; anything else in the
 * template (MFA, recovery, domain) is left to the real Cognito. A template this
 * module cannot understand, or one CloudFormation would refuse
 * (cloudformation-rules.ts), is an error at startup, never a silently open pool.
 * @module
 */
import { z } from "zod";
import { CLIENT_TOKEN_AUTH_FLOW, checkClientExplicitAuthFlows, checkClientOAuthSettings } from "./cloudformation-rules";
import { parseCloudFormationYaml } from "./cloudformation-yaml";
import { type Mappings, resolveValue } from "./find-in-map";
import { TemplateError } from "./template-error";

export { TemplateError } from "./template-error";

/** `IssuerConfiguration.Type` of a user pool. */
export type IssuerFormat = "ORIGINAL" | "UPDATED";
const ISSUER_FORMATS: readonly IssuerFormat[] = ["ORIGINAL", "UPDATED"];

/** One app client as the token endpoint needs it. */
export interface ClientDefinition {
  /** Logical id of the `AWS::Cognito::UserPoolClient` resource in the template. */
  logicalId: string;
  clientName: string;
  generateSecret: boolean;
  /** True when `client_credentials` is allowed (both the flow and the OAuth switch). */
  clientCredentialsAllowed: boolean;
  /** True when the authorization-code flow is allowed. */
  codeFlowAllowed: boolean;
  /** True when `ExplicitAuthFlows` holds `ALLOW_CLIENT_TOKEN_AUTH`: the client may call GetClientToken. */
  clientTokenAuthAllowed: boolean;
  allowedScopes: string[];
  accessTokenValiditySeconds: number;
}

/** The user pool described by the template. */
export interface PoolDefinition {
  userPoolName: string;
  /** The pool's IssuerConfiguration; ORIGINAL when the template sets none, as in AWS. */
  issuerFormat: IssuerFormat;
  /** Every `<resource server identifier>/<scope name>` the pool defines. */
  scopes: string[];
  clients: ClientDefinition[];
}

// Cognito's own bounds for AccessTokenValidity: 5 minutes to 1 day.
const MIN_ACCESS_TOKEN_VALIDITY_SECONDS = 5 * 60;
const MAX_ACCESS_TOKEN_VALIDITY_SECONDS = 24 * 60 * 60;
const DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS = 60 * 60;

const UNIT_SECONDS = { seconds: 1, minutes: 60, hours: 3600, days: 86400 } as const;

// CloudFormation lets booleans and numbers be written as strings ("true", "1").
const cfnBoolean = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]);
const cfnNumber = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

const resourceSchema = z.object({ Type: z.string(), Properties: z.record(z.string(), z.unknown()).optional() });
const templateSchema = z.object({
  Mappings: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.unknown()))).default({}),
  Resources: z.record(z.string(), resourceSchema),
});

const userPoolProps = z.object({
  UserPoolName: z.string().min(1),
  IssuerConfiguration: z.object({ Type: z.unknown().optional() }).optional(),
});

const resourceServerProps = z.object({
  Identifier: z.string().min(1),
  Scopes: z.array(z.object({ ScopeName: z.string().min(1) })).default([]),
});

const clientProps = z.object({
  ClientName: z.string().min(1),
  GenerateSecret: cfnBoolean.default(false),
  AllowedOAuthFlows: z.array(z.string()).default([]),
  AllowedOAuthFlowsUserPoolClient: cfnBoolean.default(false),
  AllowedOAuthScopes: z.array(z.string()).default([]),
  ExplicitAuthFlows: z.array(z.string()).default([]),
  AccessTokenValidity: cfnNumber.optional(),
  TokenValidityUnits: z.object({ AccessToken: z.enum(["seconds", "minutes", "hours", "days"]).default("hours") }).optional(),
});

function parseProps<T>(schema: z.ZodType<T>, logicalId: string, props: unknown): T {
  const result = schema.safeParse(props ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new TemplateError(`resource ${logicalId}: ${issue?.path.join(".") || "Properties"}: ${issue?.message ?? "invalid"}`);
  }
  return result.data;
}

function accessTokenValiditySeconds(logicalId: string, props: z.infer<typeof clientProps>): number {
  if (props.AccessTokenValidity === undefined) return DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS;
  const unit = props.TokenValidityUnits?.AccessToken ?? "hours";
  const seconds = props.AccessTokenValidity * UNIT_SECONDS[unit];
  if (seconds < MIN_ACCESS_TOKEN_VALIDITY_SECONDS || seconds > MAX_ACCESS_TOKEN_VALIDITY_SECONDS) {
    // "You can set the access token expiration to any value between 5 minutes and 1 day"
    // (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html).
    throw new TemplateError(`resource ${logicalId}: AccessTokenValidity: must be between 5 minutes and 1 day, got ${seconds} s`);
  }
  return seconds;
}

/**
 * Reads the pool out of a CloudFormation template's YAML text.
 *
 * @example
 * const pool = readPoolDefinition(templateYaml);
 * pool.clients.find((c) => c.clientName === "MyBFF")?.allowedScopes; // ["MyService/weather_read"]
 */
export function readPoolDefinition(templateText: string): PoolDefinition {
  let parsed: unknown;
  try {
    parsed = parseCloudFormationYaml(templateText);
  } catch (error) {
    throw new TemplateError(`not valid YAML: ${(error as Error).message}`);
  }
  const template = templateSchema.safeParse(parsed);
  if (!template.success) throw new TemplateError("no Resources section");

  const byType = (type: string) => Object.entries(template.data.Resources).filter(([, resource]) => resource.Type === type);

  const pools = byType("AWS::Cognito::UserPool");
  if (pools.length !== 1) {
    throw new TemplateError(`expected exactly one AWS::Cognito::UserPool, found ${pools.length}`);
  }
  const [poolId, pool] = pools[0]!;
  const poolProps = parseProps(userPoolProps, poolId, pool.Properties);
  const userPoolName = poolProps.UserPoolName;
  const issuerFormat = readIssuerFormat(poolId, poolProps.IssuerConfiguration?.Type, template.data.Mappings);

  const scopes = byType("AWS::Cognito::UserPoolResourceServer").flatMap(([logicalId, resource]) => {
    const props = parseProps(resourceServerProps, logicalId, resource.Properties);
    return props.Scopes.map((scope) => `${props.Identifier}/${scope.ScopeName}`);
  });

  const clients = byType("AWS::Cognito::UserPoolClient").map(([logicalId, resource]): ClientDefinition => {
    const props = parseProps(clientProps, logicalId, resource.Properties);
    checkClientOAuthSettings(
      {
        logicalId,
        generateSecret: props.GenerateSecret,
        allowedOAuthFlows: props.AllowedOAuthFlows,
        allowedOAuthFlowsUserPoolClient: props.AllowedOAuthFlowsUserPoolClient,
        allowedOAuthScopes: props.AllowedOAuthScopes,
      },
      scopes,
    );
    checkClientExplicitAuthFlows({ logicalId, generateSecret: props.GenerateSecret, explicitAuthFlows: props.ExplicitAuthFlows });
    const oauth = props.AllowedOAuthFlowsUserPoolClient;
    return {
      logicalId,
      clientName: props.ClientName,
      generateSecret: props.GenerateSecret,
      clientCredentialsAllowed: oauth && props.AllowedOAuthFlows.includes("client_credentials"),
      codeFlowAllowed: oauth && props.AllowedOAuthFlows.includes("code"),
      clientTokenAuthAllowed: props.ExplicitAuthFlows.includes(CLIENT_TOKEN_AUTH_FLOW),
      allowedScopes: props.AllowedOAuthScopes,
      accessTokenValiditySeconds: accessTokenValiditySeconds(logicalId, props),
    };
  });

  const names = clients.map((client) => client.clientName);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) throw new TemplateError(`two app clients are named ${duplicate}`);

  return { userPoolName, issuerFormat, scopes, clients };
}

function readIssuerFormat(logicalId: string, value: unknown, mappings: Mappings): IssuerFormat {
  const where = `resource ${logicalId}: IssuerConfiguration.Type`;
  const format = value === undefined ? "ORIGINAL" : resolveValue(value, mappings, where);
  // Allowed values: ORIGINAL | UPDATED
  // (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-cognito-userpool-issuerconfiguration.html).
  if (!ISSUER_FORMATS.includes(format as IssuerFormat)) {
    throw new TemplateError(`${where}: must be ORIGINAL or UPDATED, got ${JSON.stringify(format)}`);
  }
  return format as IssuerFormat;
}
