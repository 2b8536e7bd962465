/**
 * Errors of the user pools API (the AWS JSON 1.1 protocol): the HTTP status of the
 * error and a body of `{"__type": "<Name>", "message": "..."}`, as the AWS SDKs read them.
 *
 * The statuses are those of the Cognito service model that AWS ships in the AWS SDK for
 * JavaScript v3 (`@aws-sdk/client-cognito-identity-provider` 3.1178.0, the `httpError` of
 * each error; InternalErrorException is a server fault with none, so 500). The Errors
 * sections of the API reference pages could not be read through the documentation search,
 * so these statuses are not confirmed against a documentation page (README, behaviour table).
 * The message goes to the caller and never holds a secret.
 * @module
 */

export const AWS_JSON_CONTENT_TYPE = "application/x-amz-json-1.1";

const STATUS_OF = {
  InvalidParameterException: 400,
  NotAuthorizedException: 403,
  ResourceNotFoundException: 404,
  OperationNotEnabledException: 400,
  LimitExceededException: 400,
  TooManyRequestsException: 429,
  InternalErrorException: 500,
  // Not in the service model: what AWS JSON services answer for a target they do not have (not confirmed for Cognito).
  UnknownOperationException: 400,
} as const;

export type AwsErrorType = keyof typeof STATUS_OF;

export class AwsJsonError extends Error {
  override name = this.constructor.name;

  constructor(
    readonly type: AwsErrorType,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return STATUS_OF[this.type];
  }

  toResponse(): Response {
    return new Response(JSON.stringify({ __type: this.type, message: this.message }), {
      status: this.status,
      headers: { "Content-Type": AWS_JSON_CONTENT_TYPE, "x-amzn-RequestId": crypto.randomUUID() },
    });
  }
}
