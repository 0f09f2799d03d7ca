import * as assert from "assert";
import { StackValidationPolicy, UnknownValueError } from "@pulumi/policy";
import { fromPolicyResources } from "../../policypack/model/policyResources";
import {
    childrenOf,
    landingAccount,
    ModelResource,
    pinnedAccount,
    roleDocuments,
    userDocuments,
} from "../../policypack/model/resources";
import { T } from "../../policypack/policies/types";
import { checkResources, engineResource, policyResources } from "../../policypack/runner";
import { runPlan } from "../../plan/offline";
import { PlanResult, toModelResource, toPackResource } from "../../plan/run";
import { exampleProject } from "../helpers/preview";
import { UNKNOWN_ARRAY } from "./helpers";

const A = "111111111111";
const B = "222222222222";

/** A neutral resource in account `accountId` (A unless told). */
function res(
    type: string,
    name: string,
    props: Record<string, unknown>,
    accountId: string | undefined = A,
): ModelResource {
    return { type, name, urn: `urn:pulumi:t::p::${type}::${name}`, accountId, props };
}

/** The neutral resources a stack policy sees for a plan, run through the pack's runner. */
function presented(plan: PlanResult): ModelResource[] {
    let seen: ModelResource[] | undefined;
    const capture: StackValidationPolicy = {
        name: "capture-model",
        description: "Captures the stack's resources in the neutral shape.",
        enforcementLevel: "advisory",
        validateStack: (args) => {
            seen = fromPolicyResources(args.resources);
        },
    };
    assert.deepStrictEqual(
        checkResources(plan.resources.map(toPackResource), undefined, { policies: [capture] }),
        [],
    );
    assert.ok(seen, "the runner did not run the stack policy");
    return seen;
}

/**
 * A neutral resource as plain data: every field read (the account is a getter in a policy, and
 * props sit behind the engine's unknown-checking proxy, which deepStrictEqual cannot compare).
 */
function plain(r: ModelResource): Record<string, unknown> {
    return {
        type: r.type,
        name: r.name,
        urn: r.urn,
        accountId: r.accountId,
        parent: r.parent,
        props: JSON.parse(JSON.stringify(r.props)),
    };
}

describe("the neutral resource shape (policypack/model)", () => {
    describe("accounts", () => {
        it("pins a provider to its one allowed account, else to the account of the role it assumes", () => {
            assert.strictEqual(pinnedAccount({ allowedAccountIds: [A] }), A);
            assert.strictEqual(pinnedAccount({ allowedAccountIds: JSON.stringify([A]) }), A);
            assert.strictEqual(
                pinnedAccount({
                    allowedAccountIds: [A, B],
                    assumeRoles: [{ roleArn: `arn:aws:iam::${B}:role/deploy` }],
                }),
                B,
            );
            assert.strictEqual(
                pinnedAccount({ assumeRoles: JSON.stringify([{ roleArn: "not-an-arn" }]) }),
                undefined,
            );
            assert.strictEqual(pinnedAccount({}), undefined);
        });

        it("lands an AWS resource in its provider's account, a provider in its own, anything else nowhere", () => {
            const provider = { allowedAccountIds: [A] };
            assert.strictEqual(landingAccount("aws:iam/role:Role", {}, provider), A);
            assert.strictEqual(landingAccount("aws:iam/role:Role", {}, undefined), undefined);
            assert.strictEqual(landingAccount(T.AwsProvider, provider, undefined), A);
            assert.strictEqual(
                landingAccount("org-access:access:AuditRole", {}, provider),
                undefined,
            );
            assert.strictEqual(
                landingAccount("random:index/randomId:RandomId", {}, provider),
                undefined,
            );
        });
    });

    describe("accessors", () => {
        it("finds the children of a component", () => {
            const component = res("org-access:access:AuditRole", "audit", {}, undefined);
            const parent = { type: component.type, name: component.name, urn: component.urn };
            const child = { ...res(T.Role, "role", {}), parent };
            const other = res(T.Role, "other", {});
            assert.deepStrictEqual(childrenOf([component, child, other], component), [child]);
        });

        it("gives a role's trust, attachments and inline policies, only from its own account, in order", () => {
            const role = res(T.Role, "r", {
                name: "Audit",
                assumeRolePolicy: "trust",
                managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                inlinePolicies: [
                    { name: "prop", policy: "p2" },
                    { name: "empty" },
                    { policy: "p3" },
                ],
            });
            const resources = [
                role,
                res(T.RolePolicy, "rp", { role: "Audit", name: "deny", policy: "p1" }),
                res(T.RolePolicy, "unnamed", { role: "Audit", policy: "p0" }),
                res(T.RolePolicy, "elsewhere", { role: "Audit", policy: "x" }, B),
                res(T.RolePolicy, "other-role", { role: "Other", policy: "x" }),
                res(T.RolePolicyAttachment, "att", {
                    role: "Audit",
                    policyArn: "arn:aws:iam::aws:policy/SecurityAudit",
                }),
                res(T.RolePolicyAttachment, "att-b", { role: "Audit", policyArn: "x" }, B),
            ];
            assert.deepStrictEqual(roleDocuments(resources, role), {
                trust: "trust",
                attachedArns: [
                    "arn:aws:iam::aws:policy/SecurityAudit",
                    "arn:aws:iam::aws:policy/ReadOnlyAccess",
                ],
                inline: [
                    { name: "deny", document: "p1" },
                    { name: "unnamed", document: "p0" },
                    { name: "prop", document: "p2" },
                    { name: "?", document: "p3" },
                ],
            });
        });

        it("gives a user's groups, own policies and its groups' policies, only from its own account", () => {
            const user = res(T.User, "alice-user", { name: "alice" });
            const resources = [
                user,
                res(T.UserGroupMembership, "m1", { user: "alice", groups: ["auditors"] }),
                res(T.UserGroupMembership, "m2", { user: "alice", groups: ["oncall"] }),
                res(T.UserGroupMembership, "mb", { user: "alice", groups: ["x"] }, B),
                res(T.UserPolicy, "own", { user: "alice", name: "mfa", policy: "u1" }),
                res(T.UserPolicy, "bob", { user: "bob", policy: "x" }),
                res(T.GroupPolicy, "g2", { group: "oncall", name: "ir", policy: "g2" }),
                res(T.GroupPolicy, "g1", { group: "auditors", policy: "g1" }),
                res(T.GroupPolicy, "gb", { group: "auditors", policy: "x" }, B),
            ];
            assert.deepStrictEqual(userDocuments(resources, user), {
                groups: ["auditors", "oncall"],
                inline: [{ name: "mfa", document: "u1" }],
                groupInline: [
                    { group: "auditors", name: "g1", document: "g1" },
                    { group: "oncall", name: "ir", document: "g2" },
                ],
            });
        });
    });

    describe("the stack policy adapter", () => {
        it("links parents in the stack, and reads a provider's account only when asked", () => {
            const provider = {
                type: T.AwsProvider,
                name: "prod",
                urn: "urn:pulumi:t::p::pulumi:providers:aws::prod",
                props: { allowedAccountIds: UNKNOWN_ARRAY },
            };
            const resources = policyResources([
                engineResource(
                    { type: "org-access:access:AuditRole", name: "audit", props: {} },
                    "t",
                ),
                engineResource(
                    {
                        type: T.Role,
                        name: "role",
                        props: { name: "Audit" },
                        provider,
                        parent: "urn:pulumi:t::org-access::org-access:access:AuditRole::audit",
                    },
                    "t",
                ),
                engineResource(
                    { type: T.Role, name: "orphan", props: {}, parent: "urn:missing" },
                    "t",
                ),
            ]);
            const [component, role, orphan] = fromPolicyResources(resources);
            assert.deepStrictEqual(role.parent, {
                type: "org-access:access:AuditRole",
                name: "audit",
                urn: component.urn,
            });
            assert.deepStrictEqual(childrenOf([component, role, orphan], component), [role]);
            // The engine links only parents that are in the stack.
            assert.strictEqual(orphan.parent, undefined);
            assert.strictEqual(component.accountId, undefined);
            // The provider's allowedAccountIds is unknown: only reading the account throws.
            assert.throws(() => role.accountId, UnknownValueError);
        });
    });

    describe("both adapters", () => {
        let plans: PlanResult[];
        before(async () => {
            plans = (
                await runPlan({ stacks: ["security", "workload"], root: exampleProject() })
            ).map((p) => p.result);
        });

        it("give the same neutral resources for a planned stack and the stack policy that sees it", () => {
            for (const plan of plans) {
                const planned = plan.resources.map(toModelResource);
                const seen = presented(plan);
                assert.strictEqual(seen.length, planned.length, plan.stack);
                assert.deepStrictEqual(seen.map(plain), planned.map(plain), plan.stack);
                // The offline plan also knows the physical ids its mock assigned; the engine gives none.
                assert.ok(planned.some((r) => r.id !== undefined));
                assert.ok(seen.every((r) => r.id === undefined));
            }
        });

        it("give the same IAM documents for every role and user, from the plan and from a stack policy", () => {
            for (const plan of plans) {
                const planned = plan.resources.map(toModelResource);
                const seen = presented(plan);
                const json = (v: unknown) => JSON.parse(JSON.stringify(v));
                let roles = 0;
                let users = 0;
                planned.forEach((r, i) => {
                    if (r.type === T.Role) {
                        roles++;
                        assert.deepStrictEqual(
                            json(roleDocuments(seen, seen[i])),
                            json(roleDocuments(planned, r)),
                        );
                    }
                    if (r.type === T.User) {
                        users++;
                        assert.deepStrictEqual(
                            json(userDocuments(seen, seen[i])),
                            json(userDocuments(planned, r)),
                        );
                    }
                });
                assert.ok(roles > 0, `${plan.stack} plans no role`);
                if (plan.stack === "security") assert.ok(users > 0, "security plans no user");
            }
        });

        it("land every planned AWS resource in the account the plan resolved from its provider", () => {
            for (const plan of plans) {
                for (const r of plan.resources) {
                    if (r.accountId === null) continue;
                    assert.strictEqual(toModelResource(r).accountId, r.accountId, r.urn);
                }
            }
        });
    });
});
