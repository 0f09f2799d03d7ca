import * as assert from "assert";
import {
    ConfigError,
    InputError,
    validateSecurityConfig,
    validateWorkloadConfig,
} from "../../config";
import { PlanResult } from "../../plan/run";
import { evaluateRequest, parsePolicyDocument } from "../../policypack/iam";
import {
    doc,
    MANAGEMENT,
    ofType,
    one,
    planSecurity,
    planWorkload,
    problems,
    PROD,
    projectWith,
    rejection,
    SECURITY,
    securityValues,
    STAGING,
    statement,
    workloadValues,
} from "../helpers";

const carol = `arn:aws:iam::${SECURITY}:user/org-access/carol`;
const dana = `arn:aws:iam::${SECURITY}:user/org-access/dana`;
const ACCOUNTS = [
    { name: "prod", accountId: PROD, incidentResponseRole: true, breakGlassRole: true },
    {
        name: "staging",
        accountId: STAGING,
        incidentResponseRole: true,
        deployRoleName: "StagingDeployer",
    },
];
const principals = (extra: Record<string, unknown>) => ({
    ...(workloadValues().trustedPrincipals as Record<string, unknown>),
    ...extra,
});

describe("IncidentResponseRole and BreakGlassRole (workload accounts)", () => {
    let plan: PlanResult;
    before(async () => {
        plan = await planWorkload(
            workloadValues({
                workloadAccounts: ACCOUNTS,
                trustedPrincipals: principals({
                    incidentResponderArns: [carol],
                    breakGlassArns: [dana],
                }),
            }),
        );
    });

    it("creates each role only where the account enables it, through that account's provider", () => {
        const roles = ofType(plan, "aws:iam/role:Role").map((r) => [
            r.name,
            r.props.name,
            r.accountId,
        ]);
        assert.deepStrictEqual(roles, [
            [`acct-${PROD}-role`, "SecurityAuditRole", PROD],
            [`acct-${PROD}-incident-response-role`, "IncidentResponseRole", PROD],
            [`acct-${PROD}-break-glass-role`, "BreakGlassRole", PROD],
            [`acct-${STAGING}-role`, "SecurityAuditRole", STAGING],
            [`acct-${STAGING}-incident-response-role`, "IncidentResponseRole", STAGING],
        ]);
        assert.deepStrictEqual(Object.keys(plan.outputs.breakGlassRoleArns as object), ["prod"]);
        assert.deepStrictEqual(plan.outputs.incidentResponseRoleArns, {
            prod: `arn:aws:iam::${PROD}:role/IncidentResponseRole`,
            staging: `arn:aws:iam::${STAGING}:role/IncidentResponseRole`,
        });
    });

    it("trusts only the duty's own principals (users under their path tagged with the duty), with MFA present and recent, for one hour", () => {
        const trust = (name: string) =>
            doc(one(plan, "aws:iam/role:Role", name).props.assumeRolePolicy).Statement;
        // The security account, narrowed to its people of the duty: carol's and dana's path.
        const people = (duty: string, age: string) => ({
            ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${SECURITY}:user/org-access/*` },
            StringEquals: {
                "aws:PrincipalTag/org-access:principal-type": "human",
                "aws:PrincipalTag/org-access:duty": duty,
            },
            Bool: { "aws:MultiFactorAuthPresent": "true" },
            NumericLessThan: { "aws:MultiFactorAuthAge": age },
        });
        assert.ok(carol.startsWith(`arn:aws:iam::${SECURITY}:user/org-access/`));
        assert.ok(dana.startsWith(`arn:aws:iam::${SECURITY}:user/org-access/`));
        assert.deepStrictEqual(trust(`acct-${PROD}-incident-response-role`), [
            {
                Sid: "DutyPrincipalsWithMfa",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${SECURITY}:root` },
                Action: "sts:AssumeRole",
                Condition: people("incident-response", "3600"),
            },
        ]);
        assert.deepStrictEqual(trust(`acct-${PROD}-break-glass-role`), [
            {
                Sid: "DutyPrincipalsWithMfa",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${SECURITY}:root` },
                Action: "sts:AssumeRole",
                Condition: people("break-glass", "900"),
            },
        ]);
        for (const name of [
            `acct-${PROD}-incident-response-role`,
            `acct-${PROD}-break-glass-role`,
            `acct-${STAGING}-incident-response-role`,
        ]) {
            assert.strictEqual(
                one(plan, "aws:iam/role:Role", name).props.maxSessionDuration,
                3600,
                name,
            );
        }
    });

    it("gives break-glass AdministratorAccess and nothing else", () => {
        const attached = ofType(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter(
            (a) => a.name.startsWith(`acct-${PROD}-break-glass`),
        );
        assert.deepStrictEqual(
            attached.map((a) => [a.props.role, a.props.policyArn]),
            [["BreakGlassRole", "arn:aws:iam::aws:policy/AdministratorAccess"]],
        );
        assert.deepStrictEqual(
            ofType(plan, "aws:iam/rolePolicy:RolePolicy").filter((p) =>
                p.name.startsWith(`acct-${PROD}-break-glass`),
            ),
            [],
        );
    });

    it("gives incident response SecurityAudit reads and only containment writes, never an IAM policy write", () => {
        assert.strictEqual(
            one(
                plan,
                "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                `acct-${PROD}-incident-response-securityaudit`,
            ).props.policyArn,
            "arn:aws:iam::aws:policy/SecurityAudit",
        );
        const policy = one(
            plan,
            "aws:iam/rolePolicy:RolePolicy",
            `acct-${PROD}-incident-response-response`,
        ).props.policy;
        const actions = doc(policy).Statement.flatMap((s) => [s.Action].flat());
        assert.deepStrictEqual([...new Set(actions)].sort(), [
            "autoscaling:DetachInstances",
            "ec2:CreateSecurityGroup",
            "ec2:CreateSnapshot",
            "ec2:CreateSnapshots",
            "ec2:CreateTags",
            "ec2:ModifyNetworkInterfaceAttribute",
            "ec2:RevokeSecurityGroupEgress",
            "ec2:RevokeSecurityGroupIngress",
            "iam:GetAccessKeyLastUsed",
            "iam:ListAccessKeys",
            "iam:TagRole",
            "iam:TagUser",
        ]);
        assert.deepStrictEqual(statement(policy, "QuarantinePrincipals").Condition, {
            "ForAllValues:StringEquals": { "aws:TagKeys": ["org-access-quarantine"] },
            StringEquals: { "aws:RequestTag/org-access-quarantine": "true" },
        });
        assert.deepStrictEqual(statement(policy, "TagWhatItCreates").Condition, {
            StringEquals: {
                "ec2:CreateAction": ["CreateSecurityGroup", "CreateSnapshot", "CreateSnapshots"],
            },
        });
        for (const s of doc(policy).Statement) assert.strictEqual(s.Effect, "Allow");
    });

    describe("incident response policy, evaluated", () => {
        const decide = (
            action: string,
            resource: string,
            context: Record<string, string | string[]> = {},
            accountId = PROD,
        ) =>
            evaluateRequest(
                parsePolicyDocument(
                    String(
                        one(
                            plan,
                            "aws:iam/rolePolicy:RolePolicy",
                            `acct-${accountId}-incident-response-response`,
                        ).props.policy,
                    ),
                ),
                { action, resource, context },
            ).decision;
        const ec2 = (type: string, id: string) => `arn:aws:ec2:us-east-1:${PROD}:${type}/${id}`;
        const isolation = { "aws:ResourceTag/org-access-isolation": "true" };

        it("attaches only isolation security groups, to any network interface", () => {
            const modify = "ec2:ModifyNetworkInterfaceAttribute";
            assert.strictEqual(decide(modify, ec2("network-interface", "eni-0abc")), "Allow");
            assert.strictEqual(decide(modify, ec2("instance", "i-0abc")), "Allow");
            assert.strictEqual(decide(modify, ec2("security-group", "sg-iso"), isolation), "Allow");
            // An untagged group, or one tagged otherwise (say, one that opens SSH to the world): denied.
            assert.strictEqual(decide(modify, ec2("security-group", "sg-open")), "ImplicitDeny");
            for (const value of ["false", "yes", ""])
                assert.strictEqual(
                    decide(modify, ec2("security-group", "sg-open"), {
                        "aws:ResourceTag/org-access-isolation": value,
                    }),
                    "ImplicitDeny",
                    value,
                );
            assert.strictEqual(
                decide(modify, ec2("security-group", "sg-open"), {
                    "aws:ResourceTag/Name": "true",
                }),
                "ImplicitDeny",
            );
        });

        it("creates security groups only with the isolation tag, and empties only those", () => {
            const create = "ec2:CreateSecurityGroup";
            assert.strictEqual(
                decide(create, ec2("security-group", "*"), {
                    "aws:RequestTag/org-access-isolation": "true",
                    "aws:TagKeys": ["org-access-isolation"],
                }),
                "Allow",
            );
            assert.strictEqual(decide(create, ec2("security-group", "*")), "ImplicitDeny");
            assert.strictEqual(decide(create, ec2("vpc", "vpc-0abc")), "Allow");
            for (const revoke of [
                "ec2:RevokeSecurityGroupEgress",
                "ec2:RevokeSecurityGroupIngress",
            ]) {
                assert.strictEqual(
                    decide(revoke, ec2("security-group", "sg-iso"), isolation),
                    "Allow",
                );
                assert.strictEqual(decide(revoke, ec2("security-group", "sg-app")), "ImplicitDeny");
            }
            // Never opens a group, and never tags an existing one into an isolation group.
            assert.strictEqual(
                decide(
                    "ec2:AuthorizeSecurityGroupIngress",
                    ec2("security-group", "sg-iso"),
                    isolation,
                ),
                "ImplicitDeny",
            );
            assert.strictEqual(
                decide("ec2:CreateTags", ec2("security-group", "sg-app"), {
                    "aws:RequestTag/org-access-isolation": "true",
                }),
                "ImplicitDeny",
            );
        });

        it("cannot change access keys at all: re-activating a key is no containment (break-glass only)", () => {
            const user = `arn:aws:iam::${PROD}:user/compromised`;
            assert.strictEqual(
                decide("iam:UpdateAccessKey", user, { "iam:Status": "Inactive" }),
                "ImplicitDeny",
            );
            assert.strictEqual(decide("iam:UpdateAccessKey", user), "ImplicitDeny");
            assert.strictEqual(decide("iam:DeleteAccessKey", user), "ImplicitDeny");
            assert.strictEqual(decide("iam:ListAccessKeys", user), "Allow");
        });

        it("quarantines users and roles, but never an infrastructure role", () => {
            const quarantine = {
                "aws:TagKeys": ["org-access-quarantine"],
                "aws:RequestTag/org-access-quarantine": "true",
            };
            const r = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
            assert.strictEqual(decide("iam:TagRole", r(PROD, "AppRole"), quarantine), "Allow");
            assert.strictEqual(decide("iam:TagRole", r(PROD, "team/AppRole"), quarantine), "Allow");
            assert.strictEqual(
                decide("iam:TagUser", `arn:aws:iam::${PROD}:user/compromised`, quarantine),
                "Allow",
            );
            for (const name of [
                "stacksets-exec-0123456789abcdef0123456789abcdef",
                "aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS",
                "OrganizationAccountAccessRole",
                "OrgAccessPreviewRole",
                "OrgAccessLogArchiveAdmin",
            ])
                assert.strictEqual(
                    decide("iam:TagRole", r(PROD, name), quarantine),
                    "ImplicitDeny",
                    name,
                );
            // Staging's own deploy role is protected in staging's policy.
            assert.strictEqual(
                decide("iam:TagRole", r(STAGING, "StagingDeployer"), quarantine, STAGING),
                "ImplicitDeny",
            );
            assert.strictEqual(
                decide("iam:TagRole", r(STAGING, "StagingDeployer"), quarantine, PROD),
                "Allow",
            );
        });
    });

    it("never lets incident response quarantine the stack's own preview role, whatever its name", async () => {
        const p = await planWorkload(
            workloadValues({
                workloadAccounts: [{ name: "prod", accountId: PROD, incidentResponseRole: true }],
                previewRole: { name: "TeamPreviewRole" },
                trustedPrincipals: principals({
                    incidentResponderArns: [carol],
                    previewIdentityArn: `arn:aws:iam::${MANAGEMENT}:role/org-access-github-preview`,
                }),
            }),
        );
        const policy = parsePolicyDocument(
            String(
                one(p, "aws:iam/rolePolicy:RolePolicy", `acct-${PROD}-incident-response-response`)
                    .props.policy,
            ),
        );
        const quarantine = {
            "aws:TagKeys": ["org-access-quarantine"],
            "aws:RequestTag/org-access-quarantine": "true",
        };
        const tag = (name: string) =>
            evaluateRequest(policy, {
                action: "iam:TagRole",
                resource: `arn:aws:iam::${PROD}:role/${name}`,
                context: quarantine,
            }).decision;
        assert.strictEqual(tag("TeamPreviewRole"), "ImplicitDeny");
        assert.strictEqual(tag("OrganizationAccountAccessRole"), "ImplicitDeny");
        assert.strictEqual(tag("AppRole"), "Allow");
    });

    it("creates no duty role unless an account enables it", async () => {
        const p = await planWorkload(workloadValues());
        assert.deepStrictEqual(
            ofType(p, "aws:iam/role:Role").map((r) => r.props.name),
            ["SecurityAuditRole", "SecurityAuditRole"],
        );
    });

    it("refuses a break-glass role when the security stack exports no break-glass users", async () => {
        const values = workloadValues({
            workloadAccounts: [{ name: "prod", accountId: PROD, breakGlassRole: true }],
        });
        delete values.trustedPrincipals;
        const e = await rejection(
            planWorkload(values, {
                stackOutputs: {
                    "organization/org-access/security": { trustedPrincipals: principals({}) },
                },
            }),
        );
        assert.ok(e instanceof InputError, String(e));
        // The SDK prefixes the property path it was serializing; the refusal itself is ours.
        assert.match(
            e.message,
            /BreakGlassRole acct-777788889999-break-glass: refusing to create a trust policy:\n\* no designated principal: nobody could assume the role$/,
        );
    });

    it("with the config fallback, requires the duty's principals and keeps them in the security account", () => {
        const lines = problems(() =>
            validateWorkloadConfig({
                values: workloadValues({
                    workloadAccounts: ACCOUNTS,
                    trustedPrincipals: principals({
                        incidentResponderArns: ["arn:aws:iam::123456789012:user/eve"],
                    }),
                }),
                region: "us-east-1",
            }),
        );
        assert.deepStrictEqual(lines, [
            "* org-access:trustedPrincipals.incidentResponderArns[0]: arn:aws:iam::123456789012:user/eve is not in the security account 111122223333 (trust only principals of the security account)",
            "* org-access:trustedPrincipals.breakGlassArns: is empty, but workloadAccounts[0].breakGlassRole asks for a BreakGlassRole that nobody could assume (list the security account's break-glass users here, or remove breakGlassRole)",
        ]);
    });

    it("rejects a duty flag that is not a boolean", () => {
        assert.deepStrictEqual(
            problems(() =>
                validateWorkloadConfig({
                    values: workloadValues({
                        workloadAccounts: [
                            { name: "prod", accountId: PROD, breakGlassRole: "yes" },
                        ],
                    }),
                    region: "us-east-1",
                }),
            ),
            [
                `* org-access:workloadAccounts[0].breakGlassRole: must be true or false (got "yes") (fix with: pulumi config set --path 'org-access:workloadAccounts[0].breakGlassRole' true)`,
            ],
        );
    });
});

describe("duty groups (security account)", () => {
    let plan: PlanResult;
    before(async () => {
        const root = projectWith({
            workload: { securityAccountId: SECURITY, workloadAccounts: ACCOUNTS },
        });
        plan = await planSecurity(
            securityValues({
                incidentResponse: { responders: ["carol"] },
                breakGlass: { users: ["dana"] },
            }),
            root,
        );
    });

    it("creates a group per duty with its own users, MFA enforced as for the auditors", () => {
        assert.deepStrictEqual(
            ofType(plan, "aws:iam/group:Group").map((g) => g.props.name),
            [
                "org-access-auditors",
                "org-access-reporters",
                "org-access-incident-responders",
                "org-access-break-glass",
            ],
        );
        assert.deepStrictEqual(one(plan, "aws:iam/user:User", "break-glass-dana").props.tags, {
            ManagedBy: "org-access",
            Stack: "security",
            Kind: "break-glass",
            "org-access:principal-type": "human",
            "org-access:duty": "break-glass",
        });
        assert.deepStrictEqual(
            one(
                plan,
                "aws:iam/userGroupMembership:UserGroupMembership",
                "break-glass-dana-membership",
            ).props.groups,
            ["org-access-break-glass"],
        );
        const deny = doc(
            one(plan, "aws:iam/groupPolicy:GroupPolicy", "break-glass-deny-without-mfa").props
                .policy,
        ).Statement[0];
        assert.deepStrictEqual(deny.Condition, {
            BoolIfExists: { "aws:MultiFactorAuthPresent": "false" },
        });
        assert.deepStrictEqual(ofType(plan, "aws:iam/accessKey:AccessKey"), []);
        for (const u of ofType(plan, "aws:iam/user:User"))
            assert.strictEqual(u.accountId, SECURITY);
    });

    it("grants each group sts:AssumeRole on its roles' names in the organization only, with MFA", () => {
        const grant = (name: string) =>
            doc(one(plan, "aws:iam/groupPolicy:GroupPolicy", name).props.policy).Statement;
        assert.deepStrictEqual(grant("break-glass-assume"), [
            {
                Sid: "AssumeBreakGlassRolesWithMfa",
                Effect: "Allow",
                Action: "sts:AssumeRole",
                // The break-glass users alone also administer the log archive (OrgAccessLogArchiveAdmin).
                // Names in any account of the organization: the SCP reserves them (orgGrants.ts).
                Resource: [
                    "arn:aws:iam::*:role/BreakGlassRole",
                    "arn:aws:iam::*:role/OrgAccessLogArchiveAdmin",
                ],
                Condition: {
                    StringEquals: { "aws:ResourceOrgID": "o-abcdefghij" },
                    Bool: { "aws:MultiFactorAuthPresent": "true" },
                    NumericLessThan: { "aws:MultiFactorAuthAge": "900" },
                },
            },
        ]);
        // Staging's and prod's roles share a name: one Resource.
        assert.deepStrictEqual(grant("incident-response-assume")[0].Resource, [
            "arn:aws:iam::*:role/IncidentResponseRole",
        ]);
    });

    it("exports the duty users with the trusted principals, for the workload stack", () => {
        const trusted = plan.outputs.trustedPrincipals as Record<string, unknown>;
        assert.deepStrictEqual(trusted.incidentResponderArns, [carol]);
        // Break-glass users live under a path of their own, which OrgAccessLogArchiveAdmin trusts;
        // the other duty's users stay under iamPath.
        assert.deepStrictEqual(trusted.breakGlassArns, [
            `arn:aws:iam::${SECURITY}:user/org-access/break-glass/dana`,
        ]);
        assert.strictEqual(
            one(plan, "aws:iam/user:User", "break-glass-dana").props.path,
            "/org-access/break-glass/",
        );
        assert.strictEqual(
            one(plan, "aws:iam/user:User", "incident-response-carol").props.path,
            "/org-access/",
        );
        assert.strictEqual(
            plan.outputs.breakGlassGroupArn,
            `arn:aws:iam::${SECURITY}:group/org-access/org-access-break-glass`,
        );
    });

    it("fails before deploying when a workload stack asks for a duty role the security stack does not configure", async () => {
        const root = projectWith({
            workload: { securityAccountId: SECURITY, workloadAccounts: ACCOUNTS },
        });
        const e = await rejection(
            planSecurity(securityValues({ incidentResponse: { responders: ["carol"] } }), root),
        );
        assert.ok(e instanceof ConfigError, String(e));
        assert.deepStrictEqual(
            e.problems.map((p) => `${p.path}: ${p.message}`),
            ["breakGlass: is not configured, but workload/prod set breakGlassRole: true"],
        );
    });

    it("gives each duty its own IAM user", () => {
        assert.deepStrictEqual(
            problems(() =>
                validateSecurityConfig({
                    values: securityValues({
                        incidentResponse: { responders: ["alice"] },
                        breakGlass: { users: ["dana", "dana"] },
                    }),
                    region: "us-east-1",
                }),
            ),
            [
                `* org-access:incidentResponse.responders[0]: "alice" is already at auditors[0]; one IAM user has one duty (give this duty its own IAM user)`,
                `* org-access:breakGlass.users[1]: "dana" is already at breakGlass.users[0]; one IAM user has one duty (give this duty its own IAM user)`,
            ],
        );
    });
});
