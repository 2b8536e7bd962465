// A pool id's Region may lie in another AWS partition, whose hosts end in another
// suffix. Each host derived here is one that AWS documents (or that its SDKs' endpoint
// rules build); a host that cannot be confirmed is a configuration error, not a guess.
import { describe, expect, it } from "vitest";
import { cognitoIssuers } from "../../../shared/cognito/cognito-issuers";
import { cognitoApiEndpoint } from "../../../shared/cognito/cognito-partitions";
import type { ConfigError } from "../../../shared/errors";

function refusal(build: () => unknown): { option: string; message: string } | undefined {
  try {
    build();
  } catch (error) {
    return { option: (error as ConfigError).option, message: (error as Error).message };
  }
  return undefined;
}

describe("cognitoApiEndpoint (GetClientToken and the other user pool API calls)", () => {
  it.each([
    ["us-east-1", "https://cognito-idp.us-east-1.amazonaws.com/"],
    ["il-central-1", "https://cognito-idp.il-central-1.amazonaws.com/"],
    ["cn-north-1", "https://cognito-idp.cn-north-1.amazonaws.com.cn/"],
    ["cn-northwest-1", "https://cognito-idp.cn-northwest-1.amazonaws.com.cn/"],
    ["eusc-de-east-1", "https://cognito-idp.eusc-de-east-1.amazonaws.eu/"],
    // GovCloud serves the user pool API on FIPS endpoints only.
    ["us-gov-west-1", "https://cognito-idp-fips.us-gov-west-1.amazonaws.com/"],
  ])("in %s is %s", (region, endpoint) => {
    expect(cognitoApiEndpoint(region)).toBe(endpoint);
  });

  it.each([
    ["a Region of no known partition", "zz-east-1"],
    ["an ISO partition's Region", "us-iso-east-1"],
    ["a sovereign Region outside Germany", "eusc-fr-east-1"],
    ["a host", "us-east-1.attacker.example"],
    ["nothing", ""],
  ])("refuses %s", (_, region) => {
    expect(refusal(() => cognitoApiEndpoint(region))?.option).toBe("region");
  });
});

describe("cognitoIssuers in each partition", () => {
  it("derives both formats on amazonaws.com in the aws partition", () => {
    expect(cognitoIssuers({ userPoolId: "eu-west-1_Abc123" })).toEqual([
      "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc123",
      "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc123",
    ]);
  });

  it.each([
    ["cn-north-1_Abc123", "https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_Abc123"],
    ["eusc-de-east-1_Abc123", "https://cognito-idp.eusc-de-east-1.amazonaws.eu/eusc-de-east-1_Abc123"],
  ])("derives only the ORIGINAL issuer, on its partition's suffix, for %s", (userPoolId, issuer) => {
    expect(cognitoIssuers({ userPoolId })).toEqual([issuer]);
    expect(cognitoIssuers({ userPoolId, issuerFormat: "ORIGINAL" })).toEqual([issuer]);
  });

  it.each(["cn-north-1_Abc123", "eusc-de-east-1_Abc123"])(
    "refuses the UPDATED format for %s, whose host is not documented",
    (userPoolId) => {
      const error = refusal(() => cognitoIssuers({ userPoolId, issuerFormat: "UPDATED" }));
      expect(error?.option).toBe("issuerFormat");
      expect(error?.message).toMatch(/issuer/);
    },
  );

  it("refuses to derive a GovCloud pool's issuer, and says to give the issuer itself", () => {
    const error = refusal(() => cognitoIssuers({ userPoolId: "us-gov-west-1_Abc123" }));
    expect(error?.option).toBe("userPoolId");
    expect(error?.message).toContain("aws-us-gov");
  });

  it("refuses a pool id whose Region is in no partition it knows", () => {
    expect(refusal(() => cognitoIssuers({ userPoolId: "zz-east-1_Abc123" }))?.option).toBe("userPoolId");
  });
});
