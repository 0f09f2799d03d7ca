/**
 * Unknown values during preview: a policy must let UnknownValueError through (the engine then
 * reports "can't run during preview") and must never crash otherwise or flip its verdict because
 * a value is unknown. Every leaf of every case below is replaced, one at a time, by the engine's
 * unknown sentinel of the matching kind.
 */
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, StackValidationPolicy, UnknownValueError } from "@pulumi/policy";
import * as p from "../../policypack/policies";
import {
    ALICE,
    allowAssume,
    Json,
    MFA,
    policyDoc,
    REPORTER,
    runResourcePolicy,
    runStackPolicy,
    StackResourceSpec,
    TypeSource,
    UNKNOWN_ARRAY,
    UNKNOWN_BOOLEAN,
    UNKNOWN_NUMBER,
    UNKNOWN_OBJECT,
    UNKNOWN_STRING,
} from "./helpers";

function sentinelFor(v: unknown): string {
    if (Array.isArray(v)) return UNKNOWN_ARRAY;
    if (typeof v === "object" && v !== null) return UNKNOWN_OBJECT;
    if (typeof v === "number") return UNKNOWN_NUMBER;
    if (typeof v === "boolean") return UNKNOWN_BOOLEAN;
    return UNKNOWN_STRING;
}

/** Every copy of `value` with exactly one node (leaf or subtree) replaced by its unknown sentinel. */
function variants(value: unknown, path: string[] = []): Array<{ path: string; value: unknown }> {
    const out: Array<{ path: string; value: unknown }> = [];
    if (path.length > 0) out.push({ path: path.join("."), value: sentinelFor(value) });
    if (Array.isArray(value)) {
        value.forEach((item, i) => {
            for (const v of variants(item, [...path, String(i)])) {
                const copy = [...value];
                copy[i] = v.value;
                out.push({ path: v.path, value: copy });
            }
        });
    } else if (typeof value === "object" && value !== null) {
        for (const [k, item] of Object.entries(value)) {
            for (const v of variants(item, [...path, k]))
                out.push({ path: v.path, value: { ...(value as Json), [k]: v.value } });
        }
    }
    return out;
}

const adminDoc = policyDoc({ Effect: "Allow", Action: "iam:*", Resource: "*" });
const readDoc = policyDoc({
    Effect: "Allow",
    Action: "s3:GetObject",
    Resource: "arn:aws:s3:::b/*",
});

const resourceCases: Array<[string, ResourceValidationPolicy, TypeSource, Json]> = [
    [
        "permission set session",
        p.iamRoleSessionCap,
        aws.ssoadmin.PermissionSet,
        { name: "Ops", instanceArn: "arn:aws:sso:::instance/ssoins-1", sessionDuration: "PT2H" },
    ],
    [
        "RCP grammar",
        p.iamPolicyDocumentValid,
        aws.organizations.Policy,
        {
            type: "RESOURCE_CONTROL_POLICY",
            content: policyDoc({
                Effect: "Deny",
                Principal: "*",
                NotAction: "s3:*",
                Resource: "*",
            }),
        },
    ],
    [
        "RCP Allow (refused by the RCP grammar)",
        p.iamPolicyDocumentValid,
        aws.organizations.Policy,
        {
            type: "RESOURCE_CONTROL_POLICY",
            content: policyDoc({ Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*" }),
        },
    ],
    [
        "RCP perimeter without the AWS-service exception",
        p.rcpPerimeterSound,
        aws.organizations.Policy,
        {
            type: "RESOURCE_CONTROL_POLICY",
            content: policyDoc({
                Effect: "Deny",
                Principal: "*",
                Action: ["s3:*", "ec2:*"],
                Resource: "*",
                Condition: { StringNotEqualsIfExists: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
            }),
        },
    ],
    [
        "public trust",
        p.iamNoWildcardPrincipal,
        aws.iam.Role,
        { assumeRolePolicy: policyDoc(allowAssume("*")) },
    ],
    [
        "org-pinned bucket policy",
        p.iamNoWildcardPrincipal,
        aws.s3.BucketPolicy,
        {
            bucket: "b",
            policy: policyDoc({
                Effect: "Allow",
                Principal: "*",
                Action: "s3:GetObject",
                Resource: "*",
                Condition: { StringEquals: { "aws:PrincipalOrgID": "o-1" } },
            }),
        },
    ],
    [
        "public Lambda permission",
        p.iamNoWildcardPrincipal,
        aws.lambda.Permission,
        { function: "f", action: "lambda:InvokeFunction", principal: "*" },
    ],
    [
        "MFA trust",
        p.iamTrustRequiresMfa,
        aws.iam.Role,
        { assumeRolePolicy: policyDoc(allowAssume({ AWS: ALICE }, MFA)) },
    ],
    [
        "no-MFA trust",
        p.iamTrustRequiresMfa,
        aws.iam.Role,
        {
            assumeRolePolicy: policyDoc(
                allowAssume(
                    { AWS: ALICE },
                    { BoolIfExists: { "aws:MultiFactorAuthPresent": "true" } },
                ),
            ),
        },
    ],
    [
        "ExternalId trust",
        p.iamTrustRequiresMfa,
        aws.iam.Role,
        {
            assumeRolePolicy: JSON.stringify(
                policyDoc(
                    allowAssume({ AWS: REPORTER }, { StringEquals: { "sts:ExternalId": "x" } }),
                ),
            ),
        },
    ],
    [
        "admin inline",
        p.iamNoAdminGrants,
        aws.iam.Role,
        {
            name: "r",
            assumeRolePolicy: policyDoc(allowAssume({ Service: "ec2.amazonaws.com" })),
            inlinePolicies: [{ name: "a", policy: adminDoc }],
            managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
        },
    ],
    [
        "admin attachment",
        p.iamNoAdminGrants,
        aws.iam.RolePolicyAttachment,
        { role: "r", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" },
    ],
    ["read policy", p.iamNoAdminGrants, aws.iam.Policy, { policy: readDoc }],
    [
        "break-glass",
        p.iamNoAdminGrants,
        aws.iam.Role,
        {
            name: "bg",
            maxSessionDuration: 3600,
            assumeRolePolicy: policyDoc(allowAssume({ AWS: ALICE }, MFA)),
            managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
        },
    ],
    [
        "long session",
        p.iamRoleSessionCap,
        aws.iam.Role,
        {
            maxSessionDuration: 43200,
            assumeRolePolicy: policyDoc(allowAssume({ AWS: ALICE }, MFA)),
        },
    ],
    [
        "user policy",
        p.iamNoUserPolicies,
        aws.iam.PolicyAttachment,
        { policyArn: "x", users: ["bob"], groups: ["g"] },
    ],
    [
        "trail",
        p.cloudtrailHardened,
        aws.cloudtrail.Trail,
        { isMultiRegionTrail: true, enableLogFileValidation: false, kmsKeyId: "k" },
    ],
];

describe("unknown values during preview", () => {
    for (const [what, policy, type, props] of resourceCases) {
        it(`${policy.name}: ${what}`, async () => {
            const config = what === "break-glass" ? { breakGlassRoles: ["bg"] } : undefined;
            const base = await runResourcePolicy(policy, type, props, { config });
            let propagated = 0;
            for (const v of variants(props)) {
                let count: number;
                try {
                    count = (await runResourcePolicy(policy, type, v.value as Json, { config }))
                        .violations.length;
                } catch (e) {
                    assert.ok(e instanceof UnknownValueError, `${v.path}: threw ${String(e)}`);
                    propagated++;
                    continue;
                }
                assert.strictEqual(
                    count,
                    base.violations.length,
                    `verdict flipped with ${v.path} unknown`,
                );
            }
            assert.ok(propagated > 0, "no unknown value ever reached the policy");
        });
    }

    it("a whole unknown trust policy stops the policy rather than passing it", async () => {
        await assert.rejects(
            runResourcePolicy(p.iamTrustRequiresMfa, aws.iam.Role, {
                assumeRolePolicy: UNKNOWN_STRING,
            }),
            UnknownValueError,
        );
        await assert.rejects(
            runResourcePolicy(p.iamNoWildcardPrincipal, aws.iam.Role, {
                assumeRolePolicy: UNKNOWN_STRING,
            }),
            UnknownValueError,
        );
    });

    const stackCases: Array<[StackValidationPolicy, StackResourceSpec[], Json | undefined]> = [
        [
            p.iamNoHumanAccessKeys,
            [
                { type: aws.iam.User, name: "alice", props: { name: "alice" } },
                { type: aws.iam.UserLoginProfile, name: "alice-login", props: { user: "alice" } },
                { type: aws.iam.AccessKey, name: "alice-key", props: { user: "alice" } },
            ],
            undefined,
        ],
        [
            p.awsProviderAllowedAccounts,
            [
                {
                    type: "pulumi:providers:aws",
                    name: "p",
                    props: { allowedAccountIds: ["333333333333", "444444444444"] },
                },
            ],
            undefined,
        ],
        [
            p.auditRolePerWorkloadAccount,
            [
                { type: "org-access:access:AuditRole", name: "a", props: {} },
                {
                    type: aws.iam.Role,
                    name: "a-role",
                    props: { name: "SecurityAuditRole" },
                    provider: {
                        type: "pulumi:providers:aws",
                        name: "p",
                        props: { allowedAccountIds: ["333333333333"] },
                    },
                    parent: "a",
                },
            ],
            { workloadAccountIds: ["333333333333"] },
        ],
        [
            // The stack's organization trail against an exception pinned to another account.
            p.rcpPerimeterSound as unknown as StackValidationPolicy,
            [
                {
                    type: aws.cloudtrail.Trail,
                    name: "org-trail",
                    props: {
                        isOrganizationTrail: true,
                        arn: "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail",
                    },
                },
                {
                    type: aws.organizations.Policy,
                    name: "keepers",
                    props: {
                        type: "RESOURCE_CONTROL_POLICY",
                        content: policyDoc({
                            Effect: "Deny",
                            Principal: "*",
                            Action: "s3:*",
                            Resource: "arn:aws:s3:::org-trail-logs/*",
                            Condition: {
                                StringNotEqualsIfExists: { "aws:SourceAccount": "444455556666" },
                            },
                        }),
                    },
                },
            ],
            undefined,
        ],
    ];
    for (const [policy, specs, config] of stackCases) {
        it(`${policy.name}: stack resources`, async () => {
            const base = await runStackPolicy(policy, specs, config);
            let propagated = 0;
            for (let i = 0; i < specs.length; i++) {
                for (const v of variants(specs[i].props)) {
                    const changed = specs.map((s, j) =>
                        j === i ? { ...s, props: v.value as Json } : s,
                    );
                    try {
                        const r = await runStackPolicy(policy, changed, config);
                        assert.strictEqual(
                            r.violations.length,
                            base.violations.length,
                            `verdict flipped with ${specs[i].name}.${v.path} unknown`,
                        );
                    } catch (e) {
                        assert.ok(e instanceof UnknownValueError, `${v.path}: threw ${String(e)}`);
                        propagated++;
                    }
                }
            }
            assert.ok(propagated > 0);
        });
    }
});
