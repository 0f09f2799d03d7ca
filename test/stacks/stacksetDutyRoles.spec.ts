// StackSet mode's duty roles: the IncidentResponseRole and BreakGlassRole in the StackSet's
// template (stackSet.incidentResponseRole / stackSet.breakGlassRole), built from the provider-mode
// definitions, recognised by the pack, the evidence matrix and the proofs as the same roles, and
// granted by the security stack. Each check is shown to fail on a template broken on purpose.
import * as assert from "assert";
import { auditRoleTemplateBody, TEMPLATE_BODY_MAX_BYTES } from "../../components/auditRoleStackSet";
import { ConfigError, validateWorkloadConfig } from "../../config";
import { accessModel } from "../../evidence/model";
import { runProofs } from "../../evidence/proofs";
import { buildGraph, reach } from "../../evidence/proofs/graph";
import { humansNeedMfa } from "../../evidence/proofs/humans-need-mfa";
import { onlyBreakGlassReachesAdmin } from "../../evidence/proofs/only-break-glass-reaches-admin";
import { evidenceMatrix, mismatches } from "../../evidence/simulate";
import {
    AUDIT_ROLE_STACK_SET_TYPE,
    BREAK_GLASS_ROLE_TYPE,
    INCIDENT_RESPONSE_ROLE_TYPE,
} from "../../policypack/componentTypes";
import { checkResources } from "../../policypack/runner";
import { PlanResult, toPackResource } from "../../plan/run";
import { accountResourceName } from "../../stacks/resourceNames";
import {
    MANAGEMENT,
    one,
    ofType,
    planSecurity,
    planWorkload,
    PROD,
    projectWith,
    rejection,
    SECURITY,
    securityValues,
    STAGING,
    workloadValues,
} from "../helpers";
import { mutate } from "../helpers/variants";
import { ALICE, CAROL, DANA, proofInput } from "../evidence/proofs/fixture";

const BOB = `arn:aws:iam::${SECURITY}:user/org-access/bob`;
const ACCOUNTS = [
    { name: "prod", accountId: PROD },
    { name: "staging", accountId: STAGING },
];
const STACK_SET = {
    adminAccount: { accountId: MANAGEMENT, deployRoleName: "OrgAccessDeployRole" },
    organizationalUnitIds: ["ou-ab12-cdefgh34"],
};
const DUTIES = { incidentResponseRole: true, breakGlassRole: true };
const TRUSTED = {
    ...(workloadValues().trustedPrincipals as Record<string, unknown>),
    humanArns: [ALICE, BOB],
    incidentResponderArns: [CAROL],
    breakGlassArns: [DANA],
};
/** The pack's break-glass exemption, as policypack/policy-config.json configures it. */
const PACK_CONFIG = {
    "iam-no-admin-grants": { breakGlassRoles: ["BreakGlassRole"] },
    "iam-no-admin-principals": { breakGlassRoles: ["BreakGlassRole"] },
};
const SET = "audit-role-stackset";
const SET_TYPE = "aws:cloudformation/stackSet:StackSet";

type Template = {
    Description: string;
    Resources: Record<string, { Type: string; Properties: Record<string, any> }>;
    Outputs: Record<string, unknown>;
};
const templateOf = (plan: PlanResult): Template =>
    JSON.parse(String(one(plan, SET_TYPE, SET).props.templateBody)) as Template;
/** A copy of the plan whose StackSet template is edited by `edit`. */
const withTemplate = (plan: PlanResult, edit: (t: Template) => void): PlanResult =>
    mutate(plan, SET, (props) => {
        const t = JSON.parse(String(props.templateBody)) as Template;
        edit(t);
        props.templateBody = JSON.stringify(t);
    });

function problems(values: Record<string, unknown>): string[] {
    try {
        validateWorkloadConfig({ values: workloadValues(values), region: "us-east-1" });
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return e.message.split("\n").slice(1);
    }
    return [];
}

describe("StackSet mode: the duty roles", () => {
    let duty: PlanResult;
    let plain: PlanResult;
    let provider: PlanResult;
    let security: PlanResult;
    before(async () => {
        const stackset = (duties: Record<string, boolean>) =>
            workloadValues({
                deploymentMode: "stackset",
                stackSet: { ...STACK_SET, ...duties },
                workloadAccounts: ACCOUNTS,
                trustedPrincipals: TRUSTED,
            });
        duty = await planWorkload(stackset(DUTIES));
        plain = await planWorkload(stackset({}));
        provider = await planWorkload(
            workloadValues({
                workloadAccounts: ACCOUNTS.map((a) => ({ ...a, ...DUTIES })),
                trustedPrincipals: TRUSTED,
            }),
        );
        security = await planSecurity(
            securityValues({
                guardrails: { targets: ["r-abcd"] },
                incidentResponse: { responders: ["carol"] },
                breakGlass: { users: ["dana-breakglass"] },
            }),
            projectWith({
                workload: {
                    securityAccountId: SECURITY,
                    deploymentMode: "stackset",
                    stackSet: { ...STACK_SET, ...DUTIES },
                    workloadAccounts: ACCOUNTS,
                },
            }),
        );
    });

    it("adds each enabled duty role to the one template, leaving the audit role's resource exactly as it was", () => {
        const t = templateOf(duty);
        assert.deepStrictEqual(Object.keys(t.Resources), [
            "SecurityAuditRole",
            "IncidentResponseRole",
            "BreakGlassRole",
        ]);
        // Stable logical id and an unchanged resource: enabling a duty updates the stacks, and
        // CloudFormation leaves the audit role alone.
        assert.deepStrictEqual(
            t.Resources.SecurityAuditRole,
            templateOf(plain).Resources.SecurityAuditRole,
        );
        assert.deepStrictEqual(Object.keys(templateOf(plain).Resources), ["SecurityAuditRole"]);
        assert.deepStrictEqual(Object.keys(templateOf(plain).Outputs), ["RoleArn"]);
        assert.deepStrictEqual(Object.keys(t.Outputs), [
            "RoleArn",
            "IncidentResponseRoleArn",
            "BreakGlassRoleArn",
        ]);
        // Only one duty: only its role.
        const one = JSON.parse(
            auditRoleTemplateBody(
                [ALICE],
                [],
                {
                    trustedAccountId: SECURITY,
                    roleName: "SecurityAuditRole",
                    path: "/",
                    mfaMaxAgeSeconds: 3600,
                    managedPolicies: ["SecurityAudit"],
                    partition: "aws",
                    tags: {},
                },
                { BreakGlassRole: [DANA] },
            ),
        ) as Template;
        assert.deepStrictEqual(Object.keys(one.Resources), ["SecurityAuditRole", "BreakGlassRole"]);
    });

    it("builds each duty role from the same definition as the provider-mode component", () => {
        const t = templateOf(duty);
        for (const [logicalId, suffix] of [
            ["IncidentResponseRole", "incident-response"],
            ["BreakGlassRole", "break-glass"],
        ]) {
            const name = accountResourceName(PROD, suffix);
            const native = one(provider, "aws:iam/role:Role", `${name}-role`).props;
            const p = t.Resources[logicalId].Properties;
            assert.strictEqual(t.Resources[logicalId].Type, "AWS::IAM::Role");
            assert.strictEqual(p.RoleName, native.name);
            assert.strictEqual(p.Path, native.path);
            assert.strictEqual(p.Description, native.description);
            assert.strictEqual(p.MaxSessionDuration, native.maxSessionDuration);
            assert.deepStrictEqual(
                p.AssumeRolePolicyDocument,
                JSON.parse(String(native.assumeRolePolicy)),
                logicalId,
            );
            const children = (type: string) =>
                ofType(provider, type).filter((r) => r.name.startsWith(`${name}-`));
            assert.deepStrictEqual(
                p.ManagedPolicyArns,
                children("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map(
                    (a) => a.props.policyArn,
                ),
            );
            assert.deepStrictEqual(
                p.Policies ?? [],
                children("aws:iam/rolePolicy:RolePolicy").map((r) => ({
                    PolicyName: r.props.name,
                    PolicyDocument: JSON.parse(String(r.props.policy)),
                })),
            );
            // One template for every account: the stack's tags, without the per-account tag.
            const tags = Object.fromEntries(
                (p.Tags as { Key: string; Value: string }[]).map((x) => [x.Key, x.Value]),
            );
            const { Account, ...nativeTags } = native.tags as Record<string, string>;
            assert.strictEqual(Account, "prod");
            assert.deepStrictEqual(tags, nativeTags);
        }
        assert.strictEqual(
            (t.Resources.BreakGlassRole.Properties.Tags as { Key: string; Value: string }[]).find(
                (x) => x.Key === "Duty",
            )?.Value,
            "break-glass",
        );
    });

    it("keeps the StackSet, its instance and their retained stacks as they were, and names the duties", () => {
        const set = one(duty, SET_TYPE, SET);
        assert.match(String(set.props.description), /IncidentResponseRole, BreakGlassRole/);
        assert.strictEqual(set.props.name, one(plain, SET_TYPE, SET).props.name);
        assert.deepStrictEqual(
            ofType(duty, "aws:cloudformation/stackSetInstance:StackSetInstance").map((i) => [
                i.name,
                i.props.retainStack,
                i.props.deploymentTargets,
            ]),
            ofType(plain, "aws:cloudformation/stackSetInstance:StackSetInstance").map((i) => [
                i.name,
                i.props.retainStack,
                i.props.deploymentTargets,
            ]),
        );
        assert.deepStrictEqual(ofType(duty, "aws:iam/role:Role"), []);
        const bytes = Buffer.byteLength(String(set.props.templateBody), "utf8");
        assert.ok(bytes <= TEMPLATE_BODY_MAX_BYTES, `${bytes} bytes of TemplateBody`);
    });

    it("refuses, at plan time, a template with its duty roles that CloudFormation would refuse", () => {
        const args = {
            trustedAccountId: SECURITY,
            roleName: "SecurityAuditRole",
            path: "/",
            mfaMaxAgeSeconds: 3600,
            managedPolicies: ["SecurityAudit" as const],
            partition: "aws",
            tags: {},
        };
        const responders = (n: number) =>
            Array.from(
                { length: n },
                (_, i) => `arn:aws:iam::${SECURITY}:user/org-access/responder-${i}`,
            );
        // People are trusted by their path and tags: a thousand responders make the same template
        // as one, so no number of people overflows it.
        assert.strictEqual(
            auditRoleTemplateBody([ALICE], [], args, { IncidentResponseRole: responders(1000) }),
            auditRoleTemplateBody([ALICE], [], args, { IncidentResponseRole: responders(1) }),
        );
        // Programs still add one trust statement each. The first count of them whose template
        // with the duty role is refused still fits without it: the duty roles count in the size.
        const programs = (n: number) =>
            Array.from({ length: n }, (_, i) => ({
                arn: `arn:aws:iam::${SECURITY}:user/org-access/reporter-${i}`,
                externalId: `external-id-of-reporter-${String(i).padStart(4, "0")}`,
            }));
        const duty = { IncidentResponseRole: responders(1) };
        let n = 1;
        while (n < 2000) {
            try {
                auditRoleTemplateBody([ALICE], programs(n), args, duty);
                n++;
            } catch {
                break;
            }
        }
        assert.ok(n < 2000, "some number of programs overflows the template");
        assert.throws(
            () => auditRoleTemplateBody([ALICE], programs(n), args, duty),
            /CloudFormation template \(with its duty roles\) is \d+ bytes; CloudFormation accepts a TemplateBody of at most 51200/,
        );
        assert.ok(auditRoleTemplateBody([ALICE], programs(n), args));
    });

    it("refuses a duty trust nobody could assume, or one naming a wildcard, before building the template", async () => {
        const values = () =>
            workloadValues({
                deploymentMode: "stackset",
                stackSet: { ...STACK_SET, breakGlassRole: true },
                trustedPrincipals: undefined,
            });
        const stackOutputs = (breakGlassArns: string[]) => ({
            "organization/org-access/security": {
                trustedPrincipals: { humanArns: [ALICE], reporters: [], breakGlassArns },
            },
        });
        const plan = (arns: string[]) => {
            const v = values();
            delete v.trustedPrincipals;
            return planWorkload(v, { stackOutputs: stackOutputs(arns) });
        };
        assert.match(
            String(await rejection(plan([]))),
            /BreakGlassRole \(StackSet template\): refusing to create a trust policy:\n\* no designated principal: nobody could assume the role/,
        );
        assert.match(
            String(await rejection(plan([`arn:aws:iam::${PROD}:user/eve`]))),
            /BreakGlassRole \(StackSet template\): refusing to create a trust policy:\n\* human principal \[0\] "arn:aws:iam::777788889999:user\/eve" is not in the trusted account 111122223333/,
        );
    });

    it("exports the duty roles' ARNs of the listed accounts", () => {
        assert.deepStrictEqual(duty.outputs.incidentResponseRoleArns, {
            prod: `arn:aws:iam::${PROD}:role/IncidentResponseRole`,
            staging: `arn:aws:iam::${STAGING}:role/IncidentResponseRole`,
        });
        assert.deepStrictEqual(duty.outputs.breakGlassRoleArns, {
            prod: `arn:aws:iam::${PROD}:role/BreakGlassRole`,
            staging: `arn:aws:iam::${STAGING}:role/BreakGlassRole`,
        });
        assert.deepStrictEqual(plain.outputs.breakGlassRoleArns, {});
    });

    it("validates the keys: StackSet-wide booleans, never per account, with principals to trust", () => {
        assert.deepStrictEqual(
            problems({
                deploymentMode: "stackset",
                stackSet: { ...STACK_SET, ...DUTIES },
                trustedPrincipals: TRUSTED,
            }),
            [],
        );
        assert.deepStrictEqual(
            problems({
                deploymentMode: "stackset",
                stackSet: { ...STACK_SET, breakGlassRole: "yes" },
                workloadAccounts: [{ name: "prod", accountId: PROD, incidentResponseRole: true }],
            }),
            [
                `* org-access:stackSet.breakGlassRole: must be true or false (got "yes") (fix with: pulumi config set --path 'org-access:stackSet.breakGlassRole' true)`,
                "* org-access:workloadAccounts[0].incidentResponseRole: is not supported in stackset mode: the StackSet deploys one template, so a duty role is on for every account of its OUs or for none (remove it and set stackSet.incidentResponseRole: true (pulumi config set --path 'org-access:stackSet.incidentResponseRole' true), or use deploymentMode provider for this stack)",
                "* org-access:trustedPrincipals.incidentResponderArns: is empty, but workloadAccounts[0].incidentResponseRole asks for a IncidentResponseRole that nobody could assume (list the security account's incident responders here, or remove incidentResponseRole)",
            ],
        );
        // The config fallback must name who may assume a StackSet-wide duty role.
        assert.deepStrictEqual(
            problems({
                deploymentMode: "stackset",
                stackSet: { ...STACK_SET, incidentResponseRole: true },
            }),
            [
                "* org-access:trustedPrincipals.incidentResponderArns: is empty, but stackSet.incidentResponseRole asks for a IncidentResponseRole that nobody could assume (list the security account's incident responders here, or remove incidentResponseRole)",
            ],
        );
        // Provider mode ignores no key silently: stackSet itself is refused there.
        assert.match(
            problems({ stackSet: { ...STACK_SET, ...DUTIES } }).join("\n"),
            /stackSet: is set but deploymentMode is provider/,
        );
    });

    it("makes the security stack require the duty's people, and grant its roles in the StackSet's accounts", async () => {
        const root = projectWith({
            "workload-ou": {
                securityAccountId: SECURITY,
                deploymentMode: "stackset",
                stackSet: { ...STACK_SET, breakGlassRole: true },
                workloadAccounts: ACCOUNTS,
            },
        });
        const e = await rejection(
            planSecurity(securityValues({ workloadStacks: ["workload-ou"] }), root),
        );
        assert.ok(e instanceof ConfigError, String(e));
        assert.deepStrictEqual(
            e.problems.map((p) => `${p.path}: ${p.message}`),
            [
                "breakGlass: is not configured, but workload-ou (stackSet.breakGlassRole) set breakGlassRole: true",
            ],
        );
        // Granted: dana, with fresh MFA, reaches the break-glass role of every listed account,
        // carol the incident-response roles; nobody reaches either without MFA.
        const graph = buildGraph(proofInput(duty, security));
        const reached = (who: string, state: "fresh" | "absent") =>
            reach(graph, graph.nodes.get(who)!, state)
                .filter((s) => s.via)
                .map((s) => s.node.id);
        for (const account of [PROD, STAGING]) {
            assert.ok(
                reached(DANA, "fresh").includes(`arn:aws:iam::${account}:role/BreakGlassRole`),
            );
            assert.ok(
                reached(CAROL, "fresh").includes(
                    `arn:aws:iam::${account}:role/IncidentResponseRole`,
                ),
            );
        }
        assert.deepStrictEqual(reached(DANA, "absent"), []);
        assert.deepStrictEqual(reached(CAROL, "absent"), []);
    });

    it("is judged by the evidence matrix as the provider-mode duty roles, for every listed account", () => {
        const model = accessModel({ stack: duty, security });
        const types = model.roles.map((r) => [r.accountId, r.name, r.componentType]);
        assert.deepStrictEqual(types, [
            [PROD, "SecurityAuditRole", AUDIT_ROLE_STACK_SET_TYPE],
            [STAGING, "SecurityAuditRole", AUDIT_ROLE_STACK_SET_TYPE],
            [PROD, "IncidentResponseRole", INCIDENT_RESPONSE_ROLE_TYPE],
            [STAGING, "IncidentResponseRole", INCIDENT_RESPONSE_ROLE_TYPE],
            [PROD, "BreakGlassRole", BREAK_GLASS_ROLE_TYPE],
            [STAGING, "BreakGlassRole", BREAK_GLASS_ROLE_TYPE],
        ]);
        const evidence = evidenceMatrix(model);
        assert.deepStrictEqual(mismatches(evidence), []);
        const verdict = (role: string, scenario: string) =>
            evidence.find(
                (e) => e.accountId === STAGING && e.role.endsWith(role) && e.scenario === scenario,
            )?.simulated;
        // Break-glass is admin by design; incident response is not.
        assert.strictEqual(verdict("BreakGlassRole", "admin-write"), "allowed");
        assert.strictEqual(verdict("BreakGlassRole", "assume-with-stale-mfa"), "denied");
        assert.strictEqual(verdict("IncidentResponseRole", "admin-write"), "denied");
        assert.strictEqual(verdict("IncidentResponseRole", "assume-with-mfa"), "allowed");

        // Broken: the break-glass role trusts without MFA.
        const noMfa = withTemplate(duty, (t) => {
            delete t.Resources.BreakGlassRole.Properties.AssumeRolePolicyDocument.Statement[0]
                .Condition;
        });
        assert.ok(
            mismatches(evidenceMatrix(accessModel({ stack: noMfa, security }))).some(
                (e) => e.role.endsWith("BreakGlassRole") && e.scenario === "assume-without-mfa",
            ),
        );
        // Broken: an admin role under another logical id is not a break-glass role, whatever its
        // name: it is judged as the StackSet's audit role, and fails it.
        const renamed = withTemplate(duty, (t) => {
            t.Resources.Admin = t.Resources.BreakGlassRole;
            delete t.Resources.BreakGlassRole;
        });
        const m = accessModel({ stack: renamed, security });
        assert.deepStrictEqual(
            m.roles.filter((r) => r.name === "BreakGlassRole").map((r) => r.componentType),
            [AUDIT_ROLE_STACK_SET_TYPE, AUDIT_ROLE_STACK_SET_TYPE],
        );
        assert.ok(
            mismatches(evidenceMatrix(m)).some(
                (e) => e.role.endsWith("BreakGlassRole") && e.scenario === "data-read-secret",
            ),
        );
    });

    it("never takes a template role without a literal RoleName for the break-glass role, in the evidence, the proofs or the pack", () => {
        // CloudFormation names a role without RoleName `<stack>-BreakGlassRole-<suffix>`: not the
        // role the guardrails protect and the alarm watches by name, so no break-glass exemption.
        for (const roleName of [undefined, { "Fn::Sub": "${AWS::StackName}-BreakGlassRole" }]) {
            const nameless = withTemplate(duty, (t) => {
                if (roleName === undefined) delete t.Resources.BreakGlassRole.Properties.RoleName;
                else t.Resources.BreakGlassRole.Properties.RoleName = roleName;
            });
            const m = accessModel({ stack: nameless, security });
            const roles = m.roles.filter((r) => r.arn.includes("BreakGlassRole"));
            assert.strictEqual(roles.length, 2);
            for (const r of roles) {
                assert.strictEqual(r.componentType, AUDIT_ROLE_STACK_SET_TYPE, r.arn);
                // No role of that ARN would exist.
                assert.notStrictEqual(r.arn, `arn:aws:iam::${r.accountId}:role/BreakGlassRole`);
            }
            assert.ok(
                mismatches(evidenceMatrix(m)).some(
                    (e) => e.role.includes("BreakGlassRole") && e.scenario === "data-read-secret",
                ),
            );
            // The proofs' graph: no node for a role named BreakGlassRole, and the role that is
            // there is no break-glass duty role.
            const graph = buildGraph(proofInput(nameless, security));
            assert.strictEqual(
                graph.nodes.get(`arn:aws:iam::${STAGING}:role/BreakGlassRole`),
                undefined,
            );
            const node = graph.nodes.get(roles[1].arn);
            assert.ok(node && roles[1].accountId === STAGING);
            assert.strictEqual(node.componentType, AUDIT_ROLE_STACK_SET_TYPE);
            assert.deepStrictEqual(
                checkResources(nameless.resources.map(toPackResource), PACK_CONFIG)
                    .filter((v) => v.policy === "iam-no-admin-grants")
                    .map((v) => [v.resource, /resource (\w+):/.exec(v.message)?.[1]]),
                [[SET, "BreakGlassRole"]],
            );
        }
    });

    it("holds every proof of the plan, seen with the security stack", () => {
        const results = runProofs(proofInput(duty, security));
        assert.deepStrictEqual(
            results.filter((r) => !r.holds).map((r) => [r.id, r.counterexamples]),
            [],
        );
        assert.ok(results.length > 0);
    });

    it("holds only-break-glass-reaches-admin and humans-need-mfa, and fails each on a template built to break it", () => {
        const prove = (plan: PlanResult) => {
            const [admin, mfa] = runProofs(proofInput(plan, security), [
                onlyBreakGlassReachesAdmin,
                humansNeedMfa,
            ]);
            return { admin, mfa };
        };
        const clean = prove(duty);
        assert.deepStrictEqual(clean.admin.counterexamples, []);
        assert.deepStrictEqual(clean.mfa.counterexamples, []);
        assert.ok(clean.admin.holds && clean.mfa.holds);
        const graph = buildGraph(proofInput(duty, security));
        assert.strictEqual(
            graph.nodes.get(`arn:aws:iam::${STAGING}:role/BreakGlassRole`)?.componentType,
            BREAK_GLASS_ROLE_TYPE,
        );

        // The break-glass role also trusts the account's incident-response role, by ARN: in its
        // own account that trust alone lets the role's sessions in, so a responder chains to admin.
        const chained = prove(
            withTemplate(duty, (t) => {
                t.Resources.BreakGlassRole.Properties.AssumeRolePolicyDocument.Statement.push({
                    Effect: "Allow",
                    Principal: { AWS: `arn:aws:iam::${PROD}:role/IncidentResponseRole` },
                    Action: "sts:AssumeRole",
                });
            }),
        );
        assert.strictEqual(chained.admin.holds, false);
        assert.ok(
            chained.admin.counterexamples.some(
                (c) =>
                    c.principal.startsWith(`${CAROL} (person, with fresh MFA)`) &&
                    c.path.join(" ") ===
                        `arn:aws:iam::${PROD}:role/IncidentResponseRole arn:aws:iam::${PROD}:role/BreakGlassRole`,
            ),
            JSON.stringify(chained.admin.counterexamples.map((c) => [c.principal, c.path])),
        );
        // Break-glass without MFA at all.
        const noMfa = prove(
            withTemplate(duty, (t) => {
                delete t.Resources.BreakGlassRole.Properties.AssumeRolePolicyDocument.Statement[0]
                    .Condition;
            }),
        );
        assert.strictEqual(noMfa.mfa.holds, false);
        assert.ok(
            noMfa.mfa.counterexamples.some(
                (c) =>
                    c.principal === DANA &&
                    c.path.at(-1) === `arn:aws:iam::${STAGING}:role/BreakGlassRole`,
            ),
        );
        // The incident-response role made admin: a responder reaches admin power.
        const irAdmin = prove(
            withTemplate(duty, (t) => {
                t.Resources.IncidentResponseRole.Properties.ManagedPolicyArns.push(
                    "arn:aws:iam::aws:policy/AdministratorAccess",
                );
            }),
        );
        assert.ok(
            irAdmin.admin.counterexamples.some(
                (c) =>
                    c.principal.startsWith(`${CAROL} (person, with fresh MFA)`) &&
                    c.path.at(-1)?.endsWith(":role/IncidentResponseRole"),
            ),
            JSON.stringify(irAdmin.admin.counterexamples.map((c) => c.principal)),
        );
    });

    it("passes the policy pack, which accepts the template's BreakGlassRole by name as it does provider mode's, and holds it to break-glass rules", () => {
        const check = (plan: PlanResult) =>
            checkResources(plan.resources.map(toPackResource), PACK_CONFIG).map((v) => [
                v.policy,
                v.resource,
            ]);
        assert.deepStrictEqual(check(duty), []);
        // The same admin grant on the incident-response role is refused...
        assert.deepStrictEqual(
            check(
                withTemplate(duty, (t) => {
                    t.Resources.IncidentResponseRole.Properties.ManagedPolicyArns.push(
                        "arn:aws:iam::aws:policy/AdministratorAccess",
                    );
                }),
            ),
            [["iam-no-admin-grants", SET]],
        );
        // ...as it is on the break-glass role's resource under another name.
        assert.deepStrictEqual(
            check(
                withTemplate(duty, (t) => {
                    t.Resources.BreakGlassRole.Properties.RoleName = "EmergencyAdmin";
                }),
            ).filter(([p]) => p === "iam-no-admin-grants"),
            [["iam-no-admin-grants", SET]],
        );
        // ...and the break-glass role must keep its short session and MFA trust.
        const long = checkResources(
            withTemplate(duty, (t) => {
                t.Resources.BreakGlassRole.Properties.MaxSessionDuration = 43200;
            }).resources.map(toPackResource),
            PACK_CONFIG,
        ).filter((v) => v.policy === "iam-no-admin-grants");
        assert.deepStrictEqual(
            long.map((v) => v.resource),
            [SET],
        );
        assert.match(
            long[0].message,
            /resource BreakGlassRole: Break-glass role "BreakGlassRole" has maxSessionDuration 43200 s/,
        );
        assert.deepStrictEqual(
            check(
                withTemplate(duty, (t) => {
                    t.Resources.BreakGlassRole.Properties.AssumeRolePolicyDocument.Statement[0].Condition =
                        { BoolIfExists: { "aws:MultiFactorAuthPresent": "true" } };
                }),
            ).filter(([p]) => p === "iam-trust-requires-mfa"),
            [["iam-trust-requires-mfa", SET]],
        );
    });
});
