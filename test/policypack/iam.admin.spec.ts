import * as assert from "assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import adminData from "../../policypack/iam/data/admin-managed-policies.json";
import {
    actionMatches,
    ADMIN_REASONS,
    adminReasonSummary,
    findAdminGrants,
    findSingleActionEscalations,
    IAM_ESCALATION_ACTIONS,
    IAM_WRITE_ACTIONS,
    isAdminReason,
    parseArn,
    parsePolicyDocument,
    passRoleComputeActions,
    passRoleStatements,
    reachesArbitrary,
    resourcesUnbounded,
    ROLE_CHANGE_ACTIONS,
    SINGLE_ACTION_ESCALATIONS,
    Statement,
} from "../../policypack/iam";
import { iamProbeArn, reachesIam } from "../../policypack/iam/admin";
import { PROBE_ACCOUNT } from "../../policypack/iam/privileges";
import { knownAwsManagedPolicy, principalManagedDocument } from "../../policypack/iam/managed";

const doc = (...statements: unknown[]) =>
    parsePolicyDocument({ Version: "2012-10-17", Statement: statements }, "identity");
const one = (statement: Record<string, unknown>): Statement =>
    doc({ Effect: "Allow", ...statement }).statements[0];
const reasons = (...statements: unknown[]) =>
    findAdminGrants(doc(...statements)).map((f) => f.reason);

describe("iam model: admin equivalence (admin.ts)", () => {
    describe("findAdminGrants", () => {
        const cases: Array<[string, Record<string, unknown>, string[]]> = [
            ["* on *", { Action: "*", Resource: "*" }, ["full-access"]],
            ["*:* on *", { Action: "*:*", Resource: "*" }, ["full-access"]],
            [
                "* on every IAM role",
                { Action: "*", Resource: "arn:aws:iam::123456789012:role/*" },
                ["full-access"],
            ],
            ["iam:* on *", { Action: "iam:*", Resource: "*" }, ["iam-full-access"]],
            ["NotAction on *", { NotAction: "s3:*", Resource: "*" }, ["not-action"]],
            [
                "ec2:* with NotResource",
                { Action: "ec2:*", NotResource: "arn:aws:ec2:*:*:instance/i-keep" },
                ["not-resource"],
            ],
            [
                "iam:AttachRolePolicy on every role",
                { Action: "iam:AttachRolePolicy", Resource: "arn:aws:iam::*:role/*" },
                ["escalation"],
            ],
            [
                "iam:PutRolePolicy on one's own role by policy variable",
                { Action: "iam:PutRolePolicy", Resource: "arn:aws:iam::*:role/${aws:username}" },
                ["escalation"],
            ],
            [
                "iam:PutUserPolicy on one's own user at an IAM path, by policy variable",
                {
                    Action: "iam:PutUserPolicy",
                    Resource: "arn:aws:iam::*:user/org-access/${aws:username}",
                },
                ["escalation"],
            ],
            [
                "iam:Put* on one's own user at a nested path, by policy variable",
                {
                    Action: ["iam:Put*"],
                    Resource: ["arn:aws:iam::123456789012:user/a/b/${aws:username}"],
                },
                ["escalation"],
            ],
            [
                "iam:CreateAccessKey on one's own user at an IAM path (self-service)",
                {
                    Action: "iam:CreateAccessKey",
                    Resource: "arn:aws:iam::*:user/org-access/${aws:username}",
                },
                [],
            ],
            [
                "iam:PutUserPolicy on one named user at a path",
                {
                    Action: "iam:PutUserPolicy",
                    Resource: "arn:aws:iam::123456789012:user/org-access/bob",
                },
                [],
            ],
            ["read-only on *", { Action: ["ec2:Describe*", "s3:Get*"], Resource: "*" }, []],
            [
                "iam:PutRolePolicy on one named role",
                { Action: "iam:PutRolePolicy", Resource: "arn:aws:iam::123456789012:role/app" },
                [],
            ],
            [
                "iam:CreateAccessKey on one's own user (self-service)",
                { Action: "iam:CreateAccessKey", Resource: "arn:aws:iam::*:user/${aws:username}" },
                [],
            ],
            ["* on one bucket", { Action: "*", Resource: "arn:aws:s3:::one-bucket/*" }, []],
        ];
        for (const [what, statement, expected] of cases) {
            it(`${what}: ${expected.join(", ") || "not admin"}`, () => {
                assert.deepStrictEqual(reasons({ Effect: "Allow", ...statement }), expected);
            });
        }

        // Issue 11: only conditions the caller controls never make a grant safe (here MFA); the
        // bounding conditions below do (bounds.ts), so this test no longer says "conditions".
        it("caller-controlled conditions never make a grant safe, and Deny statements are not what is handed out", () => {
            assert.deepStrictEqual(
                reasons(
                    {
                        Effect: "Allow",
                        Action: "*",
                        Resource: "*",
                        Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
                    },
                    { Effect: "Deny", Action: "iam:*", Resource: "*" },
                ),
                ["full-access"],
            );
        });

        describe("conditions that bound an escalation (issue 11)", () => {
            const VIEW_ONLY = "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess";
            const BOUNDARY = "arn:aws:iam::123456789012:policy/dev-boundary";
            const attach = (cond: unknown) => ({
                Effect: "Allow",
                Action: "iam:AttachRolePolicy",
                Resource: "*",
                Condition: cond,
            });
            const put = (cond: unknown, action: unknown = "iam:PutRolePolicy") => ({
                Effect: "Allow",
                Action: action,
                Resource: "*",
                Condition: cond,
            });
            const pass = (service: string) => ({
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: "*",
                Condition: { StringEquals: { "iam:PassedToService": service } },
            });
            const lambda = { Effect: "Allow", Action: "lambda:CreateFunction", Resource: "*" };
            const cases: Array<[string, unknown[], string[]]> = [
                [
                    "AttachRolePolicy pinned to ViewOnlyAccess",
                    [attach({ ArnEquals: { "iam:PolicyARN": VIEW_ONLY } })],
                    [],
                ],
                [
                    "AttachRolePolicy pinned to non-admin AWS-managed policies (list, ArnLike)",
                    [
                        attach({
                            ArnLike: {
                                "iam:PolicyARN": [
                                    VIEW_ONLY,
                                    "arn:aws:iam::aws:policy/SecurityAudit",
                                ],
                            },
                        }),
                    ],
                    [],
                ],
                [
                    "AttachRolePolicy pinned to AdministratorAccess",
                    [
                        attach({
                            ArnEquals: {
                                "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess",
                            },
                        }),
                    ],
                    ["escalation"],
                ],
                [
                    "AttachRolePolicy denying only AdministratorAccess",
                    [
                        attach({
                            ArnNotEquals: {
                                "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess",
                            },
                        }),
                    ],
                    ["escalation"],
                ],
                [
                    "AttachRolePolicy of any customer-managed policy",
                    [attach({ ArnLike: { "iam:PolicyARN": "arn:aws:iam::*:policy/*" } })],
                    ["escalation"],
                ],
                [
                    "PassRole to EC2 with only a Lambda compute action",
                    [pass("ec2.amazonaws.com"), lambda],
                    [],
                ],
                [
                    "PassRole to Lambda with a Lambda compute action",
                    [pass("lambda.amazonaws.com"), lambda],
                    ["passrole-compute"],
                ],
                // A customer-managed boundary grants whatever its owner wrote; the document alone
                // cannot show it caps anything (this expected [] before; that was a miss).
                [
                    "PutRolePolicy on roles with a pinned customer-managed boundary",
                    [put({ ArnEquals: { "iam:PermissionsBoundary": BOUNDARY } })],
                    ["escalation"],
                ],
                [
                    "AttachRolePolicy on roles with a customer-managed boundary pattern",
                    [
                        attach({
                            ArnLike: {
                                "iam:PermissionsBoundary": "arn:aws:iam::*:policy/boundaries/*",
                            },
                        }),
                    ],
                    ["escalation"],
                ],
                [
                    "PutRolePolicy on roles with a pinned non-admin AWS-managed boundary",
                    [put({ ArnEquals: { "iam:PermissionsBoundary": VIEW_ONLY } })],
                    [],
                ],
                [
                    "PutRolePolicy with a pinned boundary the caller can remove",
                    [
                        put({ ArnEquals: { "iam:PermissionsBoundary": BOUNDARY } }),
                        {
                            Effect: "Allow",
                            Action: "iam:DeleteRolePermissionsBoundary",
                            Resource: "*",
                        },
                    ],
                    ["escalation", "escalation"],
                ],
                [
                    "PutRolePolicy with a pinned boundary the caller can rewrite",
                    [
                        put({ ArnEquals: { "iam:PermissionsBoundary": BOUNDARY } }),
                        { Effect: "Allow", Action: "iam:CreatePolicyVersion", Resource: BOUNDARY },
                    ],
                    ["escalation"],
                ],
                [
                    "PutRolePolicy with AdministratorAccess as the boundary",
                    [
                        put({
                            ArnEquals: {
                                "iam:PermissionsBoundary":
                                    "arn:aws:iam::aws:policy/AdministratorAccess",
                            },
                        }),
                    ],
                    ["escalation"],
                ],
                // A literal resource tag does not bound a self-targeting escalation: the caller's
                // own role may carry team=dev (these two expected [] before; that was a miss).
                [
                    "PutRolePolicy on roles tagged team=dev (iam:ResourceTag): the caller's own role may be one",
                    [put({ StringEquals: { "iam:ResourceTag/team": "dev" } })],
                    ["escalation"],
                ],
                [
                    "PutRolePolicy on roles tagged team=dev (aws:ResourceTag): the caller's own role may be one",
                    [put({ StringEquals: { "aws:ResourceTag/team": "dev" } })],
                    ["escalation"],
                ],
                [
                    "AttachRolePolicy on roles of the caller's own team (ABAC self-match)",
                    [
                        attach({
                            StringEquals: { "iam:ResourceTag/team": "${aws:PrincipalTag/team}" },
                        }),
                    ],
                    ["escalation"],
                ],
                [
                    "CreateAccessKey for users of the caller's own team (aws:ResourceTag variable)",
                    [
                        put(
                            {
                                StringEquals: {
                                    "aws:ResourceTag/team": "${aws:PrincipalTag/team}",
                                },
                            },
                            "iam:CreateAccessKey",
                        ),
                    ],
                    ["escalation"],
                ],
                [
                    "CreateAccessKey for users tagged team=dev (not self-targeting, literal tag)",
                    [
                        put(
                            { StringEquals: { "aws:ResourceTag/team": "dev" } },
                            "iam:CreateAccessKey",
                        ),
                    ],
                    [],
                ],
                [
                    "PassRole on roles tagged team=dev with a Lambda compute action (literal tag)",
                    [
                        put({ StringEquals: { "iam:ResourceTag/team": "dev" } }, "iam:PassRole"),
                        lambda,
                    ],
                    [],
                ],
                [
                    "AttachRolePolicy pinned to a real account (aws:ResourceAccount)",
                    [attach({ StringEquals: { "aws:ResourceAccount": "123456789012" } })],
                    ["escalation"],
                ],
                [
                    "AttachRolePolicy pinned to an account pattern (aws:ResourceAccount)",
                    [attach({ StringLike: { "aws:ResourceAccount": "1234567890*" } })],
                    ["escalation"],
                ],
                [
                    "AttachRolePolicy pinned to the caller's account (aws:PrincipalAccount)",
                    [attach({ StringEquals: { "aws:PrincipalAccount": ["123456789012"] } })],
                    ["escalation"],
                ],
                [
                    "AttachRolePolicy pinned to an organization (aws:PrincipalOrgID)",
                    [attach({ StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } })],
                    ["escalation"],
                ],
                [
                    "AttachRolePolicy pinned to an organization (aws:ResourceOrgID)",
                    [attach({ StringEquals: { "aws:ResourceOrgID": "o-a1b2c3d4e5" } })],
                    ["escalation"],
                ],
                [
                    "AttachRolePolicy of any customer-managed policy of one account",
                    [
                        attach({
                            ArnLike: { "iam:PolicyARN": "arn:aws:iam::123456789012:policy/*" },
                        }),
                    ],
                    ["escalation"],
                ],
                [
                    "AttachRolePolicy of customer-managed policies under one path",
                    [
                        attach({
                            ArnLike: { "iam:PolicyARN": "arn:aws:iam::123456789012:policy/team/*" },
                        }),
                    ],
                    ["escalation"],
                ],
                [
                    "AttachRolePolicy of ViewOnlyAccess in one account",
                    [
                        attach({
                            ArnEquals: { "iam:PolicyARN": VIEW_ONLY },
                            StringEquals: { "aws:ResourceAccount": "123456789012" },
                        }),
                    ],
                    [],
                ],
                [
                    "PassRole in one account with a Lambda compute action",
                    [
                        put(
                            { StringEquals: { "aws:ResourceAccount": "123456789012" } },
                            "iam:PassRole",
                        ),
                        lambda,
                    ],
                    ["passrole-compute"],
                ],
                [
                    "PassRole to EC2 in one account with only a Lambda compute action",
                    [
                        {
                            ...pass("ec2.amazonaws.com"),
                            Condition: {
                                StringEquals: {
                                    "iam:PassedToService": "ec2.amazonaws.com",
                                    "aws:ResourceAccount": "123456789012",
                                },
                            },
                        },
                        lambda,
                    ],
                    [],
                ],
                [
                    "PutRolePolicy on tagged roles, when the caller can tag roles",
                    [
                        put({ StringEquals: { "aws:ResourceTag/team": "dev" } }, [
                            "iam:PutRolePolicy",
                            "iam:TagRole",
                        ]),
                    ],
                    ["escalation"],
                ],
                [
                    "PutRolePolicy on roles not tagged protected",
                    [put({ StringNotEquals: { "aws:ResourceTag/protected": "true" } })],
                    ["escalation"],
                ],
                [
                    "PutRolePolicy with a request tag (the caller's choice)",
                    [put({ StringEquals: { "aws:RequestTag/team": "dev" } })],
                    ["escalation"],
                ],
                [
                    "PutRolePolicy from an address range (the caller's choice)",
                    [put({ IpAddress: { "aws:SourceIp": "10.0.0.0/8" } })],
                    ["escalation"],
                ],
            ];
            for (const [what, statements, expected] of cases) {
                it(`${what}: ${expected.join(", ") || "not admin"}`, () => {
                    assert.deepStrictEqual(reasons(...statements), expected);
                    // The same document as JSON text, with the action lower-cased.
                    const text = JSON.stringify({
                        Version: "2012-10-17",
                        Statement: statements,
                    }).replace(/"iam:(PutRolePolicy|AttachRolePolicy)"/g, (m) => m.toLowerCase());
                    assert.deepStrictEqual(
                        findAdminGrants(parsePolicyDocument(text, "identity")).map((f) => f.reason),
                        expected,
                    );
                });
            }
        });

        it("PassRole on any role counts only with a compute action in the same document", () => {
            const passRole = { Effect: "Allow", Action: "iam:PassRole", Resource: "*" };
            assert.deepStrictEqual(reasons(passRole), []);
            assert.deepStrictEqual(
                reasons(passRole, {
                    Effect: "Allow",
                    Action: "lambda:CreateFunction",
                    Resource: "*",
                }),
                ["passrole-compute"],
            );
            assert.deepStrictEqual(
                reasons(
                    {
                        Effect: "Allow",
                        Action: "iam:PassRole",
                        Resource: "arn:aws:iam::123456789012:role/app-runtime",
                    },
                    { Effect: "Allow", Action: "lambda:CreateFunction", Resource: "*" },
                ),
                [],
            );
        });

        it("reports one finding per statement, with the strongest reason and a sentence", () => {
            const findings = findAdminGrants(
                doc(
                    { Effect: "Allow", Action: ["*", "iam:*"], Resource: "*" },
                    { Effect: "Allow", Action: "iam:UpdateAssumeRolePolicy", Resource: "*" },
                ),
            );
            assert.deepStrictEqual(
                findings.map((f) => [f.statement.index, f.reason]),
                [
                    [0, "full-access"],
                    [1, "escalation"],
                ],
            );
            assert.strictEqual(
                findings[1].detail,
                "allows iam:UpdateAssumeRolePolicy on arbitrary role resources (rewrite role trust policies)",
            );
        });

        it("answers the same parsed document from its cache", () => {
            const d = doc({ Effect: "Allow", Action: "*", Resource: "*" });
            assert.strictEqual(findAdminGrants(d), findAdminGrants(d));
        });
    });

    describe("resource reach", () => {
        it("reachesArbitrary: wildcards and literal parts of the pattern decide", () => {
            const role = iamProbeArn("role");
            assert.ok(reachesArbitrary(one({ Action: "iam:*", Resource: "*" }), role));
            assert.ok(
                reachesArbitrary(
                    one({ Action: "iam:*", Resource: "arn:aws:iam::123456789012:role/*" }),
                    role,
                ),
            );
            assert.ok(
                !reachesArbitrary(
                    one({ Action: "iam:*", Resource: "arn:aws:iam::123456789012:role/app-*" }),
                    role,
                ),
            );
            assert.ok(
                reachesArbitrary(
                    one({ Action: "iam:*", NotResource: "arn:aws:iam::*:role/keep" }),
                    role,
                ),
            );
            assert.ok(
                !reachesArbitrary(
                    one({ Action: "iam:*", NotResource: "arn:aws:iam::*:role/*" }),
                    role,
                ),
            );
            // Policy variables reach the target only when asked to count them.
            const self = one({ Action: "iam:*", Resource: "arn:aws:iam::*:user/${aws:username}" });
            assert.ok(!reachesArbitrary(self, iamProbeArn("user")));
            assert.ok(reachesArbitrary(self, iamProbeArn("user"), true));
        });

        it("resourcesUnbounded: several services at once", () => {
            assert.ok(resourcesUnbounded(one({ Action: "*", Resource: "*" })));
            assert.ok(resourcesUnbounded(one({ Action: "*", Resource: "arn:aws:*:*:*:*" })));
            assert.ok(!resourcesUnbounded(one({ Action: "*", Resource: "arn:aws:iam::*:*" })));
            assert.ok(!resourcesUnbounded(one({ Action: "*", Resource: "arn:aws:s3:::*" })));
        });

        it("reachesIam: any IAM user, role, group or policy", () => {
            assert.ok(reachesIam(one({ Action: "*", Resource: "*" })));
            assert.ok(reachesIam(one({ Action: "*", Resource: "arn:aws:iam::1:role/x" })));
            assert.ok(reachesIam(one({ Action: "*", NotResource: "arn:aws:s3:::b" })));
            assert.ok(!reachesIam(one({ Action: "*", Resource: "arn:aws:s3:::b/*" })));
            assert.ok(
                !reachesIam(one({ Action: "*", Resource: "arn:aws:iam::1:oidc-provider/x" })),
            );
        });

        it("iamProbeArn names a resource nobody names, in the probe account", () => {
            assert.strictEqual(
                iamProbeArn("group"),
                `arn:aws:iam::${PROBE_ACCOUNT}:group/zq9-any-group`,
            );
        });
    });

    it("passRoleStatements: Allow statements passing arbitrary roles only", () => {
        const d = doc(
            { Sid: "Any", Effect: "Allow", Action: "iam:PassRole", Resource: "*" },
            { Sid: "Star", Effect: "Allow", Action: "iam:*", Resource: "*" },
            {
                Sid: "One",
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: "arn:aws:iam::123456789012:role/app",
            },
            { Sid: "Deny", Effect: "Deny", Action: "iam:PassRole", Resource: "*" },
        );
        assert.deepStrictEqual(
            passRoleStatements(d).map((s) => s.sid),
            ["Any", "Star"],
        );
    });

    it("findSingleActionEscalations: the asked actions on arbitrary resources, configured ones on *", () => {
        const d = doc(
            { Sid: "Ssm", Effect: "Allow", Action: "ssm:SendCommand", Resource: "*" },
            {
                Sid: "OneInstance",
                Effect: "Allow",
                Action: "ssm:StartSession",
                Resource: "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc",
            },
            { Sid: "Custom", Effect: "Allow", Action: "custom:DoIt", Resource: "*" },
        );
        const found = findSingleActionEscalations(d, [
            "SSM:SendCommand",
            "ssm:StartSession",
            "custom:DoIt",
        ]);
        assert.deepStrictEqual(
            found.map((f) => [f.statement.sid, f.actions.map((a) => a.action)]),
            [
                ["Ssm", ["ssm:SendCommand"]],
                ["Custom", ["custom:DoIt"]],
            ],
        );
        assert.strictEqual(found[1].actions[0].effect, "configured as an escalation");
        // Actions not asked for are not reported.
        assert.deepStrictEqual(findSingleActionEscalations(d, ["ssm:StartSession"]), []);
    });
});

describe("iam model: privilege data (privileges.ts)", () => {
    const covered = (patterns: readonly string[], action: string) =>
        patterns.some((p) => actionMatches(p, action));

    it("the audit role's IAM-write Deny covers every escalation action and PassRole", () => {
        for (const e of IAM_ESCALATION_ACTIONS)
            assert.ok(covered(IAM_WRITE_ACTIONS, e.action), e.action);
        assert.ok(covered(IAM_WRITE_ACTIONS, "iam:PassRole"));
        assert.ok(!covered(IAM_WRITE_ACTIONS, "iam:GetRole"));
        assert.ok(!covered(IAM_WRITE_ACTIONS, "iam:ListRoles"));
    });

    it("the role-change list covers every escalation action aimed at roles, and only role actions", () => {
        for (const e of IAM_ESCALATION_ACTIONS.filter((e) => e.target === "role"))
            assert.ok(ROLE_CHANGE_ACTIONS.includes(e.action), e.action);
        for (const a of ROLE_CHANGE_ACTIONS) assert.match(a, /^iam:[A-Za-z]+Role/);
    });

    it("lists hold no duplicates", () => {
        for (const [name, list] of Object.entries({
            IAM_WRITE_ACTIONS,
            ROLE_CHANGE_ACTIONS,
            compute: passRoleComputeActions(),
            escalations: IAM_ESCALATION_ACTIONS.map((e) => e.action),
            single: SINGLE_ACTION_ESCALATIONS.map((e) => e.action),
        }))
            assert.strictEqual(new Set(list.map((a) => a.toLowerCase())).size, list.length, name);
    });

    it("the single-action escalations are the published methods: each flagged on *, none on a resource it misses", () => {
        // Hand-listed (Rhino Security Labs, PMapper): the run-as-role actions that need no
        // iam:PassRole (policypack/iam/data/run-as-role.json), with a resource each misses, and
        // sts:AssumeRole. Dropping one from the data fails here.
        const published: Record<string, string> = {
            "lambda:UpdateFunctionCode": "arn:aws:lambda:us-east-1:123456789012:function:mine",
            "lambda:UpdateFunctionConfiguration":
                "arn:aws:lambda:us-east-1:123456789012:function:mine",
            "ssm:SendCommand": "arn:aws:ssm:us-east-1:123456789012:document/mine",
            "ssm:StartSession": "arn:aws:ec2:us-east-1:123456789012:instance/i-mine",
            "ec2-instance-connect:SendSSHPublicKey":
                "arn:aws:ec2:us-east-1:123456789012:instance/i-mine",
            "ec2:ModifyInstanceAttribute": "arn:aws:ec2:us-east-1:123456789012:instance/i-mine",
            "codebuild:StartBuild": "arn:aws:codebuild:us-east-1:123456789012:project/mine",
            "codebuild:StartBuildBatch": "arn:aws:codebuild:us-east-1:123456789012:project/mine",
            "cloudformation:UpdateStack":
                "arn:aws:cloudformation:us-east-1:123456789012:stack/mine/*",
            "cloudformation:CreateChangeSet":
                "arn:aws:cloudformation:us-east-1:123456789012:stack/mine/*",
            "sagemaker:CreatePresignedNotebookInstanceUrl":
                "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/mine",
            "glue:UpdateDevEndpoint": "arn:aws:glue:us-east-1:123456789012:devEndpoint/mine",
            "batch:SubmitJob": "arn:aws:batch:us-east-1:123456789012:job-definition/mine",
            "apprunner:UpdateService": "arn:aws:apprunner:us-east-1:123456789012:service/mine/*",
            "ecs:ExecuteCommand": "arn:aws:ecs:us-east-1:123456789012:task/mine/*",
            "sts:AssumeRole": "arn:aws:iam::123456789012:role/mine",
        };
        assert.deepStrictEqual(
            SINGLE_ACTION_ESCALATIONS.map((e) => e.action).sort(),
            Object.keys(published).sort(),
        );
        const defaults = SINGLE_ACTION_ESCALATIONS.map((e) => e.action);
        for (const [action, missed] of Object.entries(published)) {
            for (const Action of [action, [action], action.toLowerCase()]) {
                const onStar = findSingleActionEscalations(
                    doc({ Effect: "Allow", Action, Resource: "*" }),
                    defaults,
                );
                assert.deepStrictEqual(
                    onStar.flatMap((f) => f.actions.map((e) => e.action)),
                    [action],
                    `${action} on *`,
                );
                const pinned = findSingleActionEscalations(
                    doc({ Effect: "Allow", Action, Resource: [missed] }),
                    defaults,
                );
                assert.deepStrictEqual(pinned, [], `${action} on ${missed}`);
            }
        }
    });

    it("single-action probes are resources of the probe account", () => {
        for (const e of SINGLE_ACTION_ESCALATIONS)
            assert.strictEqual(parseArn(e.probe)?.account, PROBE_ACCOUNT, e.action);
    });

    it("every reason the generated data records is an AdminReason, and every AdminReason has its summary", () => {
        const recorded = Object.values(
            (adminData as { policies: Record<string, string> }).policies,
        ).flatMap((r) => r.split(","));
        for (const r of new Set(recorded)) assert.ok(isAdminReason(r), r);
        assert.deepStrictEqual(Object.keys(ADMIN_REASONS).sort(), [
            "escalation",
            "full-access",
            "iam-full-access",
            "not-action",
            "not-resource",
            "passrole-compute",
        ]);
        assert.strictEqual(
            adminReasonSummary("not-action"),
            "Allow with NotAction on every resource",
        );
        assert.strictEqual(adminReasonSummary("from-a-newer-generator"), "from-a-newer-generator");
    });
});

// Issue 11 review: an unknown AWS-managed ARN was read as an empty document (as a boundary, a cap
// on everything); it names no known policy, so it has no document and caps nothing.
describe("iam model: a blanket Deny of the same document (admin.ts, issue 11 review)", () => {
    const parseAs = (statements: unknown[], encoding: string) =>
        parsePolicyDocument(
            encoding === "JSON string"
                ? JSON.stringify({ Version: "2012-10-17", Statement: statements })
                : { Version: "2012-10-17", Statement: statements },
            "identity",
        );
    for (const encoding of ["JSON string", "object"])
        for (const [allowAll, denyList] of [
            ["*", ["s3:*", "logs:*"]],
            [["*"], ["S3:*", "logs:Put*"]],
            ["*:*", "s3:*"],
        ] as const) {
            it(`Allow ${JSON.stringify(allowAll)} + Deny NotAction ${JSON.stringify(denyList)} on * is not admin, ${encoding}`, () => {
                const d = parseAs(
                    [
                        { Effect: "Allow", Action: allowAll, Resource: "*" },
                        { Effect: "Deny", NotAction: denyList, Resource: "*" },
                    ],
                    encoding,
                );
                assert.deepStrictEqual(findAdminGrants(d), []);
            });
        }
    it("agrees with @cloud-copilot/iam-simulate: the Deny takes IAM and compute away, S3 stays", async () => {
        const statements = [
            { Effect: "Allow", Action: "*", Resource: "*" },
            { Effect: "Deny", NotAction: ["s3:*", "logs:*"], Resource: "*" },
        ];
        const allowed = async (action: string, resource: string) => {
            const result = await runSimulation(
                {
                    request: {
                        principal: "arn:aws:iam::111122223333:role/dev",
                        action,
                        resource: { resource, accountId: "111122223333" },
                        contextVariables: {},
                    },
                    identityPolicies: [
                        { name: "p", policy: { Version: "2012-10-17", Statement: statements } },
                    ],
                    serviceControlPolicies: [],
                    resourceControlPolicies: [],
                },
                {},
            );
            if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
            return result.overallResult === "Allowed";
        };
        const role = "arn:aws:iam::111122223333:role/any";
        assert.strictEqual(await allowed("iam:PutRolePolicy", role), false);
        assert.strictEqual(await allowed("iam:PassRole", role), false);
        assert.strictEqual(
            await allowed(
                "lambda:UpdateFunctionCode",
                "arn:aws:lambda:us-east-1:111122223333:function:f",
            ),
            false,
        );
        assert.strictEqual(await allowed("s3:GetObject", "arn:aws:s3:::b/k"), true);
        assert.deepStrictEqual(findAdminGrants(parseAs(statements, "object")), []);
    });
    const flagged: Array<[string, unknown[], string]> = [
        [
            "the Deny leaves iam:* (escalations survive)",
            [
                { Effect: "Allow", Action: "*", Resource: "*" },
                { Effect: "Deny", NotAction: ["s3:*", "iam:*"], Resource: "*" },
            ],
            "escalation",
        ],
        [
            "the Deny leaves iam:PassRole and lambda:*",
            [
                { Effect: "Allow", Action: "*", Resource: "*" },
                { Effect: "Deny", NotAction: ["iam:PassRole", "lambda:*"], Resource: "*" },
            ],
            "passrole-compute",
        ],
        [
            "the Deny has a condition (it may not apply)",
            [
                { Effect: "Allow", Action: "*", Resource: "*" },
                {
                    Effect: "Deny",
                    NotAction: ["s3:*"],
                    Resource: "*",
                    Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } },
                },
            ],
            "full-access",
        ],
        [
            "the Deny covers only some resources",
            [
                { Effect: "Allow", Action: "*", Resource: "*" },
                { Effect: "Deny", NotAction: ["s3:*"], Resource: "arn:aws:s3:::b/*" },
            ],
            "full-access",
        ],
    ];
    for (const encoding of ["JSON string", "object"])
        for (const [what, statements, reason] of flagged)
            it(`still admin when ${what}, ${encoding}`, () => {
                assert.deepStrictEqual(
                    findAdminGrants(parseAs(statements, encoding)).map((f) => f.reason),
                    [reason],
                );
            });
});

describe("iam model: unknown AWS-managed policies (managed.ts)", () => {
    it("a typo names no known policy and has no document", () => {
        const typo = "arn:aws:iam::aws:policy/AdministratorAcess";
        assert.strictEqual(knownAwsManagedPolicy(typo), false);
        assert.strictEqual(principalManagedDocument(typo), undefined);
    });
    it("a known policy granting none of the decided actions has an empty document", () => {
        for (const arn of [
            "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
            "arn:aws-us-gov:iam::aws:policy/job-function/ViewOnlyAccess",
        ]) {
            assert.strictEqual(knownAwsManagedPolicy(arn), true);
            assert.deepStrictEqual(principalManagedDocument(arn)?.statements, []);
        }
        assert.strictEqual(
            knownAwsManagedPolicy("arn:aws:iam::aws:policy/AdministratorAccess"),
            true,
        );
        assert.strictEqual(knownAwsManagedPolicy("arn:aws:iam::123456789012:policy/x"), false);
    });
});
