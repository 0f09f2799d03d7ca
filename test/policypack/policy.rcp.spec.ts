// Resource control policies (aws.organizations.Policy of type RESOURCE_CONTROL_POLICY): their
// grammar (iam-policy-document-valid: Version 2012-10-17, Deny only, Principal "*"), a Deny's
// required Principal "*" never read as a grant (iam-no-wildcard-principal) and their soundness
// (rcp-perimeter-sound: only services RCPs apply to, and no Deny that stops CloudTrail delivering
// the organization trail's logs or a perimeter that stops AWS services acting for it).
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
    iamNoWildcardPrincipal,
    iamPolicyDocumentValid,
    rcpPerimeterSound,
} from "../../policypack/policies";
import { ORGANIZATION_POLICY_TYPES as COMPONENT_TYPES } from "../../components/guardrails";
import { ORGANIZATION_POLICY_TYPES } from "../../policypack/model/organizationPolicies";
import { RCP_MAX_CHARACTERS } from "../../policypack/policies/rcp";
import {
    assertViolations,
    Json,
    policyDoc,
    ResourceRun,
    runResourcePolicy,
    runStackPolicy,
    StackResourceSpec,
} from "./helpers";

const ORG = "o-a1b2c3d4e5";
const TRAIL_BUCKET = "org-trail-logs";

function rcp(content: unknown, type = "RESOURCE_CONTROL_POLICY"): Json {
    return { name: "perimeter", type, content };
}

const run = (policy: ResourceValidationPolicy, content: unknown, type?: string) =>
    runResourcePolicy(policy, aws.organizations.Policy, rcp(content, type));
const valid = (content: unknown, type?: string) => run(iamPolicyDocumentValid, content, type);
const wildcard = (content: unknown) => run(iamNoWildcardPrincipal, content);
const perimeter = (content: unknown) => run(rcpPerimeterSound, content);

/** AWS's identity perimeter: Deny outside the organization, AWS services exempt. */
const PERIMETER: Json = {
    Sid: "EnforceOrgIdentities",
    Effect: "Deny",
    Principal: "*",
    Action: ["s3:*", "sqs:*", "kms:*", "secretsmanager:*", "sts:AssumeRole"],
    Resource: "*",
    Condition: {
        StringNotEqualsIfExists: { "aws:PrincipalOrgID": ORG },
        BoolIfExists: { "aws:PrincipalIsAWSService": "false" },
    },
};

/** The same Deny without the AWS-service exception. */
const NO_EXCEPTION: Json = {
    ...PERIMETER,
    Condition: { StringNotEqualsIfExists: { "aws:PrincipalOrgID": ORG } },
};

const FULL_ACCESS: Json = { Effect: "Allow", Principal: "*", Action: "*", Resource: "*" };

const none = (r: ResourceRun) => assert.deepStrictEqual(r.violations, []);

describe("resource control policies", () => {
    describe("iam-policy-document-valid: the RCP grammar", () => {
        const encodings: Array<[string, unknown]> = [
            ["a JSON string", JSON.stringify(policyDoc(PERIMETER))],
            ["an object", policyDoc(PERIMETER)],
            ["a single Statement object", { Version: "2012-10-17", Statement: PERIMETER }],
        ];
        for (const [what, content] of encodings)
            it(`accepts AWS's perimeter RCP as ${what}`, async () => none(await valid(content)));

        const broken: Array<[string, Json, string]> = [
            [
                "a Principal other than the bare *",
                { ...PERIMETER, Principal: { AWS: "*" } },
                `an RCP's Principal must be "*", got {"AWS":"*"}`,
            ],
            [
                "NotPrincipal",
                {
                    ...PERIMETER,
                    Principal: undefined,
                    NotPrincipal: { AWS: "arn:aws:iam::111122223333:root" },
                },
                "RCPs do not support NotPrincipal",
            ],
            [
                "NotAction",
                { ...PERIMETER, Action: undefined, NotAction: "ec2:*" },
                "RCPs do not support NotAction",
            ],
            ["no Principal", { ...PERIMETER, Principal: undefined }, "Principal"],
        ];
        for (const [what, statement, fragment] of broken)
            it(`rejects ${what}, naming the statement`, async () => {
                const content = JSON.stringify(policyDoc(JSON.parse(JSON.stringify(statement))));
                assertViolations(
                    await valid(content),
                    1,
                    "content is not a valid resource control policy",
                    fragment,
                );
            });

        it("rejects a document over 5,120 characters, white space included, and accepts one at it", async () => {
            const text = JSON.stringify(policyDoc(PERIMETER));
            const at = text + " ".repeat(RCP_MAX_CHARACTERS - text.length);
            assert.strictEqual(at.length, 5120);
            none(await valid(at));
            assertViolations(await valid(at + " "), 1, "it is 5121 characters", "at most 5120");
        });

        it("reads the size limit from the one table the program's guardrails share", () => {
            assert.strictEqual(RCP_MAX_CHARACTERS, 5120);
            assert.strictEqual(COMPONENT_TYPES, ORGANIZATION_POLICY_TYPES);
        });

        // AWS's syntax page: Version "2012-10-17" only (issue 12 review, finding 4).
        for (const [what, content, fragment] of [
            ["no Version", { Statement: [PERIMETER] }, "its Version is missing"],
            [
                'Version "2008-10-17"',
                { Version: "2008-10-17", Statement: [PERIMETER] },
                'its Version is "2008-10-17"',
            ],
        ] as Array<[string, Json, string]>)
            it(`rejects ${what}`, async () => {
                for (const encoded of [content, JSON.stringify(content)])
                    assertViolations(
                        await valid(encoded),
                        1,
                        "content is not a valid resource control policy",
                        fragment,
                        '"Version": "2012-10-17"',
                    );
            });

        // Allow is supported only in AWS's own RCPFullAWSAccess, which no plan defines (issue 12
        // review, finding 5): a custom RCP's Allow is refused, full access included.
        const allows: Array<[string, Json]> = [
            ["a copy of RCPFullAWSAccess", FULL_ACCESS],
            [
                "an Allow to * on some actions",
                { ...FULL_ACCESS, Sid: "Public", Action: "s3:GetObject" },
            ],
            [
                "a full-access Allow with a condition",
                {
                    ...FULL_ACCESS,
                    Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } },
                },
            ],
            ["a full-access Allow on one bucket", { ...FULL_ACCESS, Resource: "arn:aws:s3:::b" }],
        ];
        for (const [what, statement] of allows)
            it(`rejects ${what}, naming the statement`, async () => {
                const r = await valid({ Version: "2012-10-17", Statement: [PERIMETER, statement] });
                assertViolations(
                    r,
                    1,
                    "content is not a valid resource control policy",
                    "Statement[1]",
                    'its Effect is "Allow"',
                    "RCPFullAWSAccess",
                );
                assert.ok(!r.violations[0].includes("Statement[0]"), r.violations[0]);
            });

        it("rejects content that is not JSON", async () => {
            assertViolations(await valid("{ Statement: nope"), 1, "not a valid resource control");
        });

        it("does not hold an SCP (no Principal) to the RCP grammar", async () => {
            const scp = policyDoc({ Effect: "Deny", Action: "s3:*", Resource: "*" });
            none(await valid(JSON.stringify(scp), "SERVICE_CONTROL_POLICY"));
            assertViolations(await valid(JSON.stringify(scp)), 1, "Principal");
        });
    });

    describe("iam-no-wildcard-principal", () => {
        it("does not flag a Deny's required Principal *", async () => {
            none(await wildcard(JSON.stringify(policyDoc(PERIMETER))));
            none(await wildcard(policyDoc(NO_EXCEPTION, { ...PERIMETER, Action: "*" })));
        });

        it("leaves an RCP's Allow to iam-policy-document-valid (reported once)", async () => {
            const doc = { Version: "2012-10-17", Statement: [PERIMETER, FULL_ACCESS] };
            none(await wildcard(doc));
            assertViolations(await valid(doc), 1, 'Statement[1]: its Effect is "Allow"');
        });

        it("leaves a malformed RCP to iam-policy-document-valid (reported once)", async () => {
            const bad = JSON.stringify(policyDoc({ ...FULL_ACCESS, Principal: { AWS: "*" } }));
            none(await wildcard(bad));
            assertViolations(await valid(bad), 1, "Principal");
        });
    });

    describe("rcp-perimeter-sound", () => {
        it("passes AWS's perimeter with the AWS-service exception", async () => {
            none(await perimeter(JSON.stringify(policyDoc(PERIMETER))));
            assert.strictEqual(rcpPerimeterSound.enforcementLevel, "mandatory");
        });

        it("flags a perimeter Deny without it: CloudTrail could not deliver the trail's logs", async () => {
            assertViolations(
                await perimeter(JSON.stringify(policyDoc(NO_EXCEPTION))),
                1,
                'Statement[0] (Sid "EnforceOrgIdentities")',
                "cloudtrail.amazonaws.com",
                "s3:PutObject",
                "kms:GenerateDataKey",
                `"aws:SourceOrgID": "${ORG}"`,
            );
        });

        it("accepts a source exception in place of aws:PrincipalIsAWSService", async () => {
            const source = {
                ...PERIMETER,
                Condition: {
                    StringNotEqualsIfExists: {
                        "aws:PrincipalOrgID": ORG,
                        "aws:SourceOrgID": ORG,
                    },
                },
            };
            none(await perimeter(policyDoc(source)));
        });

        it("probes a Deny pinned to the trail bucket on the bucket it names", async () => {
            const keepers = {
                Sid: "TrailBucketKeepers",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [`arn:aws:s3:::${TRAIL_BUCKET}`, `arn:aws:s3:::${TRAIL_BUCKET}/*`],
                Condition: {
                    ArnNotLike: {
                        "aws:PrincipalArn": "arn:aws:iam::*:role/OrgAccessLogArchiveAdmin",
                    },
                },
            };
            assertViolations(
                await perimeter(policyDoc(keepers)),
                1,
                `s3:GetBucketAcl on arn:aws:s3:::${TRAIL_BUCKET}`,
                `s3:PutObject to arn:aws:s3:::${TRAIL_BUCKET}/`,
            );
            const withTrail = {
                ...keepers,
                Condition: {
                    ...keepers.Condition,
                    StringNotEqualsIfExists: {
                        "aws:PrincipalServiceName": "cloudtrail.amazonaws.com",
                    },
                },
            };
            none(await perimeter(policyDoc(withTrail)));
        });

        it("honours an exception pinned to the trail the document names", async () => {
            const trail = "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail";
            const keepers = {
                Effect: "Deny",
                Principal: "*",
                Action: ["s3:*", "kms:*"],
                Resource: [
                    `arn:aws:s3:::${TRAIL_BUCKET}`,
                    `arn:aws:s3:::${TRAIL_BUCKET}/*`,
                    "arn:aws:kms:us-east-1:444455556666:key/*",
                ],
                Condition: {
                    ArnNotLikeIfExists: { "aws:SourceArn": trail },
                    StringNotLikeIfExists: {
                        "kms:EncryptionContext:aws:cloudtrail:arn": trail,
                    },
                    ArnNotLike: {
                        "aws:PrincipalArn": "arn:aws:iam::*:role/OrgAccessLogArchiveAdmin",
                    },
                },
            };
            none(await perimeter(policyDoc(keepers)));
            // A key statement pinned by the encryption context alone, as CloudTrail's key policy is.
            none(
                await perimeter(
                    policyDoc({
                        Effect: "Deny",
                        Principal: "*",
                        Action: "kms:*",
                        Resource: "arn:aws:kms:us-east-1:444455556666:key/*",
                        Condition: {
                            StringNotLike: { "kms:EncryptionContext:aws:cloudtrail:arn": trail },
                            ArnNotLike: {
                                "aws:PrincipalArn": "arn:aws:iam::*:role/OrgAccessLogArchiveAdmin",
                            },
                        },
                    }),
                ),
            );
            // Without the trail's source exception, the key still lets CloudTrail's data keys
            // through (their encryption context names the trail), the bucket no longer does.
            const sourceless = {
                ...keepers,
                Condition: { ...keepers.Condition, ArnNotLikeIfExists: undefined },
            };
            const r = await perimeter(JSON.stringify(policyDoc(sourceless)));
            assertViolations(r, 1, `s3:PutObject to arn:aws:s3:::${TRAIL_BUCKET}/`);
            assert.ok(!r.violations[0].includes("kms:GenerateDataKey"), r.violations[0]);
        });

        it("does not flag Deny statements AWS services' requests never meet", async () => {
            none(
                await perimeter(
                    policyDoc({
                        Effect: "Deny",
                        Principal: "*",
                        Action: "*",
                        Resource: "*",
                        Condition: { BoolIfExists: { "aws:SecureTransport": "false" } },
                    }),
                ),
            );
        });

        it("flags actions of services RCPs do not apply to, and only those", async () => {
            const r = await perimeter(
                policyDoc({ ...PERIMETER, Action: ["s3:*", "ec2:*", "IAM:PassRole", "s*:Get*"] }),
            );
            assertViolations(r, 1, "denies ec2:*, IAM:PassRole, which RCPs do not apply to");
            none(await perimeter(policyDoc({ ...PERIMETER, Action: "*" })));
            none(
                await perimeter(
                    policyDoc({
                        ...PERIMETER,
                        Action: [
                            "ecr:*",
                            "aoss:*",
                            "logs:*",
                            "cognito-idp:*",
                            "cognito-identity:*",
                        ],
                    }),
                ),
            );
        });

        // IAM Roles Anywhere is not on AWS's list of services RCPs apply to (only aws-samples
        // policies name it); DynamoDB is, since February 2026.
        it("flags IAM Roles Anywhere actions as restricting nothing, and not DynamoDB's", async () => {
            assertViolations(
                await perimeter(
                    policyDoc({ ...PERIMETER, Action: ["s3:*", "dynamodb:*", "rolesanywhere:*"] }),
                ),
                1,
                "denies rolesanywhere:*, which RCPs do not apply to",
            );
        });

        // Issue 12 review, finding 1: the trail bucket and key are found by the ARN's service
        // field whatever the partition, a wildcard partition filled with a real one.
        for (const [resource, probed] of [
            [`arn:aws:s3:::${TRAIL_BUCKET}/*`, `arn:aws:s3:::${TRAIL_BUCKET}/`],
            [`arn:*:s3:::${TRAIL_BUCKET}/*`, `arn:aws:s3:::${TRAIL_BUCKET}/`],
            [`arn:aws*:s3:::${TRAIL_BUCKET}/*`, `arn:aws:s3:::${TRAIL_BUCKET}/`],
            [`arn:aws-us-gov:s3:::${TRAIL_BUCKET}/*`, `arn:aws-us-gov:s3:::${TRAIL_BUCKET}/`],
            [`arn:aws:*:::${TRAIL_BUCKET}/*`, `arn:aws:s3:::${TRAIL_BUCKET}/`],
            [`arn:*:s3:::${TRAIL_BUCKET}*`, `arn:aws:s3:::${TRAIL_BUCKET}`],
        ])
            it(`probes a Deny to outsiders on ${resource} on the bucket it names`, async () => {
                assertViolations(
                    await perimeter(
                        policyDoc({ ...NO_EXCEPTION, Action: "s3:*", Resource: resource }),
                    ),
                    1,
                    "cloudtrail.amazonaws.com",
                    `s3:PutObject to ${probed}`,
                );
            });

        for (const resource of ["arn:*:kms:*:*:key/*", "arn:aws-cn:kms:cn-north-1:*:key/*"])
            it(`probes a Deny to outsiders on the keys ${resource}`, async () => {
                assertViolations(
                    await perimeter(
                        policyDoc({ ...NO_EXCEPTION, Action: "kms:*", Resource: resource }),
                    ),
                    1,
                    "kms:GenerateDataKey on arn:aws",
                );
            });

        // Issue 12 review, finding 3: a perimeter Deny over every resource of a service must let
        // any AWS service acting for the organization through, not only CloudTrail.
        for (const action of [
            "sqs:*",
            "secretsmanager:*",
            "sts:AssumeRole",
            "s3:GetObject",
            "sqs:Send*",
        ])
            it(`flags a perimeter Deny of ${action} with no AWS-service exception`, async () => {
                const r = await perimeter(policyDoc({ ...NO_EXCEPTION, Action: action }));
                assertViolations(
                    r,
                    1,
                    'Statement[0] (Sid "EnforceOrgIdentities")',
                    "any AWS service acting for the organization's own resources",
                    "sns.amazonaws.com",
                    action.replace("*", ""),
                );
                assert.ok(!r.violations[0].includes("CloudTrail ("), r.violations[0]);
                none(await perimeter(policyDoc({ ...PERIMETER, Action: action })));
            });

        it("probes the generic service on service-wide ARNs too, and not on named resources", async () => {
            assertViolations(
                await perimeter(
                    policyDoc({ ...NO_EXCEPTION, Action: "sqs:*", Resource: "arn:*:sqs:*:*:*" }),
                ),
                1,
                "sns.amazonaws.com",
                "arn:*:sqs:*:*:*",
            );
            // A Deny that names its queue is a deliberate lock: only CloudTrail is asked of it.
            none(
                await perimeter(
                    policyDoc({
                        ...NO_EXCEPTION,
                        Action: "sqs:*",
                        Resource: "arn:aws:sqs:us-east-1:111122223333:orders",
                    }),
                ),
            );
        });

        it("lets the generic service through a source exception pinned to the organization", async () => {
            none(
                await perimeter(
                    policyDoc({
                        ...NO_EXCEPTION,
                        Action: ["sqs:*", "sts:AssumeRole"],
                        Condition: {
                            StringNotEqualsIfExists: {
                                "aws:PrincipalOrgID": ORG,
                                "aws:SourceOrgID": ORG,
                            },
                        },
                    }),
                ),
            );
        });

        // Issue 12 review, finding 8: a service principal's own request carries
        // aws:ViaAWSService false, so Bool (not only BoolIfExists) on it denies CloudTrail.
        for (const op of ["Bool", "BoolIfExists"])
            it(`flags a perimeter whose only exception is ${op} aws:ViaAWSService false`, async () => {
                assertViolations(
                    await perimeter(
                        policyDoc({
                            ...NO_EXCEPTION,
                            Condition: {
                                StringNotEqualsIfExists: { "aws:PrincipalOrgID": ORG },
                                [op]: { "aws:ViaAWSService": "false" },
                            },
                        }),
                    ),
                    1,
                    "cloudtrail.amazonaws.com",
                    "s3:PutObject",
                );
            });

        it("leaves a malformed RCP and Allow statements to the other policies", async () => {
            none(
                await perimeter(JSON.stringify(policyDoc({ ...NO_EXCEPTION, NotAction: "s3:*" }))),
            );
            none(await perimeter(policyDoc(FULL_ACCESS, { ...FULL_ACCESS, Action: "ec2:*" })));
        });

        // Issue 12 review, finding 7: with the stack's own organization trail, an exception pinned
        // to another account or trail no longer passes for it.
        describe("with the stack's organization trail", () => {
            const ORG_TRAIL = "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail";
            const trail = (props: Json): StackResourceSpec => ({
                type: aws.cloudtrail.Trail,
                name: "org-trail",
                props: {
                    name: "org-trail",
                    s3BucketName: TRAIL_BUCKET,
                    isOrganizationTrail: true,
                    arn: ORG_TRAIL,
                    ...props,
                },
            });
            const policy = (condition: Json): StackResourceSpec => ({
                type: aws.organizations.Policy,
                name: "perimeter",
                props: rcp(
                    JSON.stringify(
                        policyDoc({
                            ...NO_EXCEPTION,
                            // The trail bucket's keepers: only CloudTrail's delivery is asked.
                            Resource: [
                                `arn:aws:s3:::${TRAIL_BUCKET}`,
                                `arn:aws:s3:::${TRAIL_BUCKET}/*`,
                            ],
                            Condition: {
                                StringNotEqualsIfExists: { "aws:PrincipalOrgID": ORG },
                                ...condition,
                            },
                        }),
                    ),
                ),
            });
            const stack = (...specs: StackResourceSpec[]) =>
                runStackPolicy(rcpPerimeterSound as unknown as StackValidationPolicy, specs);

            const elsewhere: Array<[string, Json]> = [
                [
                    "another account",
                    {
                        StringNotEqualsIfExists: {
                            "aws:PrincipalOrgID": ORG,
                            "aws:SourceAccount": "444455556666",
                        },
                    },
                ],
                [
                    "a trail in another account",
                    {
                        ArnNotLikeIfExists: {
                            "aws:SourceArn":
                                "arn:aws:cloudtrail:us-east-1:999999999999:trail/other",
                        },
                    },
                ],
            ];
            for (const [what, condition] of elsewhere)
                it(`flags an exception pinned to ${what}, on the policy, once`, async () => {
                    const p = policy(condition);
                    // Alone, the document's own pin is taken as the organization trail's.
                    none(await perimeter((p.props as { content: unknown }).content));
                    const r = await stack(trail({}), p);
                    assertViolations(
                        r,
                        1,
                        `this stack's organization trail ${ORG_TRAIL}`,
                        "for account 111122223333",
                        "s3:PutObject",
                    );
                    assert.deepStrictEqual(
                        r.violations.map((v) => v.urn?.split("::").pop()),
                        ["perimeter"],
                    );
                });

            it("passes an exception pinned to that trail or account, or any AWS service", async () => {
                for (const condition of [
                    { ArnNotLikeIfExists: { "aws:SourceArn": ORG_TRAIL } },
                    {
                        StringNotEqualsIfExists: {
                            "aws:PrincipalOrgID": ORG,
                            "aws:SourceAccount": "111122223333",
                        },
                    },
                    { BoolIfExists: { "aws:PrincipalIsAWSService": "false" } },
                ])
                    assertViolations(await stack(trail({}), policy(condition)), 0);
            });

            it("is off without an organization trail in the stack", async () => {
                const p = policy(elsewhere[0][1]);
                assertViolations(await stack(p), 0);
                assertViolations(await stack(trail({ isOrganizationTrail: false }), p), 0);
            });

            it("does not report twice what the policy's own check reports", async () => {
                assertViolations(await stack(trail({}), policy({})), 0);
            });
        });

        it("does not read SCPs", async () => {
            const scp = policyDoc({ Effect: "Deny", Action: "ec2:*", Resource: "*" });
            none(await run(rcpPerimeterSound, JSON.stringify(scp), "SERVICE_CONTROL_POLICY"));
        });
    });
});
