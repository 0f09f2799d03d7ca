import * as assert from "assert";
import { accountResources, urnInStack } from "../../plan/accountResources";
import { PlannedResource } from "../../plan/run";

const A = "111111111111";
const B = "222222222222";

/** A planned resource with only what the selection reads. */
function res(
    urn: string,
    accountId: string | null,
    options: { parent?: string; component?: boolean } = {},
): PlannedResource {
    const type = urn.split("::")[2].split("$").pop() as string;
    return {
        type,
        name: urn.split("::").pop() as string,
        urn,
        accountId,
        props: {},
        component: options.component ?? false,
        options: {
            protect: false,
            retainOnDelete: false,
            dependsOn: [],
            aliases: [],
            parent: options.parent,
        },
        secretProps: [],
    };
}

const U = (rest: string) => `urn:pulumi:workload::org-access::${rest}`;

describe("accountResources", () => {
    // Two accounts, each with a provider and a component of its own, and a shared component
    // holding one resource of each.
    const planned = [
        res(U("pulumi:providers:aws::pa"), A),
        res(U("pulumi:providers:aws::pb"), B),
        res(U("x:C::ca"), null, { component: true }),
        res(U("x:C$x:D::ca-inner"), null, { component: true, parent: U("x:C::ca") }),
        res(U("x:C$x:D$aws:iam/role:Role::ca-role"), A, { parent: U("x:C$x:D::ca-inner") }),
        res(U("x:C$aws:iam/rolePolicy:RolePolicy::ca-policy"), A, { parent: U("x:C::ca") }),
        res(U("x:C::cb"), null, { component: true }),
        res(U("x:C$aws:iam/role:Role::cb-role"), B, { parent: U("x:C::cb") }),
        res(U("x:S::shared"), null, { component: true }),
        res(U("x:S$aws:iam/role:Role::shared-a"), A, { parent: U("x:S::shared") }),
        res(U("x:S$aws:iam/role:Role::shared-b"), B, { parent: U("x:S::shared") }),
        res(U("pulumi:pulumi:StackReference::security"), null),
    ];

    it("selects the account's components with their children and its cloud resources, and no provider", () => {
        const mine = accountResources(planned, A);
        assert.deepStrictEqual(
            mine.providers.map((r) => r.name),
            ["pa"],
        );
        assert.deepStrictEqual(
            mine.resources.map((r) => r.name),
            ["ca", "ca-inner", "ca-role", "ca-policy", "shared-a"],
        );
    });

    it("reports a resource whose component also holds another account's, and leaves the component", () => {
        const mine = accountResources(planned, A);
        assert.deepStrictEqual(
            mine.entangled.map((e) => [e.resource.name, e.parent]),
            [["shared-a", U("x:S::shared")]],
        );
        assert.ok(!mine.resources.some((r) => r.name === "shared"));
        assert.deepStrictEqual(accountResources(planned, "333333333333").resources, []);
    });

    it("rewrites only the stack part of a URN", () => {
        assert.strictEqual(
            urnInStack(U("x:C$aws:iam/role:Role::ca-role"), "workload-eu"),
            "urn:pulumi:workload-eu::org-access::x:C$aws:iam/role:Role::ca-role",
        );
        assert.throws(() => urnInStack("arn:aws:iam::1:role/x", "w"), /not a Pulumi URN/);
    });
});
