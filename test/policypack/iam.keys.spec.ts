import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { iamNoWildcardPrincipal, iamTrustRequiresMfa } from "../../policypack/policies";
import { findPublicAccess, parsePolicyDocument } from "../../policypack/iam";
import { keySource } from "../../policypack/iam/keys";
import { runResourcePolicy, SECURITY_ACCOUNT } from "./helpers";

type Json = Record<string, unknown>;

/**
 * AWS's own IAM Identity Center baseline KMS key policy, verbatim (the account ids are AWS's
 * placeholders): https://docs.aws.amazon.com/singlesignon/latest/userguide/baseline-KMS-key-policy.html
 */
const IDENTITY_CENTER_KEY_POLICY: Json = {
    Version: "2012-10-17",
    Statement: [
        {
            Sid: "AllowIdentityCenterAdminAccounts",
            Effect: "Allow",
            Principal: {
                AWS: ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"],
            },
            Action: "kms:*",
            Resource: "*",
        },
        {
            Sid: "AllowIdentityCenterAndIdentityStoreToDescribeKey",
            Effect: "Allow",
            Principal: { Service: ["identitystore.amazonaws.com", "sso.amazonaws.com"] },
            Action: "kms:DescribeKey",
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": "${aws:ResourceAccount}" } },
        },
        {
            Sid: "AllowIdentityCenterAndIdentityStoreToUseKey",
            Effect: "Allow",
            Principal: { Service: ["identitystore.amazonaws.com", "sso.amazonaws.com"] },
            Action: [
                "kms:Decrypt",
                "kms:ReEncryptTo",
                "kms:ReEncryptFrom",
                "kms:GenerateDataKeyWithoutPlaintext",
            ],
            Resource: "*",
            Condition: {
                StringEquals: { "aws:SourceAccount": "${aws:ResourceAccount}" },
                "ForAnyValue:StringEquals": {
                    "kms:EncryptionContextKeys": [
                        "aws:sso:instance-arn",
                        "aws:identitystore:identitystore-arn",
                    ],
                },
            },
        },
        {
            Sid: "AllowOrgPrincipalsViaIdentityCenterAndIdentityStore",
            Effect: "Allow",
            Principal: "*",
            Action: "kms:Decrypt",
            Resource: "*",
            Condition: {
                StringEquals: { "aws:PrincipalOrgID": "${aws:ResourceOrgID}" },
                StringLike: {
                    "kms:ViaService": ["sso.*.amazonaws.com", "identitystore.*.amazonaws.com"],
                },
            },
        },
    ],
};

/**
 * The data-perimeter VPC endpoint policy pattern (aws-samples/data-perimeter-policy-examples,
 * vpc_endpoint_policies): identities and resources of my organization only.
 */
const ORG_FENCE: Json = {
    Version: "2012-10-17",
    Statement: [
        {
            Sid: "AllowRequestsByOrgsIdentitiesToOrgsResources",
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "*",
            Resource: "*",
            Condition: {
                StringEquals: {
                    "aws:PrincipalOrgID": "o-abcd1234",
                    "aws:ResourceOrgID": "o-abcd1234",
                },
            },
        },
    ],
};

const statementWith = (condition: Json): Json => ({
    Version: "2012-10-17",
    Statement: [
        {
            Effect: "Allow",
            Principal: "*",
            Action: "kms:Decrypt",
            Resource: "*",
            Condition: condition,
        },
    ],
});

/** The Identity Center policy with its fourth statement's condition replaced. */
function identityCenterWith(condition: Json): Json {
    const statements = (IDENTITY_CENTER_KEY_POLICY.Statement as Json[]).slice(0, 3);
    return {
        ...IDENTITY_CENTER_KEY_POLICY,
        Statement: [...statements, { ...(statementWith(condition).Statement as Json[])[0] }],
    };
}

async function keyPolicy(doc: Json, asString: boolean): Promise<string[]> {
    const policy = asString ? JSON.stringify(doc) : doc;
    return (await runResourcePolicy(iamNoWildcardPrincipal, aws.kms.Key, { policy })).violations;
}

describe("iam model: condition key sources (keys.ts)", () => {
    it("classifies keys by the source AWS documents", () => {
        assert.strictEqual(keySource("aws:resourceorgid"), "resource");
        assert.strictEqual(keySource("aws:resourcetag/team"), "resource");
        assert.strictEqual(keySource("iam:resourcetag/team"), "resource");
        assert.strictEqual(keySource("aws:principalorgid"), "principal");
        assert.strictEqual(keySource("aws:userid"), "principal");
        assert.strictEqual(keySource("aws:requesttag/team"), "request");
        assert.strictEqual(keySource("aws:sourceip"), "network");
        assert.strictEqual(keySource("aws:multifactorauthpresent"), "session");
        assert.strictEqual(keySource("kms:viaservice"), undefined);
    });

    for (const asString of [false, true]) {
        const enc = asString ? "JSON string" : "object";
        describe(`must pass (${enc})`, () => {
            it("AWS's IAM Identity Center baseline KMS key policy", async () => {
                assert.deepStrictEqual(await keyPolicy(IDENTITY_CENTER_KEY_POLICY, asString), []);
            });
            it("an organization fence on aws:PrincipalOrgID and aws:ResourceOrgID", async () => {
                assert.deepStrictEqual(await keyPolicy(ORG_FENCE, asString), []);
            });
            it("aws:userid pinned to one role's unique id (AROA...:*)", async () => {
                const doc = statementWith({
                    StringLike: { "aws:userid": "AROAEXAMPLEID1234567:*" },
                });
                assert.deepStrictEqual(await keyPolicy(doc, asString), []);
            });
            it("aws:ResourceAccount equal to the caller's account", async () => {
                const doc = statementWith({
                    StringEquals: { "aws:ResourceAccount": "${aws:PrincipalAccount}" },
                });
                assert.deepStrictEqual(await keyPolicy(doc, asString), []);
            });
        });
        describe(`must flag (${enc})`, () => {
            const cases: Array<[string, Json, RegExp]> = [
                [
                    "the Identity Center policy without its org fence",
                    identityCenterWith({
                        StringLike: { "kms:ViaService": "sso.*.amazonaws.com" },
                    }),
                    /^policy Statement\[3\] allows a principal that is effectively everyone to kms:Decrypt .*none of its conditions restricts who can call/,
                ],
                [
                    "the org fence on a value the caller chooses (a request tag)",
                    identityCenterWith({
                        StringEquals: { "aws:PrincipalOrgID": "${aws:RequestTag/org}" },
                    }),
                    /^policy Statement\[3\] .*kms:Decrypt \(StringEquals aws:PrincipalOrgID uses a wildcard value\): arn:aws:iam::999999999999:user\/outsider \(account 999999999999, not named in the document\) with aws:requesttag\/org=/,
                ],
                [
                    "the org fence negated",
                    identityCenterWith({
                        StringNotEquals: { "aws:PrincipalOrgID": "${aws:ResourceOrgID}" },
                    }),
                    /^policy Statement\[3\] .*\(StringNotEquals aws:PrincipalOrgID is negated, so every other value gets in\): an anonymous caller would be allowed\./,
                ],
                [
                    "a resource-only fence (the resource is in the org, the caller anywhere)",
                    statementWith({ StringEquals: { "aws:ResourceOrgID": "o-abcd1234" } }),
                    /^policy Statement\[0\] .*: an anonymous caller, on a resource with aws:resourceorgid="o-abcd1234", would be allowed\./,
                ],
                [
                    "aws:userid with a wildcard unique id",
                    statementWith({ StringLike: { "aws:userid": "AROA*:*" } }),
                    /^policy Statement\[0\] .*\(StringLike aws:userid uses a wildcard value\): an anonymous caller would be allowed\./,
                ],
            ];
            for (const [what, doc, fragment] of cases) {
                it(what, async () => {
                    const v = await keyPolicy(doc, asString);
                    assert.strictEqual(v.length, 1, v.join("\n"));
                    assert.match(v[0], fragment);
                });
            }
        });
    }

    it("the witness of a flagged fence says which value let the outsider in", () => {
        const f = findPublicAccess(
            parsePolicyDocument(
                statementWith({ StringEquals: { "aws:ResourceOrgID": "o-abcd1234" } }),
                "resource",
            ),
            { services: ["kms"] },
        );
        assert.strictEqual(f.length, 1);
        assert.strictEqual(f[0].witness.context["aws:resourceorgid"], "o-abcd1234");
    });

    describe("aws:userid in trust policies: a pinned role unique id is that role's sessions only", () => {
        const trust = (userid: string) => ({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { AWS: `arn:aws:iam::${SECURITY_ACCOUNT}:root` },
                    Action: "sts:AssumeRole",
                    Condition: { StringLike: { "aws:userid": userid } },
                },
            ],
        });
        for (const asString of [false, true]) {
            const enc = asString ? "JSON string" : "object";
            const run = async (userid: string) =>
                (
                    await runResourcePolicy(iamTrustRequiresMfa, aws.iam.Role, {
                        assumeRolePolicy: asString ? JSON.stringify(trust(userid)) : trust(userid),
                    })
                ).violations;
            it(`passes AROA...:* (a machine role's sessions; no user can present it) (${enc})`, async () => {
                assert.deepStrictEqual(await run("AROAEXAMPLEID1234567:*"), []);
            });
            it(`flags AIDA* (any user of the account, without MFA) (${enc})`, async () => {
                const v = await run("AIDA*");
                assert.strictEqual(v.length, 1, v.join("\n"));
                assert.match(
                    v[0],
                    /lets every IAM user of account \d{12} .* assume the role without MFA/,
                );
            });
        }
    });
});
