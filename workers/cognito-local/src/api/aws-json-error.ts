/**
 * Errors of the user pools API (the AWS JSON 1.1 protocol): the HTTP status of the
 * error and a body of `{"__type": "<Name>", "message": "..."}`, as the AWS SDKs read them.
 *
 * The statuses are what Cognito answers on the wire, not the `httpError` traits of the
 * service model in the AWS SDKs (403 for NotAuthorizedException, 404 for
 * ResourceNotFoundException, 429 for TooManyRequestsException): an awsJson1_1 service
 * answers every client error with 400 and tells them apart by `__type`, and clients
 * (the AWS SDKs, and edge-cc-auth's GetClientToken client) read the name, not the status.
 * What users logged from the user pools API (cognito-idp), per error:
 *   NotAuthorizedException     400  `400 Bad Request` with {"__type":"NotAuthorizedException"} from
 *                                   AdminInitiateAuth (github.com/ellaisys/aws-cognito/issues/94)
 *   ResourceNotFoundException  400  `400 Bad Request`, "User pool client ... does not exist"
 *                                   (github.com/aws/aws-sdk-php/issues/2183); the Java SDK's
 *                                   "Status Code: 400; Error Code: ResourceNotFoundException"
 *                                   (github.com/aws-amplify/amplify-flutter/issues/740)
 *   InvalidParameterException  400  "StatusCode: 400 ... InvalidParameterException: 2 validation
 *                                   errors" (github.com/hashicorp/terraform-provider-aws/issues/38167)
 *   TooManyRequestsException   400  "Status Code: 400; Error Code: TooManyRequestsException"
 *                                   (github.com/aws/aws-sdk-java/issues/2301)
 *   LimitExceededException     400  "(400) Bad Request" (github.com/aws/aws-sdk-net/issues/2011)
 *   InternalErrorException     500  "Status Code: 500; Error Code: InternalErrorException"
 *                                   (github.com/aws-amplify/aws-sdk-android/issues/2022)
 *   OperationNotEnabledException 400  no log found: the protocol's status of a client error
 *   UnknownOperationException  400  not in the service model: what AWS JSON services answer for a
 *                                   target they do not have (not confirmed for Cognito)
 * The message goes to the caller and never holds a secret.
 * @module
 */

export const AWS_JSON_CONTENT_TYPE = "application/x-amz-json-1.1";

const STATUS_OF = {
  InvalidParameterException: 400,
  NotAuthorizedException: 400,
  ResourceNotFoundException: 400,
  OperationNotEnabledException: 400,
  LimitExceededException: 400,
  TooManyRequestsException: 400,
  InternalErrorException: 500,
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
