// IAM Identity Center in the security stack: the permission sets hold exactly the audit and duty
// roles' policies, every group is assigned in every workload account of every workload stack
// after its set's policies, all through the administering account's provider in the instance's
// region; break-glass sign-ins are alarmed; and the audit proofs sweep the SecurityAudit set's
// roles, failing when the set loses its Deny.
import * as assert from "assert";
import { auditDenyPolicy } from "../../components/auditRole";
import { dutyRoleDefinition } from "../../components/dutyRoles";
import { accessModel } from "../../evidence/model";
import { runProofs } from "../../evidence/proofs";
import { evidenceMatrix } from "../../evidence/simulate";
import { auditNoDataRead } from "../../evidence/proofs/audit-no-data-read";
import { auditNoWrite } from "../../evidence/proofs/audit-no-write";
import { humansNeedMfa } from "../../evidence/proofs/humans-need-mfa";
import { noOutsidePrincipal } from "../../evidence/proofs/no-outside-principal";
import { onlyBreakGlassReachesAdmin } from "../../evidence/proofs/only-break-glass-reaches-admin";
import { identityCenterAccess, IdentityCenterSummary } from "../../evidence/profiles";
import { identityCenterSection } from "../../evidence/report";
import { parseList } from "../../plan/mocks";
import { PlanResult } from "../../plan/run";
import {
    DEV,
    MANAGEMENT,
    ofType,
    one,
    planSecurity,
    PROD,
    projectWith,
    SECURITY,
    securityValues,
    STAGING,
} from "../helpers";
import { mutate, without } from "../helpers/variants";
import { proofInput } from "../evidence/proofs/fixture";

const INSTANCE = "arn:aws:sso:::instance/ssoins-1234567890abcdef";
const AUDIT = "906722b2-4011-70ac-c9b5-e1cd8b4ca7b1";
const AUDIT2 = "11111111-2222-3333-4444-555555555555";
const RESPONDERS = "a4e8f1c2-3071-70d5-6b2e-9f1d4c3b2a10";
const GLASS = "c1d2e3f4-5061-7089-aabb-ccddeeff0011";
const ADMIN = "210987654321";
const T = {
    set: "aws:ssoadmin/permissionSet:PermissionSet",
    managed: "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment",
    inline: "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
    boundary: "aws:ssoadmin/permissionsBoundaryAttachment:PermissionsBoundaryAttachment",
    assignment: "aws:ssoadmin/accountAssignment:AccountAssignment",
    filter: "aws:cloudwatch/logMetricFilter:LogMetricFilter",
};

// Two workload stacks, three accounts: both stacks' accounts get every assignment.
const project = () =>
    projectWith({
        workload: {
            securityAccountId: SECURITY,
            workloadAccounts: [
                { name: "prod", accountId: PROD },
                { name: "staging", accountId: STAGING },
            ],
        },
        "workload-b": {
            securityAccountId: SECURITY,
            workloadAccounts: [{ name: "dev", accountId: DEV, deployRoleName: "DevDeploy" }],
        },
    });

const identityCenter = (over: Record<string, unknown> = {}) => ({
    instanceArn: INSTANCE,
    identityStoreId: "d-1234567890",
    auditGroups: [AUDIT, AUDIT2],
    incidentResponseGroups: [RESPONDERS],
    breakGlassGroups: [GLASS],
    ...over,
});

const plan = (over: Record<string, unknown> = {}, values: Record<string, unknown> = {}) =>
    planSecurity(
        securityValues({
            workloadStacks: ["workload", "workload-b"],
            // SCPs at the root reserve the program's role names, as in the proofs' own fixture
            // (test/evidence/proofs/fixture.ts): without them every granted role name is taken as
            // someone else's admin role, and only-break-glass-reaches-admin fails for that alone.
            guardrails: { targets: ["r-abcd"] },
            breakGlass: { users: ["dana-breakglass"] },
            identityCenter: identityCenter(over),
            ...values,
        }),
        project(),
    );

describe("IAM Identity Center access (security stack)", () => {
    let full: PlanResult;
    before(async () => {
        full = await plan();
    });

    it("creates the three permission sets, one hour each, by their fixed names", () => {
        assert.deepStrictEqual(
            ofType(full, T.set)
                .map((r) => [r.name, r.props.name, r.props.sessionDuration, r.props.instanceArn])
                .sort(),
            [
                ["identity-center-audit", "SecurityAudit", "PT1H", INSTANCE],
                ["identity-center-break-glass", "BreakGlass", "PT1H", INSTANCE],
                ["identity-center-incident-response", "IncidentResponse", "PT1H", INSTANCE],
            ],
        );
    });

    it("gives SecurityAudit SecurityAudit + ViewOnlyAccess and exactly the audit role's Deny", () => {
        const managed = ofType(full, T.managed)
            .filter((r) => r.name.startsWith("identity-center-audit-"))
            .map((r) => r.props.managedPolicyArn)
            .sort();
        assert.deepStrictEqual(managed, [
            "arn:aws:iam::aws:policy/SecurityAudit",
            "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
        ]);
        const inline = one(full, T.inline, "identity-center-audit-inline");
        assert.deepStrictEqual(JSON.parse(String(inline.props.inlinePolicy)), auditDenyPolicy());
    });

    it("gives the duty sets their duty roles' policies, with every account's deploy role protected", () => {
        const def = dutyRoleDefinition("IncidentResponseRole", {
            trustedAccountId: SECURITY,
            deployRoleNames: ["DevDeploy", "OrganizationAccountAccessRole"],
            previewRoleNames: ["OrgAccessPreviewRole"],
        });
        const inline = one(full, T.inline, "identity-center-incident-response-inline");
        assert.deepStrictEqual(
            JSON.parse(String(inline.props.inlinePolicy)),
            JSON.parse(JSON.stringify(def.inlinePolicies[0].document)),
        );
        const quarantine = JSON.parse(String(inline.props.inlinePolicy)).Statement.find(
            (s: { Sid: string }) => s.Sid === "QuarantinePrincipals",
        );
        assert.ok(quarantine.NotResource.includes("arn:aws:iam::*:role/DevDeploy"));
        assert.deepStrictEqual(
            ofType(full, T.managed)
                .filter((r) => r.name.startsWith("identity-center-break-glass-"))
                .map((r) => r.props.managedPolicyArn),
            ["arn:aws:iam::aws:policy/AdministratorAccess"],
        );
        assert.strictEqual(
            ofType(full, T.inline).filter((r) => r.name.startsWith("identity-center-break-glass"))
                .length,
            0,
        );
    });

    it("assigns every group in every account of every workload stack, after its set's policies", () => {
        const assignments = ofType(full, T.assignment);
        // 3 accounts x (2 audit groups + 1 responders + 1 break-glass) = 12, counted by hand.
        assert.strictEqual(assignments.length, 12);
        const audit = one(full, T.set, "identity-center-audit").props.arn;
        const auditPairs = assignments
            .filter((a) => a.props.permissionSetArn === audit)
            .map((a) => `${a.props.targetId}/${a.props.principalId}`)
            .sort();
        assert.deepStrictEqual(
            auditPairs,
            [PROD, STAGING, DEV]
                .flatMap((acct) => [`${acct}/${AUDIT}`, `${acct}/${AUDIT2}`])
                .sort(),
        );
        for (const a of assignments) {
            assert.strictEqual(a.props.principalType, "GROUP");
            assert.strictEqual(a.props.targetType, "AWS_ACCOUNT");
        }
        const prodAudit = one(full, T.assignment, `identity-center-audit-acct-${PROD}-${AUDIT}`);
        assert.deepStrictEqual(prodAudit.options.dependsOn, [
            "identity-center-audit-inline",
            "identity-center-audit-securityaudit",
            "identity-center-audit-viewonly",
        ]);
    });

    it("deploys through the administering account's provider, in the instance's region", async () => {
        const sso = full.resources.filter((r) => r.type.startsWith("aws:ssoadmin/"));
        assert.ok(sso.length > 0);
        for (const r of sso) {
            assert.strictEqual(r.accountId, MANAGEMENT, `${r.type} ${r.name}`);
            // In aws:region, the management account's own provider: no process more.
            assert.strictEqual(r.provider?.name, "management");
        }
        const delegated = await plan({
            deployAccount: { accountId: ADMIN, deployRoleName: "IcDeploy" },
            ssoRegion: "eu-west-1",
        });
        const r = one(delegated, T.set, "identity-center-audit");
        assert.strictEqual(r.accountId, ADMIN);
        assert.strictEqual(r.provider?.props.region, "eu-west-1");
        assert.deepStrictEqual(parseList(r.provider?.props.allowedAccountIds), [ADMIN]);
        assert.strictEqual(r.provider?.name, "identity-center");
        const sameRegion = await plan({ deployAccount: { accountId: ADMIN } });
        const d = one(sameRegion, T.set, "identity-center-audit");
        assert.deepStrictEqual(
            [d.accountId, d.provider?.name, d.provider?.props.region],
            [ADMIN, "identity-center-admin", "us-east-1"],
        );
    });

    it("attaches the permissions boundary to SecurityAudit and IncidentResponse, never BreakGlass, and nothing without one", async () => {
        assert.strictEqual(ofType(full, T.boundary).length, 0);
        const boundary = "arn:aws:iam::aws:policy/ReadOnlyAccess";
        const bounded = await plan({ permissionsBoundary: { managedPolicyArn: boundary } });
        assert.deepStrictEqual(
            ofType(bounded, T.boundary)
                .map((r) => [r.name, r.props.permissionsBoundary])
                .sort(),
            ["audit", "incident-response"].map((id) => [
                `identity-center-${id}-boundary`,
                { managedPolicyArn: boundary },
            ]),
        );
    });

    it("alarms on every break-glass permission set sign-in, and only when the set exists", async () => {
        const filter = one(full, T.filter, "detection-break-glass-permission-set");
        assert.strictEqual(
            filter.props.pattern,
            '{ ($.eventSource = "sts.amazonaws.com") && ($.eventName = "AssumeRoleWithSAML") && ($.requestParameters.roleArn = "*/AWSReservedSSO_BreakGlass_*") }',
        );
        const noGlass = await plan({ breakGlassGroups: undefined });
        assert.strictEqual(
            ofType(noGlass, T.filter).filter((r) => r.name.includes("permission-set")).length,
            0,
        );
        assert.deepStrictEqual(
            ofType(noGlass, T.set)
                .map((r) => r.props.name)
                .sort(),
            ["IncidentResponse", "SecurityAudit"],
        );
    });

    it("creates nothing of Identity Center without the key", async () => {
        const off = await planSecurity(securityValues(), project());
        assert.strictEqual(
            off.resources.filter((r) => r.type.startsWith("aws:ssoadmin/")).length,
            0,
        );
        assert.strictEqual(off.outputs.identityCenter, undefined);
    });

    describe("audit proofs over the SecurityAudit set's roles", () => {
        const sweep = (p: PlanResult) =>
            runProofs(proofInput(p, p), [auditNoWrite, auditNoDataRead]);

        it("hold over one audit role per assigned account, named as AWS names them", () => {
            const model = accessModel({ stack: full, security: full });
            const audit = model.roles
                .filter((r) => r.name.startsWith("AWSReservedSSO_SecurityAudit_"))
                .map((r) => r.arn)
                .sort();
            assert.deepStrictEqual(
                audit,
                [DEV, STAGING, PROD]
                    .map(
                        (a) =>
                            `arn:aws:iam::${a}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_SecurityAudit_0123456789abcdef`,
                    )
                    .sort(),
            );
            const results = sweep(full);
            assert.deepStrictEqual(
                results.map((r) => [r.id, r.holds]),
                [
                    ["audit-no-write", true],
                    ["audit-no-data-read", true],
                ],
            );
        });

        it("audit-no-data-read fails when the set loses its Deny (the inline policy)", () => {
            // SecurityAudit and ViewOnlyAccess grant no write (audit-no-write may still hold), but
            // SecurityAudit reads some data: only the Deny stops that.
            const broken = without(full, (r) => r.name === "identity-center-audit-inline");
            const [, read] = sweep(broken);
            assert.strictEqual(read.holds, false);
            assert.ok(
                read.counterexamples.some((c) =>
                    c.principal.endsWith(
                        `${PROD}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_SecurityAudit_0123456789abcdef`,
                    ),
                ),
            );
        });

        it("audit-no-write fails when the set is given a policy that writes", () => {
            const broken = mutate(full, "identity-center-audit-viewonly", (props) => {
                props.managedPolicyArn = "arn:aws:iam::aws:policy/PowerUserAccess";
            });
            const [write] = sweep(broken);
            assert.strictEqual(write.holds, false);
        });

        const auditInProd = `identity-center-audit-acct-${PROD}-${AUDIT}`;
        const setArn = (p: PlanResult, name: string) =>
            String(one(p, T.set, `identity-center-${name}`).props.arn);

        it("sweep the set assigned to the audit groups whatever its name", () => {
            // Renamed, and its inline policy (the Deny) replaced by a secrets read.
            const renamed = mutate(
                mutate(full, "identity-center-audit", (props) => {
                    props.name = "Auditors";
                }),
                "identity-center-audit-inline",
                (props) => {
                    props.inlinePolicy = JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Effect: "Allow",
                                Action: "secretsmanager:GetSecretValue",
                                Resource: "*",
                            },
                        ],
                    });
                },
            );
            const read = sweep(renamed).find((r) => r.id === "audit-no-data-read");
            assert.strictEqual(read?.holds, false);
            assert.ok(
                read.counterexamples.some(
                    (c) =>
                        c.action === "secretsmanager:GetSecretValue" &&
                        c.principal ===
                            `arn:aws:iam::${PROD}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Auditors_0123456789abcdef`,
                ),
                read.counterexamples.map((c) => `${c.principal} ${c.action}`).join("\n"),
            );
            const outside = runProofs(proofInput(renamed, renamed), [noOutsidePrincipal])[0];
            assert.strictEqual(outside.holds, false);
            assert.ok(
                outside.counterexamples.some((c) =>
                    c.reason.includes(
                        `Identity Store group ${AUDIT} gets permission set Auditors, but its duty's set is SecurityAudit`,
                    ),
                ),
            );
        });

        it("sweep the IncidentResponse set's roles when an audit group is pointed at it", () => {
            const pointed = mutate(full, auditInProd, (props) => {
                props.permissionSetArn = setArn(full, "incident-response");
            });
            const [write] = sweep(pointed);
            assert.strictEqual(write.holds, false);
            assert.ok(
                write.counterexamples.some((c) =>
                    c.principal.endsWith("/AWSReservedSSO_IncidentResponse_0123456789abcdef"),
                ),
            );
            const outside = runProofs(proofInput(pointed, pointed), [noOutsidePrincipal])[0];
            assert.strictEqual(outside.holds, false);
            assert.deepStrictEqual(
                outside.counterexamples.map((c) => c.reason),
                [
                    `${auditInProd}: Identity Store group ${AUDIT} gets permission set IncidentResponse, but its duty's set is SecurityAudit; assign only identityCenter's groups, each its own duty's permission set, in the workload accounts`,
                ],
            );
        });

        it("fail on a security stack with Identity Center whose audit groups get no set", () => {
            const none = without(full, (r) => r.name.startsWith("identity-center-audit-acct-"));
            const results = sweep(none);
            assert.deepStrictEqual(
                results.map((r) => [r.id, r.holds, r.counterexamples[0]?.principal]),
                [
                    ["audit-no-write", false, "(no audit role)"],
                    ["audit-no-data-read", false, "(no audit role)"],
                ],
            );
        });

        it("do not run on a security stack without the set", async () => {
            const off = await planSecurity(securityValues(), project());
            assert.deepStrictEqual(sweep(off), []);
        });
    });

    describe("who may sign in: assignments in the proofs", () => {
        const prove = (p: PlanResult) =>
            runProofs(proofInput(p, p), [
                noOutsidePrincipal,
                onlyBreakGlassReachesAdmin,
                humansNeedMfa,
            ]);
        const glassInProd = `identity-center-break-glass-acct-${PROD}-${GLASS}`;

        it("hold, counting every assignment, with MFA named as an assumption", () => {
            const results = prove(full);
            assert.deepStrictEqual(
                results.map((r) => [r.id, r.holds]),
                [
                    ["no-outside-principal", true],
                    ["only-break-glass-reaches-admin", true],
                    ["humans-need-mfa", true],
                ],
            );
            const mfa = results.find((r) => r.id === "humans-need-mfa")!;
            // 3 permission sets x 3 accounts = 9 provisioned roles.
            assert.ok(
                mfa.assumptions.some((a) =>
                    a.startsWith(
                        "ASSUMED, NOT PROVED: the 9 roles IAM Identity Center's permission sets provision",
                    ),
                ),
                mfa.assumptions.join("\n"),
            );
            const outside = results.find((r) => r.id === "no-outside-principal")!;
            assert.ok(
                outside.assumptions.some((a) => a.includes("12 account assignments checked")),
            );
        });

        it("only-break-glass-reaches-admin fails when BreakGlass is assigned to another group", () => {
            const broken = mutate(full, glassInProd, (props) => {
                props.principalId = AUDIT;
            });
            const result = prove(broken).find((r) => r.id === "only-break-glass-reaches-admin")!;
            assert.strictEqual(result.holds, false);
            assert.deepStrictEqual(
                result.counterexamples.map((c) => [c.principal, c.path]),
                [
                    [
                        `Identity Store group ${AUDIT}`,
                        [
                            `arn:aws:iam::${PROD}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_BreakGlass_0123456789abcdef`,
                        ],
                    ],
                ],
            );
        });

        it("take an assignment of a permission set the plan does not define as admin and not checked", () => {
            const FOREIGN =
                "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-ffffffffffffffff";
            const auditInProd = `identity-center-audit-acct-${PROD}-${AUDIT}`;
            const foreign = mutate(full, auditInProd, (props) => {
                props.permissionSetArn = FOREIGN;
            });
            const [outside, admin] = prove(foreign);
            assert.strictEqual(admin.holds, false);
            assert.deepStrictEqual(
                admin.counterexamples.map((c) => [c.principal, c.path]),
                [[`Identity Store group ${AUDIT}`, [`${FOREIGN} in ${PROD}`]]],
            );
            assert.ok(admin.counterexamples[0].reason.includes("the plan does not define"));
            assert.strictEqual(outside.holds, false);
            assert.ok(
                outside.counterexamples.some((c) =>
                    c.reason.includes(
                        `not checked: permission set ${FOREIGN} is a set outside the plan`,
                    ),
                ),
            );
            // To a break-glass group: admin is its duty, but the set is still not checked.
            const toGlass = mutate(full, glassInProd, (props) => {
                props.permissionSetArn = FOREIGN;
            });
            const [outsideGlass, adminGlass] = prove(toGlass);
            assert.strictEqual(adminGlass.holds, true);
            assert.strictEqual(outsideGlass.holds, false);
        });

        it("no-outside-principal fails on an undesignated group, a user, or an account no stack lists", () => {
            const stranger = mutate(full, glassInProd, (props) => {
                props.principalId = "99999999-aaaa-bbbb-cccc-dddddddddddd";
            });
            const user = mutate(full, glassInProd, (props) => {
                props.principalType = "USER";
            });
            const elsewhere = mutate(full, glassInProd, (props) => {
                props.targetId = "333344445555";
            });
            for (const [p, why] of [
                [stranger, "is not one of the groups identityCenter designates"],
                [user, "is not one of the groups identityCenter designates"],
                [elsewhere, "account 333344445555 is not a workload account of any workload stack"],
            ] as const) {
                const result = prove(p).find((r) => r.id === "no-outside-principal")!;
                assert.strictEqual(result.holds, false);
                assert.ok(
                    result.counterexamples.some((c) => c.reason.includes(why)),
                    result.counterexamples.map((c) => c.reason).join("\n"),
                );
            }
        });

        it("leaves the provisioned roles out of the evidence matrix (their trust is AWS's, modelled)", () => {
            const model = accessModel({ stack: full, security: full });
            const matrix = evidenceMatrix(model);
            assert.ok(matrix.length > 0);
            assert.deepStrictEqual(
                matrix.filter((e) => e.role.startsWith("AWSReservedSSO_")),
                [],
            );
        });

        it("places the roles under the instance region's path outside us-east-1", async () => {
            const eu = await plan({ ssoRegion: "eu-west-1" });
            const model = accessModel({ stack: eu, security: eu });
            assert.ok(
                model.roles.some(
                    (r) =>
                        r.arn ===
                        `arn:aws:iam::${PROD}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_SecurityAudit_0123456789abcdef`,
                ),
            );
        });
    });

    describe("profiles and the report", () => {
        const summary: IdentityCenterSummary = {
            portalUrl: "https://d-1234567890.awsapps.com/start",
            ssoRegion: "eu-west-1",
            permissionSets: ["SecurityAudit", "BreakGlass"],
            accounts: [{ name: "prod", accountId: PROD }],
            unassignedOus: [{ stack: "workload-ss", ous: ["ou-abcd-11111111"] }],
            mfa: "checked by a person",
        };

        it("writes an sso-session profile and a portal shortcut link per account and permission set", () => {
            const { session, access } = identityCenterAccess(summary, "us-east-1");
            assert.strictEqual(
                session,
                [
                    "[sso-session org-access]",
                    "sso_start_url = https://d-1234567890.awsapps.com/start",
                    "sso_region = eu-west-1",
                    "sso_registration_scopes = sso:account:access",
                ].join("\n"),
            );
            assert.deepStrictEqual(
                access.map((a) => [a.profile, a.portalLink]),
                [
                    [
                        `[profile org-access-prod-SecurityAudit]\nsso_session = org-access\nsso_account_id = ${PROD}\nsso_role_name = SecurityAudit\nregion = us-east-1`,
                        `https://d-1234567890.awsapps.com/start/#/console?account_id=${PROD}&role_name=SecurityAudit`,
                    ],
                    [
                        `[profile org-access-prod-BreakGlass]\nsso_session = org-access\nsso_account_id = ${PROD}\nsso_role_name = BreakGlass\nregion = us-east-1`,
                        `https://d-1234567890.awsapps.com/start/#/console?account_id=${PROD}&role_name=BreakGlass`,
                    ],
                ],
            );
        });

        it("says in the report what was checked, what a person checks, and which accounts get nothing", () => {
            const text = identityCenterSection("security", summary, "us-east-1").join("\n");
            assert.ok(text.includes("- **MFA**: checked by a person"));
            assert.ok(
                text.includes(
                    "- **Not assigned**: stack `workload-ss` deploys by StackSet to every account of ou-abcd-11111111",
                ),
            );
            assert.ok(
                text.includes(
                    `| \`prod\` (${PROD}) | BreakGlass | [sign in](https://d-1234567890.awsapps.com/start/#/console?account_id=${PROD}&role_name=BreakGlass) |`,
                ),
            );
        });
    });
});
