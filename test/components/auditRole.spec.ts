import * as assert from "assert";
import {
    AUDIT_MAX_SESSION_SECONDS,
    CLOUDSHELL_ACTIONS,
    DATA_READ_ACTIONS,
    IAM_WRITE_ACTIONS,
    trustProblems,
    WRITE_LEVEL_GRANTS,
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
// Network conditions for programs (issue 9, 8.4).
import * as aws from "@pulumi/aws";
import { auditTrustPolicy } from "../../components/auditRole";
import { parseTrustedPrincipals } from "../../stacks/workload";
import {
    actionMatches,
    awsPrincipalFromArn,
    evaluateRequest,
    parsePolicyDocument,
    RequestPrincipal,
} from "../../policypack/iam";
import { iamNoWildcardPrincipal, iamTrustRequiresMfa } from "../../policypack/policies";
import { runResourcePolicy } from "../policypack/helpers";
import { planSecurity, projectWith, securityValues } from "../helpers";

/** Do the Deny patterns cover a real action? IAM's own action matching decides. */
function covers(patterns: readonly string[], action: string): boolean {
    return patterns.some((p) => actionMatches(p, action));
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
                [`acct-${PROD}-role`, "SecurityAuditRole", PROD],
                [`acct-${STAGING}-role`, "SecurityAuditRole", STAGING],
            ],
        );
    });

    it("trusts the security account's auditors (users under the path, tagged human and audit) only with MFA that is present (Bool, not BoolIfExists) and recent", () => {
        const s = statement(
            one(plan, "aws:iam/role:Role", `acct-${PROD}-role`).props.assumeRolePolicy,
            "HumansWithMfa",
        );
        assert.deepStrictEqual(s, {
            Sid: "HumansWithMfa",
            Effect: "Allow",
            // The account, narrowed by conditions: the statement's size does not grow with people.
            Principal: { AWS: `arn:aws:iam::${SECURITY}:root` },
            Action: "sts:AssumeRole",
            Condition: {
                ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${SECURITY}:user/org-access/*` },
                StringEquals: {
                    "aws:PrincipalTag/org-access:principal-type": "human",
                    "aws:PrincipalTag/org-access:duty": "audit",
                },
                Bool: { "aws:MultiFactorAuthPresent": "true" },
                NumericLessThan: { "aws:MultiFactorAuthAge": "3600" },
            },
        });
    });

    it("keeps one statement for people whatever their number: 100 auditors fit IAM's default quota", async () => {
        const many = await planWorkload(
            workloadValues({
                trustedPrincipals: {
                    humanArns: Array.from(
                        { length: 100 },
                        (_, i) => `arn:aws:iam::${SECURITY}:user/org-access/auditor-${i}`,
                    ),
                    reporters: [],
                },
            }),
        );
        const trust = String(
            one(many, "aws:iam/role:Role", `acct-${PROD}-role`).props.assumeRolePolicy,
        );
        assert.strictEqual(doc(trust).Statement.length, 1);
        assert.ok(trust.length < 2048, `${trust.length} characters`);
    });

    it("refuses people under several IAM paths (one statement names one path)", async () => {
        const e = await rejection(
            planWorkload(
                workloadValues({
                    trustedPrincipals: {
                        humanArns: [
                            `arn:aws:iam::${SECURITY}:user/org-access/alice`,
                            `arn:aws:iam::${SECURITY}:user/other/bob`,
                        ],
                        reporters: [],
                    },
                }),
            ),
        );
        assert.match(
            e.message,
            /AuditRole acct-777788889999: the users are under several IAM paths \(\/org-access\/, \/other\/\); one trust statement names one path/,
        );
    });

    it("trusts each program only with its exact ExternalId, and trusts nobody else", () => {
        const trust = doc(
            one(plan, "aws:iam/role:Role", `acct-${PROD}-role`).props.assumeRolePolicy,
        );
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
            "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
        ]);
        const readOnly = await planWorkload(
            workloadValues({ auditRole: { managedPolicies: ["SecurityAudit", "ReadOnlyAccess"] } }),
        );
        assert.deepStrictEqual(attachments(readOnly), [
            "arn:aws:iam::aws:policy/SecurityAudit",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
        ]);
        const gov = await planWorkload(
            workloadValues({
                trustedPrincipals: { humanArns: [`arn:aws-us-gov:iam::${SECURITY}:user/alice`] },
            }),
            { region: "us-gov-west-1" },
        );
        assert.deepStrictEqual(attachments(gov), [
            "arn:aws-us-gov:iam::aws:policy/SecurityAudit",
            "arn:aws-us-gov:iam::aws:policy/job-function/ViewOnlyAccess",
        ]);
        assert.strictEqual(
            gov.outputs.auditRoleArns && (gov.outputs.auditRoleArns as Record<string, string>).prod,
            `arn:aws-us-gov:iam::${PROD}:role/SecurityAuditRole`,
        );
    });

    it("denies every IAM write, data reads in every service, and CloudShell", () => {
        const deny = doc(
            one(plan, "aws:iam/rolePolicy:RolePolicy", `acct-${PROD}-deny`).props.policy,
        );
        assert.deepStrictEqual(
            deny.Statement.map((s) => [s.Sid, s.Effect, s.Resource, s.Condition]),
            [
                ["DenyIamWrites", "Deny", "*", undefined],
                ["DenyDataReads", "Deny", "*", undefined],
                ["DenyCloudShell", "Deny", "*", undefined],
                ["DenyWriteLevelGrants", "Deny", "*", undefined],
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
            "dax:GetItem",
            "es:ESHttpGet",
            "cassandra:Select",
            "codecommit:GitPull",
            "logs:GetLogEvents",
            "logs:StartQuery",
            "lambda:GetLayerVersion",
            "states:GetExecutionHistory",
            "athena:GetQueryResults",
            "s3express:CreateSession",
            "glacier:GetJobOutput",
            "ec2:GetConsoleOutput",
            "rds:DownloadDBLogFilePortion",
            "kinesisvideo:GetMedia",
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
            "logs:DescribeLogGroups",
            "iam:GetRolePolicy",
            "lambda:GetFunctionConfiguration",
        ];
        for (const action of mustAllow)
            assert.ok(!covers(denied, action), `${action} must stay readable`);
        assert.deepStrictEqual(
            denied.sort(),
            [
                ...IAM_WRITE_ACTIONS,
                ...DATA_READ_ACTIONS,
                ...CLOUDSHELL_ACTIONS,
                ...WRITE_LEVEL_GRANTS,
            ].sort(),
        );
    });

    it("tags the role with the stack's tags and the account name", () => {
        const tags = one(plan, "aws:iam/role:Role", `acct-${STAGING}-role`).props.tags as Record<
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
                /AuditRole acct-777788889999: refusing to create a trust policy:\n\* human principal \[0\] "arn:aws:iam::777788889999:user\/eve" is not in the trusted account 111122223333/,
            );
        });
    });
});

describe("AuditRole trust: network conditions for programs", () => {
    const REPORTER = `arn:aws:iam::${SECURITY}:user/org-access/reporter`;
    const EXT = "ext-id-0123456789abcdef";
    const IPS = ["203.0.113.0/24", "2001:db8:1234::/48"];
    const VPCES = ["vpce-0123456789abcdef0", "vpce-0a1b2c3d"];
    const withNetwork = (network: Record<string, unknown>) =>
        workloadValues({
            trustedPrincipals: {
                humanArns: [`arn:aws:iam::${SECURITY}:user/org-access/alice`],
                reporters: [{ name: "reporter", arn: REPORTER, externalId: EXT, ...network }],
            },
        });
    const trustOf = (p: PlanResult, name = `acct-${PROD}-role`) =>
        doc(one(p, "aws:iam/role:Role", name).props.assumeRolePolicy);
    let both: PlanResult;
    before(async () => {
        both = await planWorkload(withNetwork({ sourceIps: IPS, sourceVpces: VPCES }));
    });

    it("gives a program with both kinds one statement per kind, each requiring the ExternalId", () => {
        for (const role of [`acct-${PROD}-role`, `acct-${STAGING}-role`]) {
            const trust = trustOf(both, role);
            assert.deepStrictEqual(trust.Statement.slice(1), [
                {
                    Sid: "ProgramWithExternalId0FromSourceIp",
                    Effect: "Allow",
                    Principal: { AWS: REPORTER },
                    Action: "sts:AssumeRole",
                    Condition: {
                        StringEquals: { "sts:ExternalId": EXT },
                        IpAddress: { "aws:SourceIp": IPS },
                    },
                },
                {
                    Sid: "ProgramWithExternalId0ThroughVpce",
                    Effect: "Allow",
                    Principal: { AWS: REPORTER },
                    Action: "sts:AssumeRole",
                    Condition: {
                        StringEquals: { "sts:ExternalId": EXT, "aws:SourceVpce": VPCES },
                    },
                },
            ]);
        }
    });

    it("gives a program with one kind only that statement, and one without any the plain ExternalId statement", async () => {
        const ips = await planWorkload(withNetwork({ sourceIps: ["198.51.100.0/28"] }));
        assert.deepStrictEqual(
            trustOf(ips).Statement.map((s) => [s.Sid, s.Condition]),
            [
                ["HumansWithMfa", trustOf(ips).Statement[0].Condition],
                [
                    "ProgramWithExternalId0FromSourceIp",
                    {
                        StringEquals: { "sts:ExternalId": EXT },
                        IpAddress: { "aws:SourceIp": ["198.51.100.0/28"] },
                    },
                ],
            ],
        );
        const vpce = await planWorkload(withNetwork({ sourceVpces: ["vpce-0a1b2c3d"] }));
        assert.deepStrictEqual(
            trustOf(vpce).Statement.map((s) => s.Sid),
            ["HumansWithMfa", "ProgramWithExternalId0ThroughVpce"],
        );
        const none = await planWorkload(withNetwork({}));
        assert.deepStrictEqual(trustOf(none).Statement[1], {
            Sid: "ProgramWithExternalId0",
            Effect: "Allow",
            Principal: { AWS: REPORTER },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "sts:ExternalId": EXT } },
        });
    });

    describe("evaluated as STS would", () => {
        const trust = () => parsePolicyDocument(trustOf(both), "trust");
        const reporter = awsPrincipalFromArn(REPORTER) as RequestPrincipal;
        const decide = (context: Record<string, string>, principal = reporter) =>
            evaluateRequest(trust(), { principal, action: "sts:AssumeRole", context }).decision;
        const cases: [string, Record<string, string>, "Allow" | "ImplicitDeny"][] = [
            ["from an allowed IPv4 block", { "aws:SourceIp": "203.0.113.200" }, "Allow"],
            ["from an allowed IPv6 block", { "aws:SourceIp": "2001:db8:1234:5::9" }, "Allow"],
            // Through an endpoint there is aws:SourceVpce and no aws:SourceIp: one combined statement would refuse it.
            ["through an allowed VPC endpoint", { "aws:SourceVpce": "vpce-0a1b2c3d" }, "Allow"],
            ["from a public address outside", { "aws:SourceIp": "198.51.100.7" }, "ImplicitDeny"],
            ["through another VPC endpoint", { "aws:SourceVpce": "vpce-0fffffff" }, "ImplicitDeny"],
            ["with no network key at all", {}, "ImplicitDeny"],
        ];
        for (const [what, network, expected] of cases) {
            it(`${what}, with the ExternalId: ${expected}`, () =>
                assert.strictEqual(decide({ ...network, "sts:ExternalId": EXT }), expected));
        }
        it("never without the right ExternalId, from any allowed network", () => {
            const networks: Record<string, string>[] = [
                { "aws:SourceIp": "203.0.113.200" },
                { "aws:SourceVpce": "vpce-0a1b2c3d" },
            ];
            for (const network of networks) {
                assert.strictEqual(decide(network), "ImplicitDeny");
                assert.strictEqual(
                    decide({ ...network, "sts:ExternalId": `${EXT}-wrong` }),
                    "ImplicitDeny",
                );
            }
        });
        it("never for another principal of the security account, from an allowed network", () => {
            const other = awsPrincipalFromArn(
                `arn:aws:iam::${SECURITY}:user/org-access/other`,
            ) as RequestPrincipal;
            assert.strictEqual(
                decide({ "aws:SourceIp": "203.0.113.200", "sts:ExternalId": EXT }, other),
                "ImplicitDeny",
            );
        });
    });

    it("flows from the security stack's config through its trustedPrincipals output", async () => {
        const root = projectWith({
            workload: {
                securityAccountId: SECURITY,
                workloadAccounts: [{ name: "prod", accountId: PROD }],
            },
        });
        const security = await planSecurity(
            securityValues({
                reporters: [
                    { name: "reporter", externalId: EXT, sourceIps: IPS, sourceVpces: VPCES },
                    { name: "scanner", externalId: `${EXT}-2` },
                ],
            }),
            root,
        );
        const out = security.outputs.trustedPrincipals as { reporters: Record<string, unknown>[] };
        assert.deepStrictEqual(out.reporters, [
            {
                name: "reporter",
                arn: REPORTER,
                externalId: EXT,
                sourceIps: IPS,
                sourceVpces: VPCES,
            },
            {
                name: "scanner",
                arn: `arn:aws:iam::${SECURITY}:user/org-access/scanner`,
                externalId: `${EXT}-2`,
            },
        ]);
        // The workload stack reads that output and pins each role's trust to it.
        const values = workloadValues();
        delete values.trustedPrincipals;
        const workload = await planWorkload(values, {
            stackOutputs: { "organization/org-access/security": security.outputs },
        });
        assert.deepStrictEqual(
            trustOf(workload).Statement.map((s) => s.Sid),
            [
                "HumansWithMfa",
                "ProgramWithExternalId0FromSourceIp",
                "ProgramWithExternalId0ThroughVpce",
                "ProgramWithExternalId1",
            ],
        );
    });

    it("refuses a malformed network condition from the security stack's output", async () => {
        assert.throws(
            () =>
                parseTrustedPrincipals(
                    {
                        humanArns: [],
                        reporters: [
                            {
                                name: "reporter",
                                arn: REPORTER,
                                externalId: EXT,
                                sourceIps: ["0.0.0.0/0"],
                                sourceVpces: ["vpce-*"],
                            },
                        ],
                    },
                    "stack s output trustedPrincipals",
                ),
            (e: Error) =>
                /stack s output trustedPrincipals\.reporters\.0\.sourceIps\.0: is broader than \/8/.test(
                    e.message,
                ) && /reporters\.0\.sourceVpces\.0: must be a VPC endpoint id/.test(e.message),
        );
    });

    it("refuses empty or malformed network lists given to the component directly, listing every problem", () => {
        assert.deepStrictEqual(
            trustProblems(
                SECURITY,
                [],
                [
                    {
                        arn: REPORTER,
                        externalId: EXT,
                        sourceIps: [],
                        sourceVpces: ["vpce-0a1b2c3d"],
                    },
                    {
                        arn: REPORTER,
                        externalId: EXT,
                        sourceIps: ["10.0.0.0/8", "203.0.113.1/24"],
                        sourceVpces: ["vpc-0a1b2c3d"],
                    },
                ],
            ),
            [
                `programmatic principal [0] (${REPORTER}) has an empty sourceIps`,
                `programmatic principal [1] sourceIps[0] "10.0.0.0/8" lies in 10.0.0.0/8, which is never a public source address: aws:SourceIp holds the caller's public address, and a call through a VPC endpoint carries no aws:SourceIp at all (pin those with sourceVpces)`,
                `programmatic principal [1] sourceIps[1] "203.0.113.1/24" has address bits set beyond its /24 prefix; write the block as 203.0.113.0/24`,
                `programmatic principal [1] sourceVpces[0] "vpc-0a1b2c3d" must be a VPC endpoint id such as vpce-0123456789abcdef0 (vpce- and 8 or 17 lowercase hex digits)`,
            ],
        );
    });

    describe("the policy pack", () => {
        const run = async (trust: unknown) =>
            Promise.all(
                [iamNoWildcardPrincipal, iamTrustRequiresMfa].map(
                    async (policy) =>
                        (
                            await runResourcePolicy(policy, aws.iam.Role, {
                                assumeRolePolicy: JSON.stringify(trust),
                            })
                        ).violations,
                ),
            );

        it("accepts the planned trust policy with network conditions under both trust rules", async () => {
            assert.deepStrictEqual(await run(trustOf(both)), [[], []]);
        });

        it("still flags a wildcard principal that a network condition does not narrow (as the pack documents)", async () => {
            const star = (condition: Record<string, unknown>) => ({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { AWS: "*" },
                        Action: "sts:AssumeRole",
                        Condition: { StringEquals: { "sts:ExternalId": EXT }, ...condition },
                    },
                ],
            });
            for (const broad of ["0.0.0.0/0", "::/0", "0.0.0.0/1"]) {
                const [wildcard] = await run(star({ IpAddress: { "aws:SourceIp": [broad] } }));
                assert.strictEqual(wildcard.length, 1, broad);
                assert.match(wildcard[0], /effectively everyone/);
            }
            const [noNetwork] = await run(star({}));
            assert.strictEqual(noNetwork.length, 1, "an ExternalId alone names nobody");
            // A fixed set of narrow CIDR blocks or exact endpoints is not public in the pack's
            // documented semantics (AWS's definition for resource policies); the component itself
            // never trusts a wildcard, whatever the conditions.
            assert.deepStrictEqual(trustProblems(SECURITY, ["*"], []), [
                'human principal [0] "*" is not an exact IAM user or role ARN (wildcards are never trusted)',
            ]);
            assert.deepStrictEqual(
                trustProblems(SECURITY, [], [{ arn: "*", externalId: EXT, sourceIps: IPS }]),
                [
                    'programmatic principal [0] "*" is not an exact IAM user or role ARN (wildcards are never trusted)',
                ],
            );
        });
    });

    it("refuses a trust policy longer than the account's quota, naming the reporters and the quota's key, and keeps one that fits a raised quota", async () => {
        const hosts = (n: number) =>
            Array.from(
                { length: n },
                (_, i) => `198.51.${100 + Math.floor(i / 250)}.${i % 250}/32`,
            );
        const raised = { iamQuotas: { roleTrustPolicyLength: 4096 } };
        const fits = await planWorkload({ ...withNetwork({ sourceIps: hosts(150) }), ...raised });
        const size = String(
            one(fits, "aws:iam/role:Role", `acct-${PROD}-role`).props.assumeRolePolicy,
        ).length;
        assert.ok(size > 2048 && size <= 4096, `${size} characters`);
        // The same trust at IAM's default quota: refused at plan time, not by CreateRole.
        const atDefault = await rejection(planWorkload(withNetwork({ sourceIps: hosts(150) })));
        assert.match(
            atDefault.message,
            /AuditRole acct-777788889999: refusing to create a trust policy:\n\* the trust policy would have \d{4} characters, more than iamQuotas.roleTrustPolicyLength \(2048\): reporters are named one statement each \(1 reporters, 1 with network conditions\): designate fewer reporters, CIDR blocks or endpoints, or raise the quota .* set org-access:iamQuotas.roleTrustPolicyLength/,
        );
        const e = await rejection(
            planWorkload({ ...withNetwork({ sourceIps: hosts(230) }), ...raised }),
        );
        assert.match(
            e.message,
            /AuditRole acct-777788889999: refusing to create a trust policy:\n\* the trust policy would have \d{4} characters, more than iamQuotas.roleTrustPolicyLength \(4096\): reporters .* \(4096 is the most IAM allows\)/,
        );
    });

    it("builds the StackSet template's trust from the same function", async () => {
        const stackset = await planWorkload({
            ...withNetwork({ sourceIps: IPS, sourceVpces: VPCES }),
            deploymentMode: "stackset",
            stackSet: {
                adminAccount: { accountId: "123456789012" },
                organizationalUnitIds: ["ou-ab12-cdefgh34"],
            },
        });
        const template = JSON.parse(
            String(
                one(stackset, "aws:cloudformation/stackSet:StackSet", "audit-role-stackset").props
                    .templateBody,
            ),
        );
        const roles = Object.values(template.Resources as Record<string, any>).filter(
            (r) => r.Type === "AWS::IAM::Role",
        );
        assert.strictEqual(roles.length, 1);
        assert.deepStrictEqual(
            roles[0].Properties.AssumeRolePolicyDocument,
            auditTrustPolicy(
                {
                    partition: "aws",
                    securityAccountId: SECURITY,
                    userPath: "/org-access/",
                    duty: "audit",
                    mfaMaxAgeSeconds: 3600,
                },
                [{ arn: REPORTER, externalId: EXT, sourceIps: IPS, sourceVpces: VPCES }],
            ),
        );
    });
});
