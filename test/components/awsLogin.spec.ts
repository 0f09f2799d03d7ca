import * as assert from "assert";
import { PRINCIPAL_TYPE_TAG } from "../../components/securityAccess";
import { PlanResult } from "../../plan/run";
import { ofType, planSecurity, PROD, projectWith, SECURITY, securityValues } from "../helpers";

/**
 * People have no access keys, so `aws login` is their only way to the CLI: every group with a
 * human member must be granted it (SignInLocalDevelopmentAccess), and no group of programs.
 */
describe("aws login for every group of people, and for no group of programs", () => {
    let plan: PlanResult;
    before(async () => {
        const root = projectWith({
            workload: {
                securityAccountId: SECURITY,
                workloadAccounts: [
                    {
                        name: "prod",
                        accountId: PROD,
                        incidentResponseRole: true,
                        breakGlassRole: true,
                    },
                ],
            },
        });
        plan = await planSecurity(
            securityValues({
                incidentResponse: { responders: ["carol"] },
                breakGlass: { users: ["dana-breakglass"] },
            }),
            root,
        );
    });

    it("grants exactly the groups whose members are people", () => {
        const kindOf = new Map(
            ofType(plan, "aws:iam/user:User").map((u) => [
                String(u.props.name),
                (u.props.tags as Record<string, string>)[PRINCIPAL_TYPE_TAG],
            ]),
        );
        const members = new Map<string, Set<string>>();
        for (const m of ofType(plan, "aws:iam/userGroupMembership:UserGroupMembership"))
            for (const g of m.props.groups as string[])
                members.set(g, new Set([...(members.get(g) ?? []), String(m.props.user)]));
        const humanGroups = [...members]
            .filter(([, users]) => [...users].some((u) => kindOf.get(u) === "human"))
            .map(([g]) => g)
            .sort();
        const machineGroups = [...members]
            .filter(([, users]) => [...users].some((u) => kindOf.get(u) === "machine"))
            .map(([g]) => g);
        const granted = ofType(plan, "aws:iam/groupPolicyAttachment:GroupPolicyAttachment")
            .filter((a) =>
                /^arn:aws:iam::aws:policy\/SignInLocalDevelopmentAccess$/.test(
                    String(a.props.policyArn),
                ),
            )
            .map((a) => String(a.props.group))
            .sort();
        assert.ok(humanGroups.length >= 3, `auditors, responders, break-glass: ${humanGroups}`);
        assert.deepStrictEqual(granted, humanGroups);
        assert.ok(machineGroups.length >= 1);
        for (const g of machineGroups) assert.ok(!granted.includes(g), `${g} holds programs`);
    });
});
