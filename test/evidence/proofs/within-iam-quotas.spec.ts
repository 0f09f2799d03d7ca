// within-iam-quotas: holds on the fixture plans (both stack kinds, and StackSet mode), fails with
// the right counterexample on each quota broken on purpose, honours the raised quotas of
// org-access:iamQuotas, and fails when it examines nothing.
import * as assert from "assert";
import { accessModel } from "../../../evidence/model";
import { runProofs } from "../../../evidence/proofs";
import {
    FULL_AWS_ACCESS_ID,
    quotasOf,
    withinIamQuotas,
} from "../../../evidence/proofs/within-iam-quotas";
import { policyCharacters } from "../../../components/auditRole";
import { PlannedResource, PlanResult } from "../../../plan/run";
import { MANAGEMENT, planWorkload, PROD, SECURITY, STAGING, workloadValues } from "../../helpers";
import { tamper, without } from "../../helpers/variants";
import { AUDIT_ROLE, planFixture, ROOT } from "./auditFixture";
import { inputOf, Plans, STAGING_AUDIT_ROLE_RESOURCES } from "./fixture";

const proveWorkload = (plans: Plans) => runProofs(inputOf("workload", plans), [withinIamQuotas])[0];
const proveSecurity = (plans: Plans) => runProofs(inputOf("security", plans), [withinIamQuotas])[0];

/** A copy of the first resource `pick` selects, with new props and a new name. */
function added(
    plan: PlanResult,
    pick: (r: PlannedResource) => boolean,
    copies: { name: string; props: Record<string, unknown>; type?: string }[],
): PlanResult {
    const base = plan.resources.find(pick);
    assert.ok(base, "no resource to copy");
    return {
        ...plan,
        resources: [
            ...plan.resources,
            ...copies.map((c) => ({
                ...base,
                type: c.type ?? base.type,
                name: c.name,
                urn: `${base.urn}-${c.name}`,
                id: c.name,
                props: { ...base.props, ...c.props },
            })),
        ],
    };
}

/**
 * A policy document of exactly `n` characters as IAM counts them (white space excluded), with
 * `spaces` spaces in it besides; a trust policy names its Principal.
 */
function documentOf(n: number, spaces = 0, trust = false): string {
    const head = '{"Version":"2012-10-17","Statement":[{"Sid":"';
    const tail = trust
        ? '","Effect":"Deny","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}'
        : '","Effect":"Deny","Action":"s3:PutObject","Resource":"*"}]}';
    const sid = "A".repeat(n - head.length - tail.length);
    return `${head}${sid}${tail}`.replace('"Effect"', `${" ".repeat(spaces)}"Effect"`);
}

describe("proof within-iam-quotas", () => {
    let plans: Plans;
    before(async () => {
        plans = await planFixture();
    });

    it("holds on the fixture plans of both stacks, checking every role, user, group, policy and SCP", () => {
        const workload = proveWorkload(plans);
        assert.deepStrictEqual(workload.counterexamples, []);
        assert.strictEqual(workload.holds, true);
        const roles = plans.workload.resources.filter((r) => r.type === "aws:iam/role:Role");
        // Counted by hand: the workload stack plans 2 roles (the prod and staging audit roles), each
        // measured against 3 quotas (trust policy length, inline and managed policies per role);
        // it plans no user, group, customer-managed policy or SCP.
        assert.deepStrictEqual(
            roles.map((r) => r.accountId),
            [PROD, STAGING],
        );
        assert.strictEqual(workload.checked, 2 * 3);
        // A role's share is its 3 quotas: without staging's audit role, exactly 3 fewer.
        const fewer = proveWorkload({
            ...plans,
            workload: without(plans.workload, (r) => STAGING_AUDIT_ROLE_RESOURCES.includes(r.name)),
        });
        assert.deepStrictEqual(fewer.counterexamples, []);
        assert.strictEqual(workload.checked - fewer.checked, 3);

        const security = proveSecurity(plans);
        assert.deepStrictEqual(security.counterexamples, []);
        assert.strictEqual(security.holds, true);
        const count = (type: string) =>
            plans.security.resources.filter((r) => r.type === type).length;
        assert.ok(
            security.checked >=
                3 * count("aws:iam/role:Role") +
                    2 * count("aws:iam/user:User") +
                    count("aws:organizations/policy:Policy") +
                    1,
            `${security.checked} checks`,
        );
        assert.deepStrictEqual(quotasOf(plans.workload.outputs), {
            roleTrustPolicyLength: 2048,
            managedPoliciesPerRole: 10,
            managedPoliciesPerUser: 10,
        });
    });

    it("counts as AWS counts: without white space for IAM, with it for SCPs", () => {
        assert.strictEqual(policyCharacters(documentOf(2048, 500)), 2048);
        const spaced = tamper(
            plans.workload,
            (r) => r.type === "aws:iam/role:Role" && r.accountId === PROD,
            (p) => ({ ...p, assumeRolePolicy: documentOf(2048, 500, true) }),
        );
        assert.deepStrictEqual(proveWorkload({ ...plans, workload: spaced }).counterexamples, []);
    });

    it("fails on a trust policy of 2,100 characters, unless the raised quota is configured", async () => {
        const long = tamper(
            plans.workload,
            (r) => r.type === "aws:iam/role:Role" && r.accountId === PROD,
            (p) => ({ ...p, assumeRolePolicy: documentOf(2100, 0, true) }),
        );
        const result = proveWorkload({ ...plans, workload: long });
        assert.strictEqual(result.holds, false);
        assert.deepStrictEqual(result.counterexamples, [
            {
                principal: AUDIT_ROLE,
                path: [],
                action: "role trust policy length",
                resource: AUDIT_ROLE,
                statements: ["trust policy"],
                reason: `role trust policy length is 2100 characters, white space excluded, more than AWS's quota of 2048: trust fewer principals, or raise the quota (Service Quotas, IAM "Role trust policy length", at most 4096) in every account and set org-access:iamQuotas.roleTrustPolicyLength`,
            },
        ]);
        // The configured quota reaches the proof through the stack's output.
        const raised = await planWorkload(
            workloadValues({ iamQuotas: { roleTrustPolicyLength: 4096 } }),
            { stackOutputs: { "organization/org-access/security": plans.security.outputs } },
        );
        assert.deepStrictEqual(raised.outputs.iamQuotas, {
            roleTrustPolicyLength: 4096,
            managedPoliciesPerRole: 10,
            managedPoliciesPerUser: 10,
        });
        const longRaised = tamper(
            raised,
            (r) => r.type === "aws:iam/role:Role" && r.accountId === PROD,
            (p) => ({ ...p, assumeRolePolicy: documentOf(2100, 0, true) }),
        );
        assert.deepStrictEqual(
            proveWorkload({ ...plans, workload: longRaised }).counterexamples,
            [],
        );
        const tooLong = tamper(
            raised,
            (r) => r.type === "aws:iam/role:Role" && r.accountId === PROD,
            (p) => ({ ...p, assumeRolePolicy: documentOf(4097, 0, true) }),
        );
        assert.deepStrictEqual(
            proveWorkload({ ...plans, workload: tooLong }).counterexamples.map((c) => [
                c.principal,
                c.action,
                c.reason.split(":")[0],
            ]),
            [
                [
                    AUDIT_ROLE,
                    "role trust policy length",
                    "role trust policy length is 4097 characters, white space excluded, more than AWS's quota of 4096",
                ],
            ],
        );
    });

    it("fails on 11 managed policies attached to a role, unless 20 are configured", () => {
        const isAttachment = (r: PlannedResource) =>
            r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && r.accountId === PROD;
        const before = plans.workload.resources.filter(isAttachment).length;
        const arns = Array.from(
            { length: 11 - before },
            (_, i) => `arn:aws:iam::${PROD}:policy/extra-${i}`,
        );
        const many = added(
            plans.workload,
            isAttachment,
            arns.map((policyArn, i) => ({ name: `prod-extra-${i}`, props: { policyArn } })),
        );
        const result = proveWorkload({ ...plans, workload: many });
        assert.deepStrictEqual(result.counterexamples, [
            {
                principal: AUDIT_ROLE,
                path: [],
                action: "managed policies per role",
                resource: AUDIT_ROLE,
                statements: [
                    "arn:aws:iam::aws:policy/SecurityAudit",
                    "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
                    ...arns,
                ],
                reason: "managed policies per role is 11 managed policies, more than AWS's quota of 10: attach fewer managed policies, or raise the quota (at most 20) in every account and set org-access:iamQuotas.managedPoliciesPerRole",
            },
        ]);
        const raised = {
            ...many,
            outputs: {
                ...many.outputs,
                iamQuotas: { ...quotasOf({}), managedPoliciesPerRole: 20 },
            },
        };
        assert.deepStrictEqual(proveWorkload({ ...plans, workload: raised }).counterexamples, []);
    });

    it("fails on a role's inline policies over 10,240 characters in total", () => {
        const big = tamper(
            plans.workload,
            (r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.accountId === PROD,
            (p) => ({ ...p, policy: documentOf(10241) }),
        );
        const found = proveWorkload({ ...plans, workload: big }).counterexamples;
        assert.deepStrictEqual(
            found.map((c) => [c.principal, c.action, c.statements, c.reason.split(":")[0]]),
            [
                [
                    AUDIT_ROLE,
                    "inline policies per role",
                    ["inline policy org-access-explicit-deny"],
                    "inline policies per role is 10241 characters, white space excluded, more than AWS's quota of 10240",
                ],
            ],
        );
    });

    it("fails on a user's, a group's and a managed policy's documents over their quotas", () => {
        const groupPolicy = plans.security.resources.find(
            (r) => r.type === "aws:iam/groupPolicy:GroupPolicy",
        ) as PlannedResource;
        const user = plans.security.resources.find(
            (r) => r.type === "aws:iam/user:User",
        ) as PlannedResource;
        const group = String(groupPolicy.props.group);
        const userName = String(user.props.name);
        // The group's other inline policies count too: this one brings the total to 5,121.
        const siblings = plans.security.resources.filter(
            (r) =>
                r.type === "aws:iam/groupPolicy:GroupPolicy" &&
                r.props.group === group &&
                r.urn !== groupPolicy.urn,
        );
        const others = siblings.reduce((n, r) => n + policyCharacters(r.props.policy), 0);
        let security = tamper(
            plans.security,
            (r) => r.urn === groupPolicy.urn,
            (p) => ({ ...p, policy: documentOf(5121 - others) }),
        );
        // A user policy and a customer-managed policy, each one character over its quota.
        security = added(security, (r) => r.urn === groupPolicy.urn, [
            {
                name: "too-long-user-policy",
                type: "aws:iam/userPolicy:UserPolicy",
                props: {
                    name: "too-long-user-policy",
                    user: userName,
                    group: undefined,
                    policy: documentOf(2049),
                },
            },
            {
                name: "too-long-managed-policy",
                type: "aws:iam/policy:Policy",
                props: { name: "too-long", group: undefined, policy: documentOf(6145) },
            },
        ]);
        const found = proveSecurity({ ...plans, security }).counterexamples;
        assert.deepStrictEqual(
            found.map((c) => [c.principal, c.action, c.statements, c.reason.split(":")[0]]),
            [
                [
                    `arn:aws:iam::${SECURITY}:policy/too-long`,
                    "managed policy length",
                    ["policy document"],
                    "managed policy length is 6145 characters, white space excluded, more than AWS's quota of 6144",
                ],
                [
                    `arn:aws:iam::${SECURITY}:user${String(user.props.path ?? "/")}${userName}`,
                    "inline policies per user",
                    ["inline policy too-long-user-policy"],
                    "inline policies per user is 2049 characters, white space excluded, more than AWS's quota of 2048",
                ],
                [
                    `arn:aws:iam::${SECURITY}:group/${group}`,
                    "inline policies per group",
                    [groupPolicy, ...siblings].map(
                        (r) => `inline policy ${String(r.props.name ?? r.name)}`,
                    ),
                    "inline policies per group is 5121 characters, white space excluded, more than AWS's quota of 5120",
                ],
            ],
        );
    });

    it("fails on a sixth SCP on a target, FullAWSAccess counted, and on an SCP over 5,120 characters", () => {
        const isAttachment = (r: PlannedResource) =>
            r.type === "aws:organizations/policyAttachment:PolicyAttachment" &&
            r.props.targetId === ROOT;
        const scps = plans.security.resources.filter(
            (r) =>
                r.type === "aws:organizations/policy:Policy" &&
                r.props.type !== "RESOURCE_CONTROL_POLICY",
        );
        const onRoot = plans.security.resources.filter(isAttachment).length;
        assert.ok(onRoot >= 1 && onRoot <= 4, `${onRoot} SCPs on the root`);
        // Fill the root up to five with FullAWSAccess, then add one more.
        const extra = Array.from({ length: 5 - onRoot }, (_, i) => ({
            name: `extra-${i}`,
            props: { policyId: scps[0].id, targetId: ROOT },
        }));
        const full = added(plans.security, isAttachment, extra.slice(0, 4 - onRoot));
        assert.deepStrictEqual(proveSecurity({ ...plans, security: full }).counterexamples, []);
        const sixth = added(plans.security, isAttachment, extra);
        const found = proveSecurity({ ...plans, security: sixth }).counterexamples;
        assert.deepStrictEqual(
            found.map((c) => [
                c.principal,
                c.action,
                c.resource,
                c.statements.length,
                c.statements.at(-1),
            ]),
            [[`target ${ROOT}`, "SCPs per target", ROOT, 6, "FullAWSAccess (attached by AWS)"]],
        );
        assert.match(found[0].reason, /^SCPs per target is 6 SCPs, more than AWS's quota of 5: /);
        // FullAWSAccess attached by the plan itself is the same policy: counted once.
        const own = added(plans.security, isAttachment, [
            ...extra.slice(0, 4 - onRoot),
            { name: "full", props: { policyId: FULL_AWS_ACCESS_ID, targetId: ROOT } },
        ]);
        assert.deepStrictEqual(proveSecurity({ ...plans, security: own }).counterexamples, []);

        const content = `${documentOf(5000)}${" ".repeat(121)}`;
        const wide = tamper(
            plans.security,
            (r) => r.urn === scps[0].urn,
            (p) => ({ ...p, content }),
        );
        const big = proveSecurity({ ...plans, security: wide }).counterexamples;
        assert.deepStrictEqual(
            big.map((c) => [c.action, c.reason.split(":")[0]]),
            [
                [
                    "SCP length",
                    "SCP length is 5121 characters, white space included, more than AWS's quota of 5120",
                ],
            ],
        );
        assert.strictEqual(MANAGEMENT.length, 12);
    });

    it("checks the roles of a StackSet's template", async () => {
        const stackset = await planWorkload(
            workloadValues({
                deploymentMode: "stackset",
                stackSet: {
                    adminAccount: { accountId: MANAGEMENT, deployRoleName: "OrgAccessDeployRole" },
                    organizationalUnitIds: ["ou-ab12-cdefgh34"],
                },
            }),
        );
        const input = (w: PlanResult) => ({
            ...inputOf("workload", { ...plans, workload: w }),
            model: accessModel({ stack: w }),
        });
        const ok = runProofs(input(stackset), [withinIamQuotas])[0];
        assert.deepStrictEqual(ok.counterexamples, []);
        assert.ok(ok.checked >= 3);
        const long = tamper(
            stackset,
            (r) => r.type === "aws:cloudformation/stackSet:StackSet",
            (p) => {
                const t = JSON.parse(String(p.templateBody));
                t.Resources.SecurityAuditRole.Properties.AssumeRolePolicyDocument = JSON.parse(
                    documentOf(2100, 0, true),
                );
                return { ...p, templateBody: JSON.stringify(t) };
            },
        );
        const found = runProofs(input(long), [withinIamQuotas])[0].counterexamples;
        assert.deepStrictEqual(
            found.map((c) => [c.principal, c.action, c.reason.split(":")[0]]),
            [
                [
                    "StackSet org-access-audit-role role SecurityAuditRole (in every account of the StackSet)",
                    "role trust policy length",
                    "role trust policy length is 2100 characters, white space excluded, more than AWS's quota of 2048",
                ],
            ],
        );
    });

    it("fails when it examines nothing", () => {
        const input = { ...inputOf("workload", plans), resources: [] };
        const result = runProofs(input, [withinIamQuotas])[0];
        assert.strictEqual(result.checked, 0);
        assert.strictEqual(result.holds, false);
    });
});
