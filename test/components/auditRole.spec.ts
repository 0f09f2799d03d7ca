import * as assert from "assert";
import {
    AUDIT_MAX_SESSION_SECONDS,
    CLOUDSHELL_ACTIONS,
    DATA_READ_ACTIONS,
    IAM_WRITE_ACTIONS,
    trustProblems,
} from "../../components/auditRole";
import { PlanResult } from "../../plan/run";
import {
    doc,
    one,
    ofType,
    planWorkload,
    PROD,
    rejection,
    SECURITY,
    STAGING,
    statement,
    workloadValues,
} from "../helpers";

/** IAM's action globbing, case-insensitive, for checking that Deny patterns cover real actions. */
function covers(patterns: readonly string[], action: string): boolean {
    return patterns.some((p) =>
        new RegExp(
            `^${p
                .replace(/[.+^${}()|[\]\\]/g, "\\$&")
                .replace(/\*/g, ".*")
                .replace(/\?/g, ".")}$`,
            "i",
        ).test(action),
    );
}

describe("AuditRole", () => {
    let plan: PlanResult;
    before(async () => {
        plan = await planWorkload(workloadValues());
    });

    it("creates one SecurityAuditRole per workload account, through that account's provider", () => {
        const roles = ofType(plan, "aws:iam/role:Role");
        assert.deepStrictEqual(
            roles.map((r) => [r.name, r.props.name, r.accountId]),
            [
                ["prod-role", "SecurityAuditRole", PROD],
                ["staging-role", "SecurityAuditRole", STAGING],
            ],
        );
    });

    it("trusts humans only with MFA that is present (Bool, not BoolIfExists) and recent", () => {
        const s = statement(
            one(plan, "aws:iam/role:Role", "prod-role").props.assumeRolePolicy,
            "HumansWithMfa",
        );
        assert.deepStrictEqual(s, {
            Sid: "HumansWithMfa",
            Effect: "Allow",
            Principal: { AWS: [`arn:aws:iam::${SECURITY}:user/org-access/alice`] },
            Action: "sts:AssumeRole",
            Condition: {
                Bool: { "aws:MultiFactorAuthPresent": "true" },
                NumericLessThan: { "aws:MultiFactorAuthAge": "3600" },
            },
        });
    });

    it("trusts each program only with its exact ExternalId, and trusts nobody else", () => {
        const trust = doc(one(plan, "aws:iam/role:Role", "prod-role").props.assumeRolePolicy);
        assert.strictEqual(trust.Statement.length, 2);
        assert.deepStrictEqual(trust.Statement[1], {
            Sid: "ProgramWithExternalId0",
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${SECURITY}:user/org-access/reporter` },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "sts:ExternalId": "ext-id-0123456789abcdef" } },
        });
        for (const s of trust.Statement) {
            assert.strictEqual(s.NotPrincipal, undefined);
            assert.ok(!JSON.stringify(s.Principal).includes("*"), "no wildcard principal");
        }
    });

    it("keeps the trust policy secret, since it carries ExternalIds", () => {
        for (const r of ofType(plan, "aws:iam/role:Role"))
            assert.deepStrictEqual(r.secretProps, ["assumeRolePolicy"], r.name);
    });

    it("caps sessions at one hour", () => {
        assert.strictEqual(AUDIT_MAX_SESSION_SECONDS, 3600);
        for (const r of ofType(plan, "aws:iam/role:Role"))
            assert.strictEqual(r.props.maxSessionDuration, 3600);
    });

    it("attaches the configured AWS-managed read policies, in the account's partition", async () => {
        const attachments = (p: PlanResult) =>
            ofType(p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                .filter((a) => a.accountId === PROD)
                .map((a) => a.props.policyArn);
        assert.deepStrictEqual(attachments(plan), [
            "arn:aws:iam::aws:policy/SecurityAudit",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
        ]);
        const view = await planWorkload(
            workloadValues({ auditRole: { managedPolicies: ["ViewOnlyAccess"] } }),
        );
        assert.deepStrictEqual(attachments(view), [
            "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
        ]);
        const gov = await planWorkload(
            workloadValues({
                trustedPrincipals: { humanArns: [`arn:aws-us-gov:iam::${SECURITY}:user/alice`] },
            }),
            { region: "us-gov-west-1" },
        );
        assert.deepStrictEqual(attachments(gov), [
            "arn:aws-us-gov:iam::aws:policy/SecurityAudit",
            "arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess",
        ]);
        assert.strictEqual(
            gov.outputs.auditRoleArns && (gov.outputs.auditRoleArns as Record<string, string>).prod,
            `arn:aws-us-gov:iam::${PROD}:role/SecurityAuditRole`,
        );
    });

    it("denies every IAM write, the data reads ReadOnlyAccess allows, and CloudShell", () => {
        const deny = doc(one(plan, "aws:iam/rolePolicy:RolePolicy", "prod-deny").props.policy);
        assert.deepStrictEqual(
            deny.Statement.map((s) => [s.Sid, s.Effect, s.Resource, s.Condition]),
            [
                ["DenyIamWrites", "Deny", "*", undefined],
                ["DenyDataReads", "Deny", "*", undefined],
                ["DenyCloudShell", "Deny", "*", undefined],
            ],
        );
        const denied = deny.Statement.flatMap((s) => s.Action as string[]);
        const mustDeny = [
            "iam:CreateUser",
            "iam:CreateAccessKey",
            "iam:DeleteRole",
            "iam:PutRolePolicy",
            "iam:PutUserPolicy",
            "iam:AttachRolePolicy",
            "iam:DetachUserPolicy",
            "iam:UpdateAssumeRolePolicy",
            "iam:AddUserToGroup",
            "iam:RemoveRoleFromInstanceProfile",
            "iam:PassRole",
            "iam:CreatePolicyVersion",
            "iam:SetDefaultPolicyVersion",
            "iam:CreateLoginProfile",
            "iam:UpdateLoginProfile",
            "iam:TagRole",
            "iam:UploadSSHPublicKey",
            "iam:EnableMFADevice",
            "iam:DeactivateMFADevice",
            "iam:ChangePassword",
            "iam:ResetServiceSpecificCredential",
            "s3:GetObject",
            "s3:GetObjectVersion",
            "secretsmanager:GetSecretValue",
            "ssm:GetParameter",
            "ssm:GetParametersByPath",
            "kms:Decrypt",
            "dynamodb:GetItem",
            "dynamodb:Query",
            "dynamodb:Scan",
            "cloudshell:CreateEnvironment",
            "CloudShell:StartEnvironment",
        ];
        for (const action of mustDeny)
            assert.ok(covers(denied, action), `${action} must be denied`);
        const mustAllow = [
            "iam:GetRole",
            "iam:ListRoles",
            "iam:GetAccountAuthorizationDetails",
            "iam:GenerateCredentialReport",
            "ec2:DescribeInstances",
            "s3:GetBucketPolicy",
            "s3:ListBucket",
            "kms:DescribeKey",
            "cloudtrail:LookupEvents",
        ];
        for (const action of mustAllow)
            assert.ok(!covers(denied, action), `${action} must stay readable`);
        assert.deepStrictEqual(
            denied.sort(),
            [...IAM_WRITE_ACTIONS, ...DATA_READ_ACTIONS, ...CLOUDSHELL_ACTIONS].sort(),
        );
    });

    it("tags the role with the stack's tags and the account name", () => {
        const tags = one(plan, "aws:iam/role:Role", "staging-role").props.tags as Record<
            string,
            string
        >;
        assert.deepStrictEqual(tags, {
            ManagedBy: "org-access",
            Stack: "workload",
            Account: "staging",
        });
    });

    it("exports each role's ARN", async () => {
        assert.deepStrictEqual(plan.outputs.auditRoleArns, {
            prod: `arn:aws:iam::${PROD}:role/SecurityAuditRole`,
            staging: `arn:aws:iam::${STAGING}:role/SecurityAuditRole`,
        });
    });

    it("honours a custom role name and path", async () => {
        const p = await planWorkload(
            workloadValues({ auditRole: { name: "Auditor", path: "/org-access/" } }),
        );
        assert.deepStrictEqual(p.outputs.auditRoleArns, {
            prod: `arn:aws:iam::${PROD}:role/org-access/Auditor`,
            staging: `arn:aws:iam::${STAGING}:role/org-access/Auditor`,
        });
    });

    describe("refuses principals it must not trust", () => {
        it("rejects wildcards, foreign accounts and bad ExternalIds, listing every problem", () => {
            assert.deepStrictEqual(
                trustProblems(
                    SECURITY,
                    [
                        "arn:aws:iam::*:root",
                        `arn:aws:iam::${SECURITY}:user/*`,
                        `arn:aws:iam::${PROD}:user/eve`,
                        "*",
                    ],
                    [{ arn: `arn:aws:iam::${SECURITY}:user/r`, externalId: "" }],
                ),
                [
                    `human principal [0] "arn:aws:iam::*:root" is not an exact IAM user or role ARN (wildcards are never trusted)`,
                    `human principal [1] "arn:aws:iam::${SECURITY}:user/*" is not an exact IAM user or role ARN (wildcards are never trusted)`,
                    `human principal [2] "arn:aws:iam::${PROD}:user/eve" is not in the trusted account ${SECURITY}`,
                    `human principal [3] "*" is not an exact IAM user or role ARN (wildcards are never trusted)`,
                    `programmatic principal [0] (arn:aws:iam::${SECURITY}:user/r) needs an ExternalId of 2-1224 characters from [\\w+=,.@:/-]`,
                ],
            );
            assert.deepStrictEqual(trustProblems(SECURITY, [], []), [
                "no designated principal: nobody could assume the role",
            ]);
            assert.deepStrictEqual(
                trustProblems(
                    SECURITY,
                    [`arn:aws:iam::${SECURITY}:user/org-access/alice`],
                    [{ arn: `arn:aws:iam::${SECURITY}:role/scanner`, externalId: "abc-123" }],
                ),
                [],
            );
        });

        it("fails the plan when the security stack exports a wildcard principal", async () => {
            const values = workloadValues();
            delete values.trustedPrincipals;
            const e = await rejection(
                planWorkload(values, {
                    stackOutputs: {
                        "organization/org-access/security": {
                            trustedPrincipals: {
                                humanArns: ["arn:aws:iam::*:root"],
                                reporters: [],
                            },
                        },
                    },
                }),
            );
            assert.match(
                e.message,
                /the trusted principals from stack organization\/org-access\/security output trustedPrincipals are invalid:\n\* .*humanArns\.0: must be an exact IAM user or role ARN, with no wildcard/,
            );
        });

        it("fails the plan when the security stack exports principals of another account", async () => {
            const values = workloadValues();
            delete values.trustedPrincipals;
            const e = await rejection(
                planWorkload(values, {
                    stackOutputs: {
                        "organization/org-access/security": {
                            trustedPrincipals: {
                                humanArns: [`arn:aws:iam::${PROD}:user/eve`],
                                reporters: [],
                            },
                        },
                    },
                }),
            );
            assert.match(
                e.message,
                /AuditRole prod: refusing to create a trust policy:\n\* human principal \[0\] "arn:aws:iam::777788889999:user\/eve" is not in the trusted account 111122223333/,
            );
        });
    });
});
