import * as assert from "assert";
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import auditManaged from "../../policypack/iam/data/audit-managed-policies.json";
import { accessModel } from "../../evidence/model";
import {
    EvidenceEntry,
    evidenceMatrix,
    EXPECTATIONS,
    mismatches,
    OUTSIDE_ACCOUNT,
} from "../../evidence/simulate";
import {
    AUDIT_ROLE_STACK_SET_TYPE,
    AUDIT_ROLE_TYPE,
    COMPONENT_TYPES,
} from "../../policypack/componentTypes";
import { planExitCode, runPlan, StackPlan } from "../../plan/offline";
import { PlannedResource, PlanResult } from "../../plan/run";
import { planSecurity, planWorkload, projectWith, securityValues } from "../helpers";
import { exampleProject } from "../helpers/preview";
import { tamper } from "../helpers/variants";

const FIXED = {
    "assume-without-mfa": "denied",
    "assume-with-mfa": "allowed",
    "assume-from-outside-account": "denied",
    "read-action": "allowed",
    "iam-write": "denied",
} as const;

const prodRole = (r: PlannedResource) =>
    r.type === "aws:iam/role:Role" && r.name === "acct-777788889999-role";
const entry = (
    entries: EvidenceEntry[],
    role: string,
    scenario: string,
    accountId = "777788889999",
) => {
    const found = entries.filter(
        (e) => e.accountId === accountId && e.role === role && e.scenario === scenario,
    );
    assert.strictEqual(found.length, 1, `${accountId} ${role} ${scenario}`);
    return found[0];
};

describe("evidence matrix", () => {
    let plans: StackPlan[];
    let security: PlanResult;
    let workload: PlanResult;
    before(async () => {
        plans = await runPlan({ stacks: ["security", "workload"], root: exampleProject() });
        security = plans[0].result;
        workload = plans[1].result;
    });
    const matrixOf = (w: PlanResult, s: PlanResult | undefined = security) =>
        evidenceMatrix(accessModel({ stack: w, security: s }));

    it("covers every audit role of the example workload stack with the fixed scenarios and their expectations", () => {
        const evidence = plans[1].evidence;
        const roles = workload.resources.filter(
            (r) => r.type === "aws:iam/role:Role" && r.props.name === "SecurityAuditRole",
        );
        assert.strictEqual(roles.length, 3);
        for (const role of roles) {
            for (const [scenario, expected] of Object.entries(FIXED)) {
                const e = entry(evidence, "SecurityAuditRole", scenario, role.accountId as string);
                assert.strictEqual(e.expected, expected);
                assert.strictEqual(
                    e.simulated,
                    expected,
                    `${role.accountId} ${scenario}: ${e.reason}`,
                );
            }
        }
        assert.deepStrictEqual(mismatches(evidence), []);
        assert.strictEqual(planExitCode(plans), 0);
    });

    it("names the deciding statement", () => {
        const evidence = plans[1].evidence;
        assert.match(
            entry(evidence, "SecurityAuditRole", "iam-write").reason,
            /^explicit deny: inline policy org-access-explicit-deny Statement\[0\] \(Sid "DenyIamWrites"\)/,
        );
        assert.strictEqual(
            entry(evidence, "SecurityAuditRole", "data-read-secret").reason,
            'explicit deny: inline policy org-access-explicit-deny Statement[1] (Sid "DenyDataReads")',
        );
        assert.match(
            entry(evidence, "SecurityAuditRole", "assume-with-mfa").reason,
            /^allowed by trust policy Statement\[0\] \(Sid "HumansWithMfa"\) and group org-access-auditors policy assume-audit-roles-with-mfa/,
        );
        assert.match(
            entry(evidence, "SecurityAuditRole", "assume-without-mfa").reason,
            /^trust policy Statement\[0\] \(Sid "HumansWithMfa"\) names the caller but its conditions \(ArnLike aws:PrincipalArn, StringEquals aws:PrincipalTag\/org-access:principal-type, StringEquals aws:PrincipalTag\/org-access:duty, Bool aws:MultiFactorAuthPresent, NumericLessThan aws:MultiFactorAuthAge\) are not met/,
        );
        assert.strictEqual(
            entry(evidence, "SecurityAuditRole", "assume-from-outside-account").reason,
            "no trust policy statement names this caller (implicit deny)",
        );
        assert.match(
            entry(evidence, "SecurityAuditRole", "read-action").reason,
            /^allowed by AWS-managed (SecurityAudit|ViewOnlyAccess) /,
        );
    });

    it("covers the security stack's own roles: nobody but the service assumes the CloudTrail delivery role", () => {
        const evidence = plans[0].evidence;
        const delivery = evidence.filter((e) => e.role === "org-access-cloudtrail-org-access");
        assert.deepStrictEqual(
            delivery.map((e) => [e.scenario, e.simulated]),
            [
                ["assume-without-mfa", "denied"],
                ["assume-with-mfa", "denied"],
                ["assume-from-outside-account", "denied"],
                ["assume-undesignated-principal", "denied"],
            ],
        );
    });

    it("keys its expectations by the components' own type tokens, under which the plans create the roles", () => {
        for (const token of Object.keys(EXPECTATIONS))
            assert.ok(COMPONENT_TYPES.includes(token), `${token} is no component's type token`);
        // A role's component type comes from its parent's URN: what the component passed to super().
        const planned = new Set(plans.flatMap((p) => p.model.roles.map((r) => r.componentType)));
        // The stack-set variant of the audit role exists in StackSet mode only.
        const expected = Object.keys(EXPECTATIONS).filter((t) => t !== AUDIT_ROLE_STACK_SET_TYPE);
        for (const token of expected) assert.ok(planned.has(token), `no planned role of ${token}`);
        assert.ok(expected.includes(AUDIT_ROLE_TYPE));
    });

    describe("deliberately broken variants fail", () => {
        it("a trust policy without MFA turns assume-without-mfa into allowed, and the plan fails", () => {
            const broken = tamper(workload, prodRole, (p) => {
                const doc = JSON.parse(String(p.assumeRolePolicy));
                delete doc.Statement[0].Condition;
                return { ...p, assumeRolePolicy: JSON.stringify(doc) };
            });
            const evidence = matrixOf(broken);
            assert.strictEqual(
                entry(evidence, "SecurityAuditRole", "assume-without-mfa").simulated,
                "allowed",
            );
            assert.strictEqual(
                entry(evidence, "SecurityAuditRole", "assume-with-stale-mfa").simulated,
                "allowed",
            );
            assert.strictEqual(
                entry(evidence, "SecurityAuditRole", "assume-without-mfa", "555555555555")
                    .simulated,
                "denied",
                "other accounts unaffected",
            );
            assert.strictEqual(planExitCode([plans[0], { ...plans[1], evidence }]), 1);
        });

        it("BoolIfExists instead of Bool lets a request with no MFA key through", () => {
            const broken = tamper(workload, prodRole, (p) => {
                const doc = JSON.parse(String(p.assumeRolePolicy));
                doc.Statement[0].Condition = {
                    BoolIfExists: { "aws:MultiFactorAuthPresent": "true" },
                };
                return { ...p, assumeRolePolicy: JSON.stringify(doc) };
            });
            assert.strictEqual(
                entry(matrixOf(broken), "SecurityAuditRole", "assume-without-mfa").simulated,
                "allowed",
            );
        });

        it("a wildcard principal lets the outside account in", () => {
            const broken = tamper(workload, prodRole, (p) => {
                const doc = JSON.parse(String(p.assumeRolePolicy));
                // Any principal, no longer pinned to the security account's users by ARN: the
                // tags are the outsider's own to set.
                doc.Statement[0].Principal = { AWS: ["*"] };
                delete doc.Statement[0].Condition.ArnLike;
                return { ...p, assumeRolePolicy: JSON.stringify(doc) };
            });
            const evidence = matrixOf(broken);
            assert.strictEqual(
                entry(evidence, "SecurityAuditRole", "assume-from-outside-account").simulated,
                "allowed",
            );
            // An undesignated user of the security account still lacks the duty's tags, which
            // only the program sets there (it holds no iam:TagUser).
            assert.strictEqual(
                entry(evidence, "SecurityAuditRole", "assume-undesignated-principal").simulated,
                "denied",
            );
        });

        it("a trust statement without its ExternalId lets the program in without one", () => {
            const broken = tamper(workload, prodRole, (p) => {
                const doc = JSON.parse(String(p.assumeRolePolicy));
                delete doc.Statement[1].Condition;
                return { ...p, assumeRolePolicy: JSON.stringify(doc) };
            });
            const evidence = matrixOf(broken);
            assert.strictEqual(
                entry(evidence, "SecurityAuditRole", "assume-programmatic-no-external-id")
                    .simulated,
                "allowed",
            );
            assert.strictEqual(
                entry(evidence, "SecurityAuditRole", "assume-programmatic-wrong-external-id")
                    .simulated,
                "allowed",
            );
        });

        it("without the explicit Deny, SecurityAudit itself reads data", () => {
            const broken = tamper(
                workload,
                (r) =>
                    r.type === "aws:iam/rolePolicy:RolePolicy" &&
                    r.name === "acct-777788889999-deny",
                () => undefined,
            );
            const evidence = matrixOf(broken);
            assert.strictEqual(
                entry(evidence, "SecurityAuditRole", "data-read-db-log").simulated,
                "allowed",
            );
            assert.match(
                entry(evidence, "SecurityAuditRole", "data-read-db-log").reason,
                /^allowed by AWS-managed SecurityAudit /,
            );
            // Neither default read policy grants these (ReadOnlyAccess, an opt-in, would grant the
            // first two), so they stay denied, but only implicitly (or by an SCP).
            assert.strictEqual(
                entry(evidence, "SecurityAuditRole", "data-read-s3").reason,
                "no identity policy allows s3:GetObject",
            );
            assert.strictEqual(
                entry(evidence, "SecurityAuditRole", "data-read-logs").reason,
                "no identity policy allows logs:GetLogEvents",
            );
            assert.strictEqual(
                entry(evidence, "SecurityAuditRole", "data-read-secret").reason,
                "no identity policy allows secretsmanager:GetSecretValue",
            );
            assert.doesNotMatch(
                entry(evidence, "SecurityAuditRole", "iam-write").reason,
                /inline policy/,
            );
        });

        it("cross-account access needs the security side too: without the group grant, MFA alone is not enough", () => {
            const noGrant = tamper(
                security,
                (r) =>
                    r.type === "aws:iam/groupPolicy:GroupPolicy" &&
                    r.name === "security-access-auditors-assume",
                () => undefined,
            );
            const e = entry(matrixOf(workload, noGrant), "SecurityAuditRole", "assume-with-mfa");
            assert.strictEqual(e.simulated, "denied");
            assert.match(
                e.reason,
                /^no identity policy of alice allows sts:AssumeRole on arn:aws:iam::777788889999:role\/SecurityAuditRole$/,
            );
        });

        it("a service control policy's Deny decides", () => {
            const scp: PlannedResource = {
                type: "aws:organizations/policy:Policy",
                name: "deny-ec2",
                urn: "urn:pulumi:security::org-access::aws:organizations/policy:Policy::deny-ec2",
                id: "p-12345678",
                accountId: "123456789012",
                props: {
                    name: "deny-ec2",
                    content: JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            { Sid: "NoEc2", Effect: "Deny", Action: "ec2:*", Resource: "*" },
                        ],
                    }),
                },
                component: false,
                options: { protect: false, retainOnDelete: false, dependsOn: [], aliases: [] },
                secretProps: [],
            };
            const attach: PlannedResource = {
                ...scp,
                type: "aws:organizations/policyAttachment:PolicyAttachment",
                name: "deny-ec2-prod",
                id: "a",
                props: { policyId: "p-12345678", targetId: "777788889999" },
            };
            const withScp = { ...security, resources: [...security.resources, scp, attach] };
            const evidence = matrixOf(workload, withScp);
            const e = entry(evidence, "SecurityAuditRole", "read-action");
            assert.strictEqual(e.simulated, "denied");
            assert.strictEqual(e.reason, 'explicit deny: SCP deny-ec2 Statement[0] (Sid "NoEc2")');
            assert.strictEqual(
                entry(evidence, "SecurityAuditRole", "read-action", "555555555555").simulated,
                "allowed",
                "only the attached account",
            );
        });
    });

    describe("cross-check against @cloud-copilot/iam-simulate", () => {
        const managed = (
            auditManaged as { policies: Record<string, { arn: string; document: unknown }> }
        ).policies;
        const context: Record<string, Record<string, string>> = {
            mfa: {
                "aws:MultiFactorAuthPresent": "true",
                "aws:MultiFactorAuthAge": "300",
                "aws:SecureTransport": "true",
            },
            none: { "aws:SecureTransport": "true" },
        };

        /** Poses one evidence scenario to the oracle, from the raw plan documents rather than our model. */
        async function oracle(w: PlanResult, e: EvidenceEntry): Promise<string> {
            const roleOf = (p: PlanResult) =>
                p.resources.find(
                    (r) =>
                        r.type === "aws:iam/role:Role" &&
                        r.accountId === e.accountId &&
                        r.props.name === e.role,
                ) as PlannedResource;
            const role = roleOf(w);
            const roleArn = `arn:aws:iam::${e.accountId}:role${role.props.path ?? "/"}${e.role}`;
            const trust = JSON.parse(String(role.props.assumeRolePolicy));
            // The designated principals come from the plan as generated, not from the variant.
            const original = JSON.parse(String(roleOf(workload).props.assumeRolePolicy));
            // The trust names the security account and designates its people by path and tags:
            // the designated people come from the stack's trusted principals, carrying the tags
            // the security stack gives an auditor (the outsider sets the same on its own user).
            const humans: string[] = (workload.outputs.trustedPrincipals as { humanArns: string[] })
                .humanArns;
            const auditorTags = {
                "aws:PrincipalTag/org-access:principal-type": "human",
                "aws:PrincipalTag/org-access:duty": "audit",
            };
            const reporter = original.Statement[1];
            const externalId: string = reporter.Condition.StringEquals["sts:ExternalId"];
            const allowAssume = [
                {
                    name: "caller",
                    policy: {
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }],
                    },
                },
            ];
            const assume = (principal: string, ctx: Record<string, string>): Simulation => ({
                request: {
                    principal,
                    action: "sts:AssumeRole",
                    resource: { resource: roleArn, accountId: e.accountId },
                    // AWS derives aws:PrincipalArn from the caller; the oracle takes it as given.
                    contextVariables: { ...ctx, "aws:PrincipalArn": principal },
                },
                identityPolicies: allowAssume,
                serviceControlPolicies: [],
                resourceControlPolicies: [],
                resourcePolicy: trust,
            });
            const identity = [
                ...w.resources
                    .filter(
                        (r) =>
                            r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" &&
                            r.accountId === e.accountId &&
                            r.props.role === e.role,
                    )
                    .map((r) => ({
                        name: String(r.props.policyArn),
                        policy: managed[String(r.props.policyArn).split("/").pop() as string]
                            .document,
                    })),
                ...w.resources
                    .filter(
                        (r) =>
                            r.type === "aws:iam/rolePolicy:RolePolicy" &&
                            r.accountId === e.accountId &&
                            r.props.role === e.role,
                    )
                    .map((r) => ({ name: r.name, policy: JSON.parse(String(r.props.policy)) })),
            ];
            const act = (action: string, resource: string): Simulation => ({
                request: {
                    principal: `arn:aws:sts::${e.accountId}:assumed-role/${e.role}/evidence`,
                    action,
                    resource: { resource, accountId: e.accountId },
                    contextVariables: {},
                },
                identityPolicies: identity,
                serviceControlPolicies: [],
                resourceControlPolicies: [],
            });
            const simulations: Record<string, Simulation> = {
                "assume-without-mfa": assume(humans[0], { ...context.none, ...auditorTags }),
                "assume-with-mfa": assume(humans[0], { ...context.mfa, ...auditorTags }),
                "assume-with-stale-mfa": assume(humans[0], {
                    ...context.mfa,
                    ...auditorTags,
                    "aws:MultiFactorAuthAge": "86400",
                }),
                "assume-from-outside-account": assume(
                    `arn:aws:iam::${OUTSIDE_ACCOUNT}:user/outsider`,
                    { ...context.mfa, ...auditorTags },
                ),
                "assume-undesignated-principal": assume(
                    "arn:aws:iam::111122223333:user/org-access/undesignated",
                    context.mfa,
                ),
                "assume-programmatic-external-id": assume(reporter.Principal.AWS, {
                    ...context.none,
                    "sts:ExternalId": externalId,
                }),
                "assume-programmatic-wrong-external-id": assume(reporter.Principal.AWS, {
                    ...context.none,
                    "sts:ExternalId": `${externalId}-wrong`,
                }),
                "assume-programmatic-no-external-id": assume(reporter.Principal.AWS, context.none),
                "read-action": act("ec2:DescribeInstances", "*"),
                "iam-write": act("iam:CreateUser", `arn:aws:iam::${e.accountId}:user/evidence`),
                "data-read-s3": act("s3:GetObject", "arn:aws:s3:::evidence-bucket/evidence-object"),
                "data-read-secret": act(
                    "secretsmanager:GetSecretValue",
                    `arn:aws:secretsmanager:us-east-1:${e.accountId}:secret:evidence`,
                ),
                "data-read-logs": act(
                    "logs:GetLogEvents",
                    `arn:aws:logs:us-east-1:${e.accountId}:log-group:evidence:log-stream:evidence`,
                ),
                "data-read-db-log": act(
                    "rds:DownloadDBLogFilePortion",
                    `arn:aws:rds:us-east-1:${e.accountId}:db:evidence`,
                ),
            };
            const result = await runSimulation(simulations[e.scenario], {});
            if (result.resultType === "error")
                throw new Error(`oracle rejected ${e.scenario}: ${JSON.stringify(result.errors)}`);
            return result.overallResult === "Allowed" ? "allowed" : "denied";
        }

        const variants: [string, (w: PlanResult) => PlanResult][] = [
            ["as planned", (w) => w],
            [
                "without MFA in the trust",
                (w) =>
                    tamper(w, prodRole, (p) => {
                        const d = JSON.parse(String(p.assumeRolePolicy));
                        // The designation stays; MFA becomes IfExists.
                        const c = d.Statement[0].Condition;
                        delete c.Bool;
                        delete c.NumericLessThan;
                        c.BoolIfExists = { "aws:MultiFactorAuthPresent": "true" };
                        return { ...p, assumeRolePolicy: JSON.stringify(d) };
                    }),
            ],
            [
                "with a wildcard principal",
                (w) =>
                    tamper(w, prodRole, (p) => {
                        const d = JSON.parse(String(p.assumeRolePolicy));
                        d.Statement[1].Principal = "*";
                        return { ...p, assumeRolePolicy: JSON.stringify(d) };
                    }),
            ],
            [
                "without the explicit Deny",
                (w) =>
                    tamper(
                        w,
                        (r) =>
                            r.type === "aws:iam/rolePolicy:RolePolicy" &&
                            r.name === "acct-777788889999-deny",
                        () => undefined,
                    ),
            ],
        ];
        for (const [label, variant] of variants) {
            it(`agrees on every trust-side and permission scenario of the prod role, ${label}`, async () => {
                const w = variant(workload);
                // The oracle gets a caller whose own account allows everything, so only scenarios
                // that our simulator poses the same way (expected denied: the trust alone decides,
                // and the role's own actions) are compared.
                const evidence = matrixOf(w, undefined).filter(
                    (e) => e.accountId === "777788889999" && e.role === "SecurityAuditRole",
                );
                assert.strictEqual(evidence.length, 14);
                for (const e of evidence)
                    assert.strictEqual(
                        e.simulated,
                        await oracle(w, e),
                        `${label}: ${e.scenario} (${e.reason})`,
                    );
            });
        }
    });
});

describe("evidence: every scenario has a broken variant that flips it", () => {
    let security: PlanResult;
    let workload: PlanResult;
    before(async () => {
        const plans = await runPlan({ stacks: ["security", "workload"], root: exampleProject() });
        security = plans[0].result;
        workload = plans[1].result;
    });

    const trustOf = (name: string) => (r: PlannedResource) =>
        r.type === "aws:iam/role:Role" && r.name === name;
    const editTrust = (edit: (doc: any) => void) => (p: Record<string, unknown>) => {
        const doc = JSON.parse(String(p.assumeRolePolicy));
        edit(doc);
        return { ...p, assumeRolePolicy: JSON.stringify(doc) };
    };
    const addInline = (w: PlanResult, role: string, statement: object): PlanResult => ({
        ...w,
        resources: [
            ...w.resources,
            {
                ...w.resources.find(
                    (r) =>
                        r.type === "aws:iam/rolePolicy:RolePolicy" &&
                        r.name === "acct-777788889999-deny",
                )!,
                name: "acct-777788889999-extra",
                props: {
                    role,
                    name: "extra",
                    policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }),
                },
            },
        ],
    });
    const noDeny = (w: PlanResult) =>
        tamper(
            w,
            (r) =>
                r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "acct-777788889999-deny",
            () => undefined,
        );

    const variants: [
        string,
        string,
        (w: PlanResult) => PlanResult,
        ((s: PlanResult) => PlanResult)?,
    ][] = [
        [
            "SecurityAuditRole",
            "assume-without-mfa",
            (w) =>
                tamper(
                    w,
                    prodRole,
                    editTrust((d) => delete d.Statement[0].Condition),
                ),
        ],
        [
            "SecurityAuditRole",
            "assume-with-stale-mfa",
            (w) =>
                tamper(
                    w,
                    prodRole,
                    editTrust((d) => delete d.Statement[0].Condition.NumericLessThan),
                ),
        ],
        [
            "SecurityAuditRole",
            "assume-with-mfa",
            (w) =>
                tamper(
                    w,
                    prodRole,
                    editTrust(
                        (d) =>
                            (d.Statement[0].Condition.Bool["aws:MultiFactorAuthPresent"] = "false"),
                    ),
                ),
        ],
        [
            "SecurityAuditRole",
            "assume-from-outside-account",
            (w) =>
                tamper(
                    w,
                    prodRole,
                    editTrust((d) => {
                        // Any principal, and no ARN pinning it to the security account's users.
                        d.Statement[0].Principal = { AWS: "*" };
                        delete d.Statement[0].Condition.ArnLike;
                    }),
                ),
        ],
        [
            "SecurityAuditRole",
            "assume-undesignated-principal",
            (w) =>
                tamper(
                    w,
                    prodRole,
                    editTrust((d) => {
                        // The security account without the duty's tags: any user under the path.
                        d.Statement[0].Principal = { AWS: "arn:aws:iam::111122223333:root" };
                        delete d.Statement[0].Condition.StringEquals;
                    }),
                ),
        ],
        [
            "SecurityAuditRole",
            "assume-programmatic-external-id",
            (w) =>
                tamper(
                    w,
                    prodRole,
                    editTrust(
                        (d) =>
                            (d.Statement[1].Condition.StringEquals["sts:ExternalId"] =
                                "another-id"),
                    ),
                ),
        ],
        [
            "SecurityAuditRole",
            "assume-programmatic-wrong-external-id",
            (w) =>
                tamper(
                    w,
                    prodRole,
                    editTrust(
                        (d) =>
                            (d.Statement[1].Condition = { StringLike: { "sts:ExternalId": "*" } }),
                    ),
                ),
        ],
        [
            "SecurityAuditRole",
            "assume-programmatic-no-external-id",
            (w) =>
                tamper(
                    w,
                    prodRole,
                    editTrust(
                        (d) =>
                            (d.Statement[1].Condition = {
                                StringEqualsIfExists: { "sts:ExternalId": "x" },
                            }),
                    ),
                ),
        ],
        [
            "SecurityAuditRole",
            "read-action",
            (w) =>
                addInline(w, "SecurityAuditRole", {
                    Effect: "Deny",
                    Action: "ec2:Describe*",
                    Resource: "*",
                }),
        ],
        // Two layers deny IAM user creation: the role's own Deny and the no-long-lived-credentials SCP.
        [
            "SecurityAuditRole",
            "iam-write",
            (w) =>
                noDeny(
                    addInline(w, "SecurityAuditRole", {
                        Effect: "Allow",
                        Action: "iam:*",
                        Resource: "*",
                    }),
                ),
            (s) => ({
                ...s,
                resources: s.resources.filter((r) => !r.type.startsWith("aws:organizations/")),
            }),
        ],
        [
            "SecurityAuditRole",
            "data-read-s3",
            (w) =>
                noDeny(
                    addInline(w, "SecurityAuditRole", {
                        Effect: "Allow",
                        Action: "s3:GetObject",
                        Resource: "*",
                    }),
                ),
        ],
        [
            "SecurityAuditRole",
            "data-read-logs",
            (w) =>
                noDeny(
                    addInline(w, "SecurityAuditRole", {
                        Effect: "Allow",
                        Action: "logs:Get*",
                        Resource: "*",
                    }),
                ),
        ],
        // SecurityAudit itself grants database log downloads: only the Deny stands in the way.
        ["SecurityAuditRole", "data-read-db-log", noDeny],
        [
            "SecurityAuditRole",
            "data-read-secret",
            (w) =>
                noDeny(
                    addInline(w, "SecurityAuditRole", {
                        Effect: "Allow",
                        Action: "secretsmanager:GetSecretValue",
                        Resource: "*",
                    }),
                ),
        ],
        [
            "BreakGlassRole",
            "assume-by-other-duty",
            (w) =>
                tamper(
                    w,
                    trustOf("acct-777788889999-break-glass-role"),
                    editTrust(
                        // Any duty's people under the security account's path, not only break-glass's.
                        (d) => {
                            const c = d.Statement[0].Condition;
                            delete c.StringEquals["aws:PrincipalTag/org-access:duty"];
                            c.ArnLike["aws:PrincipalArn"] =
                                "arn:aws:iam::111122223333:user/org-access/*";
                        },
                    ),
                ),
        ],
        [
            "BreakGlassRole",
            "admin-write",
            (w) =>
                addInline(w, "BreakGlassRole", {
                    Effect: "Deny",
                    Action: "iam:Put*",
                    Resource: "*",
                }),
        ],
        [
            "IncidentResponseRole",
            "admin-write",
            (w) =>
                addInline(w, "IncidentResponseRole", {
                    Effect: "Allow",
                    Action: "iam:PutRolePolicy",
                    Resource: "*",
                }),
        ],
    ];

    it("covers every scenario id the matrix uses", () => {
        const used = new Set(
            evidenceMatrix(accessModel({ stack: workload, security })).map((e) => e.scenario),
        );
        const covered = new Set(variants.map(([, s]) => s));
        assert.deepStrictEqual(
            [...used].filter((s) => !covered.has(s)),
            [],
        );
    });

    for (const [role, scenario, variant, securityVariant] of variants) {
        it(`${role} ${scenario}`, () => {
            const before = entry(
                evidenceMatrix(accessModel({ stack: workload, security })),
                role,
                scenario,
            );
            assert.strictEqual(before.simulated, before.expected, before.reason);
            const after = entry(
                evidenceMatrix(
                    accessModel({
                        stack: variant(workload),
                        security: (securityVariant ?? ((x) => x))(security),
                    }),
                ),
                role,
                scenario,
            );
            assert.notStrictEqual(
                after.simulated,
                after.expected,
                `the broken variant must flip ${scenario}: ${after.reason}`,
            );
        });
    }
});

describe("evidence matrix: programs pinned to networks", () => {
    const SECURITY_ID = "111122223333";
    const PROD_ID = "777788889999";
    const workloadStack = {
        securityAccountId: SECURITY_ID,
        workloadAccounts: [{ name: "prod", accountId: PROD_ID }],
    };
    const plan = async (network: Record<string, unknown>) => {
        const security = await planSecurity(
            securityValues({
                reporters: [
                    { name: "reporter", externalId: "ext-id-0123456789abcdef", ...network },
                ],
            }),
            projectWith({ workload: workloadStack }),
        );
        const workload = await planWorkload(
            { securityAccountId: SECURITY_ID, workloadAccounts: workloadStack.workloadAccounts },
            { stackOutputs: { "organization/org-access/security": security.outputs } },
        );
        return { security, workload };
    };
    const programmatic = (entries: EvidenceEntry[]) =>
        entries
            .filter((e) => e.role === "SecurityAuditRole" && e.scenario.includes("programmatic"))
            .map((e) => [e.scenario, e.expected, e.simulated]);

    it("calls from inside the allowed networks, and shows a call from outside refused", async () => {
        const { security, workload } = await plan({
            sourceIps: ["203.0.113.0/24"],
            sourceVpces: ["vpce-0a1b2c3d"],
        });
        const entries = evidenceMatrix(accessModel({ stack: workload, security }));
        assert.deepStrictEqual(programmatic(entries), [
            ["assume-programmatic-external-id", "allowed", "allowed"],
            ["assume-programmatic-wrong-external-id", "denied", "denied"],
            ["assume-programmatic-no-external-id", "denied", "denied"],
            ["assume-programmatic-outside-network", "denied", "denied"],
        ]);
        assert.match(
            entry(entries, "SecurityAuditRole", "assume-programmatic-external-id").reason,
            /^allowed by trust policy Statement\[1\] \(Sid "ProgramWithExternalId0FromSourceIp"\) and group org-access-reporters policy assume-audit-roles/,
        );
        assert.match(
            entry(entries, "SecurityAuditRole", "assume-programmatic-outside-network").reason,
            /names the caller but its conditions \(StringEquals sts:ExternalId, IpAddress aws:SourceIp\) are not met.*ProgramWithExternalId0ThroughVpce/,
        );
        assert.deepStrictEqual(mismatches(entries), []);

        // A trust policy that lost its network condition lets the outside call in, and the matrix says so.
        const broken = tamper(workload, prodRole, (p) => {
            const doc = JSON.parse(String(p.assumeRolePolicy));
            delete doc.Statement[1].Condition.IpAddress;
            return { ...p, assumeRolePolicy: JSON.stringify(doc) };
        });
        const brokenEntries = evidenceMatrix(accessModel({ stack: broken, security }));
        assert.deepStrictEqual(
            mismatches(brokenEntries).map((e) => [e.scenario, e.simulated]),
            [["assume-programmatic-outside-network", "allowed"]],
        );
    });

    it("calls through the endpoint when the program has endpoints only", async () => {
        const { security, workload } = await plan({ sourceVpces: ["vpce-0a1b2c3d"] });
        const entries = evidenceMatrix(accessModel({ stack: workload, security }));
        assert.match(
            entry(entries, "SecurityAuditRole", "assume-programmatic-external-id").reason,
            /^allowed by trust policy Statement\[1\] \(Sid "ProgramWithExternalId0ThroughVpce"\)/,
        );
        assert.strictEqual(
            entry(entries, "SecurityAuditRole", "assume-programmatic-outside-network").simulated,
            "denied",
        );
        assert.deepStrictEqual(mismatches(entries), []);
    });

    it("poses no network scenario for a program without network conditions", async () => {
        const { security, workload } = await plan({});
        const entries = evidenceMatrix(accessModel({ stack: workload, security }));
        assert.deepStrictEqual(
            programmatic(entries).map(([s]) => s),
            [
                "assume-programmatic-external-id",
                "assume-programmatic-wrong-external-id",
                "assume-programmatic-no-external-id",
            ],
        );
    });
});
