import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { iamPolicyDocumentValid, iamTrustRequiresMfa } from "../../policypack/policies";
import {
    ALICE,
    allowAssume,
    assertViolations,
    CI_ROLE,
    Json,
    MFA,
    policyDoc,
    REPORTER,
    runResourcePolicy,
    SECURITY_ACCOUNT,
} from "./helpers";

async function trust(doc: unknown, config?: Json): Promise<string[]> {
    return (
        await runResourcePolicy(
            iamTrustRequiresMfa,
            aws.iam.Role,
            { assumeRolePolicy: doc },
            { config },
        )
    ).violations;
}

const GH = `arn:aws:iam::${SECURITY_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const gh = (condition?: Json): Json => ({
    Effect: "Allow",
    Principal: { Federated: GH },
    Action: "sts:AssumeRoleWithWebIdentity",
    ...(condition ? { Condition: condition } : {}),
});
const AUD = { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" };

describe("iam-trust-requires-mfa", () => {
    describe("flags ineffective MFA", () => {
        const cases: Array<[string, Json | Json[], string]> = [
            ["no condition", allowAssume({ AWS: ALICE }), "no MFA condition"],
            [
                "BoolIfExists true (absent for access keys)",
                allowAssume(
                    { AWS: ALICE },
                    { BoolIfExists: { "aws:MultiFactorAuthPresent": "true" } },
                ),
                "BoolIfExists",
            ],
            [
                "Null false (tests presence only)",
                allowAssume({ AWS: ALICE }, { Null: { "aws:MultiFactorAuthPresent": "false" } }),
                "Null",
            ],
            [
                "ForAllValues:Bool",
                allowAssume(
                    { AWS: ALICE },
                    { "ForAllValues:Bool": { "aws:MultiFactorAuthPresent": "true" } },
                ),
                "ForAllValues",
            ],
            [
                "the inverted value",
                allowAssume({ AWS: ALICE }, { Bool: { "aws:MultiFactorAuthPresent": "false" } }),
                "inverted",
            ],
            [
                "NumericLessThanIfExists on the age",
                allowAssume(
                    { AWS: ALICE },
                    { NumericLessThanIfExists: { "aws:MultiFactorAuthAge": "3600" } },
                ),
                "IfExists",
            ],
            [
                "an account root principal",
                allowAssume({ AWS: `arn:aws:iam::${SECURITY_ACCOUNT}:root` }),
                "every IAM user of account",
            ],
            [
                "a bare account id",
                allowAssume({ AWS: SECURITY_ACCOUNT }),
                "every IAM user of account 222222222222",
            ],
            ['Principal "*"', allowAssume("*"), "anyone"],
            [
                "sts:* instead of the literal action",
                { Effect: "Allow", Principal: { AWS: ALICE }, Action: "sts:*" },
                "IAM user",
            ],
            ["Action *", { Effect: "Allow", Principal: { AWS: ALICE }, Action: "*" }, "IAM user"],
            [
                "a lower-case action",
                { Effect: "Allow", Principal: { AWS: ALICE }, Action: "STS:assumerole" },
                "IAM user",
            ],
            [
                "NotAction",
                { Effect: "Allow", Principal: { AWS: ALICE }, NotAction: "sts:TagSession" },
                "IAM user",
            ],
            [
                "NotPrincipal",
                { Effect: "Allow", NotPrincipal: { AWS: CI_ROLE }, Action: "sts:AssumeRole" },
                "everyone not listed",
            ],
            ["a user mixed with roles", allowAssume({ AWS: [CI_ROLE, ALICE] }), ALICE],
            [
                "a wildcard ExternalId",
                allowAssume({ AWS: REPORTER }, { StringLike: { "sts:ExternalId": "*" } }),
                "IAM user",
            ],
            [
                'an ExternalId of "*" under StringEquals',
                allowAssume({ AWS: REPORTER }, { StringEquals: { "sts:ExternalId": "*" } }),
                "IAM user",
            ],
            [
                "a negated ExternalId",
                allowAssume({ AWS: REPORTER }, { StringNotEquals: { "sts:ExternalId": "abc" } }),
                "IAM user",
            ],
            [
                "an IfExists ExternalId",
                allowAssume(
                    { AWS: REPORTER },
                    { StringEqualsIfExists: { "sts:ExternalId": "abc" } },
                ),
                "IAM user",
            ],
            [
                "a source-IP condition only",
                allowAssume({ AWS: ALICE }, { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } }),
                "IAM user",
            ],
            [
                "a Deny without MFA that uses Bool (absent key slips through)",
                [
                    allowAssume({ AWS: ALICE }),
                    {
                        Effect: "Deny",
                        Principal: "*",
                        Action: "sts:AssumeRole",
                        Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } },
                    },
                ],
                "aws:MultiFactorAuthPresent absent",
            ],
        ];
        for (const [what, st, fragment] of cases) {
            it(what, async () => {
                const v = await trust(policyDoc(...(Array.isArray(st) ? st : [st])));
                assert.strictEqual(v.length, 1, v.join("\n"));
                assert.ok(v[0].includes(fragment), v[0]);
                assert.ok(v[0].includes("Statement[0]") && v[0].includes("Fix:"), v[0]);
            });
        }

        it("a second, unconditioned statement for the same user", async () => {
            const v = await trust(
                policyDoc(
                    allowAssume({ AWS: ALICE }, MFA, { Sid: "WithMfa" }),
                    allowAssume({ AWS: ALICE }, undefined, { Sid: "Oops" }),
                ),
            );
            assert.strictEqual(v.length, 1);
            assert.ok(v[0].includes('Statement[1] (Sid "Oops")'), v[0]);
        });

        it("as a JSON string and with Statement as a single object", async () => {
            assert.strictEqual(
                (
                    await trust(
                        JSON.stringify({
                            Version: "2012-10-17",
                            Statement: allowAssume({ AWS: ALICE }),
                        }),
                    )
                ).length,
                1,
            );
        });
    });

    describe("passes effective MFA, exact ExternalId and machine principals", () => {
        const cases: Array<[string, Json | Json[]]> = [
            ["Bool true", allowAssume({ AWS: ALICE }, MFA)],
            [
                "Bool true given as a JSON boolean",
                allowAssume({ AWS: ALICE }, { Bool: { "aws:MultiFactorAuthPresent": true } }),
            ],
            [
                "an MFA age bound",
                allowAssume(
                    { AWS: SECURITY_ACCOUNT },
                    { NumericLessThan: { "aws:MultiFactorAuthAge": "3600" } },
                ),
            ],
            [
                "ForAnyValue:Bool (the key must be present)",
                allowAssume(
                    { AWS: ALICE },
                    { "ForAnyValue:Bool": { "aws:MultiFactorAuthPresent": "true" } },
                ),
            ],
            [
                "the project's own human statement",
                allowAssume(
                    { AWS: [ALICE, `arn:aws:iam::${SECURITY_ACCOUNT}:user/bob`] },
                    {
                        Bool: { "aws:MultiFactorAuthPresent": "true" },
                        NumericLessThan: { "aws:MultiFactorAuthAge": "3600" },
                    },
                    { Sid: "HumansWithMfa" },
                ),
            ],
            [
                "an exact ExternalId",
                allowAssume({ AWS: REPORTER }, { StringEquals: { "sts:ExternalId": "ext-7f3a" } }),
            ],
            [
                "a Deny-without-MFA statement covering the Allow",
                [
                    allowAssume({ AWS: ALICE }),
                    {
                        Effect: "Deny",
                        Principal: "*",
                        Action: "sts:AssumeRole",
                        Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
                    },
                ],
            ],
            [
                "a Deny-without-MFA with Null true plus Bool false",
                [
                    allowAssume({ AWS: ALICE }),
                    {
                        Effect: "Deny",
                        Principal: { AWS: ALICE },
                        Action: "sts:*",
                        Condition: { Null: { "aws:MultiFactorAuthPresent": "true" } },
                    },
                    {
                        Effect: "Deny",
                        Principal: { AWS: ALICE },
                        Action: "sts:*",
                        Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } },
                    },
                ],
            ],
            ["a role principal (a machine)", allowAssume({ AWS: CI_ROLE })],
            [
                "an SSO role by default",
                allowAssume({
                    AWS: `arn:aws:iam::${SECURITY_ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123`,
                }),
            ],
            ["a service principal", allowAssume({ Service: "ec2.amazonaws.com" })],
            [
                "a statement that does not grant AssumeRole",
                { Effect: "Allow", Principal: { AWS: ALICE }, Action: "sts:TagSession" },
            ],
            ["a Deny", { Effect: "Deny", Principal: { AWS: ALICE }, Action: "sts:AssumeRole" }],
        ];
        for (const [what, st] of cases) {
            it(what, async () => {
                assert.deepStrictEqual(
                    await trust(policyDoc(...(Array.isArray(st) ? st : [st]))),
                    [],
                );
            });
        }
    });

    it("can require MFA from SSO roles and refuse ExternalId instead of MFA", async () => {
        const sso = policyDoc(
            allowAssume({
                AWS: `arn:aws:iam::${SECURITY_ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123`,
            }),
        );
        assert.strictEqual((await trust(sso, { ssoRolesAreHuman: true })).length, 1);
        const ext = policyDoc(
            allowAssume({ AWS: REPORTER }, { StringEquals: { "sts:ExternalId": "ext-7f3a" } }),
        );
        assert.strictEqual((await trust(ext, { externalIdSatisfies: false })).length, 1);
    });

    describe("GitHub OIDC federation", () => {
        it("passes aud pinned and sub pinned to the owner", async () => {
            assert.deepStrictEqual(
                await trust(
                    policyDoc(
                        gh({
                            StringEquals: AUD,
                            StringLike: {
                                "token.actions.githubusercontent.com:sub":
                                    "repo:my-org/infra:ref:refs/heads/main",
                            },
                        }),
                    ),
                ),
                [],
            );
            assert.deepStrictEqual(
                await trust(
                    policyDoc(
                        gh({
                            StringEquals: AUD,
                            StringLike: {
                                "token.actions.githubusercontent.com:sub": [
                                    "repo:my-org/*",
                                    "repo:my-org/infra:*",
                                ],
                            },
                        }),
                    ),
                ),
                [],
            );
        });
        const bad: Array<[string, Json | undefined, string]> = [
            ["no condition", undefined, ":aud is not pinned"],
            ["aud but no sub", { StringEquals: AUD }, "any GitHub repository"],
            [
                'sub "repo:my-org*" (admits my-org-evil)',
                {
                    StringEquals: AUD,
                    StringLike: { "token.actions.githubusercontent.com:sub": "repo:my-org*" },
                },
                "does not pin the repository owner",
            ],
            [
                'sub "*"',
                {
                    StringEquals: AUD,
                    StringLike: { "token.actions.githubusercontent.com:sub": "*" },
                },
                "does not pin the repository owner",
            ],
            [
                'sub "repo:*/infra:*"',
                {
                    StringEquals: AUD,
                    StringLike: { "token.actions.githubusercontent.com:sub": "repo:*/infra:*" },
                },
                "does not pin the repository owner",
            ],
            [
                "one good and one wildcard sub value",
                {
                    StringEquals: AUD,
                    StringLike: {
                        "token.actions.githubusercontent.com:sub": [
                            "repo:my-org/infra:*",
                            "repo:*",
                        ],
                    },
                },
                "does not pin",
            ],
            [
                "sub with StringLikeIfExists",
                {
                    StringEquals: AUD,
                    StringLikeIfExists: {
                        "token.actions.githubusercontent.com:sub": "repo:my-org/*",
                    },
                },
                "does not pin",
            ],
            [
                "sub under ForAllValues",
                {
                    StringEquals: AUD,
                    "ForAllValues:StringLike": {
                        "token.actions.githubusercontent.com:sub": "repo:my-org/*",
                    },
                },
                "does not pin",
            ],
            [
                "sub negated",
                {
                    StringEquals: AUD,
                    StringNotLike: { "token.actions.githubusercontent.com:sub": "repo:evil/*" },
                },
                "does not pin",
            ],
            [
                "missing aud",
                { StringLike: { "token.actions.githubusercontent.com:sub": "repo:my-org/*" } },
                ":aud is not pinned",
            ],
            [
                "wildcard aud",
                {
                    StringLike: {
                        "token.actions.githubusercontent.com:aud": "*",
                        "token.actions.githubusercontent.com:sub": "repo:my-org/*",
                    },
                },
                ":aud is not pinned",
            ],
        ];
        for (const [what, cond, fragment] of bad) {
            it(`flags ${what}`, async () => {
                const v = await trust(policyDoc(gh(cond)));
                assertViolations({ violations: v }, 1, fragment, "Fix:");
            });
        }
        it("recognises the provider given as a bare host, and GitHub Enterprise Server issuers", async () => {
            const bare = {
                ...gh({
                    StringEquals: AUD,
                    StringLike: { "token.actions.githubusercontent.com:sub": "repo:my-org*" },
                }),
                Principal: { Federated: "token.actions.githubusercontent.com" },
            };
            assertViolations(
                { violations: await trust(policyDoc(bare)) },
                1,
                "does not pin the repository owner",
            );
            const ghes = {
                Effect: "Allow",
                Principal: {
                    Federated: `arn:aws:iam::${SECURITY_ACCOUNT}:oidc-provider/ghe.example.com/_services/token`,
                },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: { "ghe.example.com/_services/token:aud": "sts.amazonaws.com" },
                    StringLike: { "ghe.example.com/_services/token:sub": "repo:team*" },
                },
            };
            assertViolations(
                { violations: await trust(policyDoc(ghes)) },
                1,
                "does not pin the repository owner",
            );
        });
        it("checks other OIDC providers' aud and sub", async () => {
            const eks = `arn:aws:iam::${SECURITY_ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC`;
            const st = (c?: Json): Json => ({
                Effect: "Allow",
                Principal: { Federated: eks },
                Action: "sts:AssumeRoleWithWebIdentity",
                ...(c ? { Condition: c } : {}),
            });
            assert.strictEqual(
                (
                    await trust(
                        policyDoc(
                            st({
                                StringEquals: {
                                    "oidc.eks.us-east-1.amazonaws.com/id/ABC:aud":
                                        "sts.amazonaws.com",
                                },
                            }),
                        ),
                    )
                ).length,
                1,
            );
            assert.deepStrictEqual(
                await trust(
                    policyDoc(
                        st({
                            StringEquals: {
                                "oidc.eks.us-east-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
                                "oidc.eks.us-east-1.amazonaws.com/id/ABC:sub":
                                    "system:serviceaccount:ops:reporter",
                            },
                        }),
                    ),
                ),
                [],
            );
        });
    });

    describe("fix texts name each identity provider's own keys", () => {
        const web = (federated: unknown, condition?: Json, asString = false): Json =>
            policyDoc({
                Effect: "Allow",
                Principal: { Federated: federated },
                Action: asString
                    ? "sts:AssumeRoleWithWebIdentity"
                    : ["sts:AssumeRoleWithWebIdentity"],
                ...(condition ? { Condition: condition } : {}),
            });
        /** The one violation of `doc`, as JSON-string and object encodings agree on it. */
        async function only(doc: Json): Promise<string> {
            const asObject = await trust(doc);
            const asString = await trust(JSON.stringify(doc));
            assert.deepStrictEqual(asString, asObject);
            assert.strictEqual(asObject.length, 1, asObject.join("\n"));
            return asObject[0];
        }
        const oidc = (issuer: string) => `arn:aws:iam::${SECURITY_ACCOUNT}:oidc-provider/${issuer}`;

        it("Cognito: the identity pool id under cognito-identity.amazonaws.com:aud, and amr authenticated", async () => {
            for (const federated of [
                "cognito-identity.amazonaws.com",
                ["cognito-identity.amazonaws.com"],
            ]) {
                const m = await only(web(federated));
                assert.match(m, /cognito-identity\.amazonaws\.com:aud is not pinned/);
                assert.match(
                    m,
                    /Fix: add "StringEquals": \{"cognito-identity\.amazonaws\.com:aud": "<identity pool id/,
                );
                assert.match(
                    m,
                    /"ForAnyValue:StringLike": \{"cognito-identity\.amazonaws\.com:amr": "authenticated"\}/,
                );
                assert.doesNotMatch(m, /sts\.amazonaws\.com|repo:/);
            }
            assert.deepStrictEqual(
                await trust(
                    web("cognito-identity.amazonaws.com", {
                        StringEquals: {
                            "cognito-identity.amazonaws.com:aud": "us-east-1:1234-abcd",
                        },
                        "ForAnyValue:StringLike": {
                            "cognito-identity.amazonaws.com:amr": "authenticated",
                        },
                    }),
                ),
                [],
            );
        });

        it("Google: the OAuth client id under accounts.google.com:aud; oaud alone pins nothing", async () => {
            const plain = await only(web("accounts.google.com"));
            assert.match(
                plain,
                /Fix: add "StringEquals": \{"accounts\.google\.com:aud": "<your Google OAuth client id[^"]*", "accounts\.google\.com:sub": "<the Google user or service account id>"\}/,
            );
            assert.doesNotMatch(plain, /sts\.amazonaws\.com|repo:/);
            const oaud = await only(
                web("accounts.google.com", {
                    StringEquals: { "accounts.google.com:oaud": "sts.amazonaws.com" },
                }),
            );
            assert.match(oaud, /accounts\.google\.com:oaud is the audience the caller asked for/);
            assert.deepStrictEqual(
                await trust(
                    web(
                        "accounts.google.com",
                        {
                            StringEquals: {
                                "accounts.google.com:aud": "1234567890.apps.googleusercontent.com",
                            },
                        },
                        true,
                    ),
                ),
                [],
            );
        });

        it("Facebook and Login with Amazon: the app id under their app_id keys (they have no aud)", async () => {
            for (const [idp, key] of [
                ["graph.facebook.com", "graph.facebook.com:app_id"],
                ["www.amazon.com", "www.amazon.com:app_id"],
            ]) {
                const m = await only(web(idp));
                assert.ok(m.includes(`${key} is not pinned`), m);
                assert.ok(m.includes(`Fix: add "StringEquals": {"${key}": "<your `), m);
                assert.doesNotMatch(m, /:aud|sts\.amazonaws\.com/);
                // Pinned under the provider's own key: no violation (was one, under a key IAM never sets).
                assert.deepStrictEqual(
                    await trust(web(idp, { StringEquals: { [key]: "358770994578462" } })),
                    [],
                );
                assert.deepStrictEqual(
                    await trust(
                        JSON.stringify(
                            web([idp], { StringEquals: { [key]: ["358770994578462"] } }),
                        ),
                    ),
                    [],
                );
            }
        });

        it("GitHub: sts.amazonaws.com and sub pinned to repo:<owner>/<repo>", async () => {
            for (const federated of [GH, [GH]]) {
                const m = await only(web(federated));
                assert.match(
                    m,
                    /Fix: add "StringEquals": \{"token\.actions\.githubusercontent\.com:aud": "sts\.amazonaws\.com", "token\.actions\.githubusercontent\.com:sub": "repo:<owner>\/<repo>:ref:refs\/heads\/<branch>"\}/,
                );
            }
        });

        it("EKS: sts.amazonaws.com and sub pinned to the service account", async () => {
            const issuer = "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF";
            const m = await only(
                web(oidc(issuer), { StringEquals: { [`${issuer}:aud`]: "sts.amazonaws.com" } }),
            );
            assert.ok(m.includes(`${issuer}:sub is not constrained`), m);
            assert.ok(
                m.includes(
                    `"${issuer}:sub": "system:serviceaccount:<namespace>:<service-account>"`,
                ),
                m,
            );
        });

        it("any other OIDC provider: its registered client id under <issuer>:aud, not sts.amazonaws.com", async () => {
            const m = await only(web(oidc("auth.example.com")));
            assert.match(
                m,
                /Fix: add "StringEquals": \{"auth\.example\.com:aud": "<the client id registered with the IAM OIDC provider>", "auth\.example\.com:sub": "<the subject your provider issues to this workload>"\}/,
            );
            assert.doesNotMatch(m, /sts\.amazonaws\.com|repo:/);
        });
    });

    it("skips a malformed trust policy, which iam-policy-document-valid reports once, with the problem", async () => {
        const malformed = {
            Statement: {
                Effect: "Allow",
                Principal: "arn:aws:iam::1:root",
                Action: "sts:AssumeRole",
            },
        };
        assertViolations({ violations: await trust(malformed) }, 0);
        assertViolations(
            await runResourcePolicy(iamPolicyDocumentValid, aws.iam.Role, {
                assumeRolePolicy: malformed,
            }),
            1,
            'a string principal must be "*"',
        );
    });
});
