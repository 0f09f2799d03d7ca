// The deploy identity's grant on the deploy roles (review finding 1 of issue 13): the listed
// accounts only, split across managed policies of at most 6,144 characters, refused (naming the
// quota's key) when the accounts need more policies than the deploy identity may hold.
import * as assert from "assert";
import { policyCharacters } from "../../components/auditRole";
import { deployRoleGrantPolicies, MANAGED_POLICY_CHARACTERS } from "../../components/ciIdentity";
import { evaluateRequest, parsePolicyDocument } from "../../policypack/iam";

const ORG = "o-abcdefghij";
const id = (n: number) => String(200000000000 + n);
const roles = (count: number, name = "OrganizationAccountAccessRole", from = 0) =>
    Array.from({ length: count }, (_, i) => `arn:aws:iam::${id(from + i)}:role/${name}`);

type Statement = {
    Resource: string;
    Condition: { StringEquals: Record<string, string | string[]> };
};
const statements = (docs: ReturnType<typeof deployRoleGrantPolicies>) =>
    docs.flatMap((d) => d.Statement as unknown as Statement[]);

describe("CiIdentity deployRoleGrantPolicies: the deploy roles of the listed accounts, and no other", () => {
    it("at 1,000 accounts: 3 policies, each within 6,144 characters, every account listed once under its role's name", () => {
        const arns = [...roles(990), ...roles(10, "WorkloadDeployer", 990)];
        const docs = deployRoleGrantPolicies({
            deployRoleArns: arns,
            organizationId: ORG,
            managedPoliciesPerRole: 10,
        });
        // 15 characters an id (quotes and comma): about 400 ids a policy.
        assert.strictEqual(docs.length, 3);
        for (const d of docs) assert.ok(policyCharacters(d) <= MANAGED_POLICY_CHARACTERS);
        const listed = statements(docs).flatMap((s) => {
            assert.strictEqual(s.Condition.StringEquals["aws:ResourceOrgID"], ORG);
            const accounts = s.Condition.StringEquals["aws:ResourceAccount"] as string[];
            return accounts.map((a) => `arn:aws:iam::${a}:role/${s.Resource.split(":role/")[1]}`);
        });
        assert.deepStrictEqual(listed.sort(), [...arns].sort());
        // The account field is the only one open; the name is exact.
        for (const s of statements(docs)) assert.match(s.Resource, /^arn:aws:iam::\*:role\/\w+$/);
    });

    it("evaluated as IAM would: allows a listed account's deploy role, refuses the name in any other account", () => {
        const docs = deployRoleGrantPolicies({
            deployRoleArns: roles(900),
            organizationId: ORG,
            managedPoliciesPerRole: 10,
        }).map((d) => parsePolicyDocument(d, "identity"));
        const may = (account: string, org = ORG) =>
            docs.some(
                (d) =>
                    evaluateRequest(d, {
                        action: "sts:AssumeRole",
                        resource: `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`,
                        context: { "aws:ResourceOrgID": org, "aws:ResourceAccount": account },
                    }).decision === "Allow",
            );
        for (const n of [0, 399, 400, 899]) assert.ok(may(id(n)), id(n));
        assert.ok(!may(id(900)), "an account of the organization no stack lists");
        assert.ok(!may(id(0), "o-zzzzzzzzzz"), "a listed id in another organization");
    });

    it("refuses, naming org-access:iamQuotas.managedPoliciesPerRole, when the accounts need more policies than the quota", () => {
        const need = (count: number, quota: number) => () =>
            deployRoleGrantPolicies({
                deployRoleArns: roles(count),
                organizationId: ORG,
                managedPoliciesPerRole: quota,
            });
        // 5,000 accounts need 13 policies: raising the quota to 13 or more fixes it.
        assert.throws(
            need(5000, 10),
            /the deploy roles of 5000 accounts need 13 managed policies of at most 6144 characters on the deploy identity, more than org-access:iamQuotas.managedPoliciesPerRole \(10\) allows \(raise IAM's "Managed policies per role" quota in the CI account \(at most 20\) and set org-access:iamQuotas.managedPoliciesPerRole to at least 13\)/,
        );
        assert.strictEqual(need(5000, 13)().length, 13);
        // Beyond 20 policies no quota helps.
        assert.throws(
            need(9000, 20),
            /need 24 managed policies .* \(20\) allows \(list fewer accounts/,
        );
    });

    it("refuses what names no exact role, and a malformed organization", () => {
        const grant =
            (deployRoleArns: string[], organizationId = ORG) =>
            () =>
                deployRoleGrantPolicies({
                    deployRoleArns,
                    organizationId,
                    managedPoliciesPerRole: 10,
                });
        assert.throws(grant([]), /no deploy roles to assume/);
        assert.throws(grant(["arn:aws:iam::*:role/OrgAccessDeployRole"]), /not an exact role ARN/);
        assert.throws(grant([`arn:aws:iam::${id(1)}:role/*`]), /not an exact role ARN/);
        assert.throws(grant(roles(1), "o-"), /org-access:organizationId/);
    });
});
