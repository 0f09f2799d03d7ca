import * as assert from "assert";
import { PlanResult } from "../../plan/run";
import { doc, one, PROD, rejection, SECURITY, STAGING } from "../helpers";
import { childrenOf, planComponents } from "../helpers/components";

const TYPE = "org-access:access:DutyGroup";
const ROLES = [`arn:aws:iam::${PROD}:role/IncidentResponseRole`];

describe("DutyGroup, constructed directly with the security account's provider", () => {
    let plan: PlanResult;
    before(async () => {
        const { DutyGroup } = await import("../../components/dutyGroup");
        plan = await planComponents((_, p) => {
            new DutyGroup(
                "responders",
                {
                    accountId: SECURITY,
                    groupName: "responders-group",
                    duty: "incident-response",
                    users: ["carol", "erin"],
                    roleArns: ROLES,
                    organizationId: "o-abcdefghij",
                    mfaMaxAgeSeconds: 900,
                    path: "/team/",
                    userPath: "/team/responders/",
                    tags: { Team: "security" },
                },
                { provider: p.security },
            );
            // A duty whose role no workload account enables yet: a group without an assume grant.
            new DutyGroup(
                "idle",
                {
                    accountId: SECURITY,
                    groupName: "idle-group",
                    duty: "break-glass",
                    users: ["frank"],
                    roleArns: [],
                    organizationId: "o-abcdefghij",
                    mfaMaxAgeSeconds: 900,
                    path: "/team/",
                },
                { provider: p.security },
            );
        });
    });

    it("creates the group, its policies, and each user with a membership, all in the security account", () => {
        const children = childrenOf(plan, TYPE, "responders");
        assert.deepStrictEqual(children.map((r) => `${r.type} ${r.name}`).sort(), [
            "aws:iam/group:Group responders-group",
            "aws:iam/groupPolicy:GroupPolicy responders-assume",
            "aws:iam/groupPolicy:GroupPolicy responders-deny-without-mfa",
            "aws:iam/groupPolicy:GroupPolicy responders-mfa-self-service",
            "aws:iam/groupPolicyAttachment:GroupPolicyAttachment responders-aws-login",
            "aws:iam/user:User responders-carol",
            "aws:iam/user:User responders-erin",
            "aws:iam/userGroupMembership:UserGroupMembership responders-carol-membership",
            "aws:iam/userGroupMembership:UserGroupMembership responders-erin-membership",
        ]);
        for (const r of children) assert.strictEqual(r.accountId, SECURITY, r.name);
        assert.deepStrictEqual(
            childrenOf(plan, TYPE, "responders").filter(
                (r) => r.type === "aws:iam/accessKey:AccessKey",
            ),
            [],
        );
    });

    it("puts the group at its path and the users at their own path, tagged as humans of the duty", () => {
        const group = one(plan, "aws:iam/group:Group", "responders-group");
        assert.deepStrictEqual(group.props, { name: "responders-group", path: "/team/" });
        const carol = one(plan, "aws:iam/user:User", "responders-carol");
        assert.strictEqual(carol.props.path, "/team/responders/");
        assert.deepStrictEqual(carol.props.tags, {
            Team: "security",
            Kind: "incident-response",
            "org-access:principal-type": "human",
            // The duty roles' trust designates the users by path and these two tags.
            "org-access:duty": "incident-response",
        });
        // Without a userPath, the users share the group's path.
        assert.strictEqual(one(plan, "aws:iam/user:User", "idle-frank").props.path, "/team/");
    });

    it("grants sts:AssumeRole on the duty roles' name in the organization only, with MFA no older than asked", () => {
        const grant = doc(
            one(plan, "aws:iam/groupPolicy:GroupPolicy", "responders-assume").props.policy,
        ).Statement;
        assert.strictEqual(grant.length, 1);
        assert.strictEqual(grant[0].Sid, "AssumeIncidentResponseRolesWithMfa");
        assert.strictEqual(grant[0].Effect, "Allow");
        assert.strictEqual(grant[0].Action, "sts:AssumeRole");
        // The role's path and name in any account of the organization: no account list.
        assert.deepStrictEqual(grant[0].Resource, ["arn:aws:iam::*:role/IncidentResponseRole"]);
        assert.deepStrictEqual(grant[0].Condition.StringEquals, {
            "aws:ResourceOrgID": "o-abcdefghij",
        });
        assert.deepStrictEqual(grant[0].Condition.NumericLessThan, {
            "aws:MultiFactorAuthAge": "900",
        });
        assert.deepStrictEqual(grant[0].Condition.Bool, { "aws:MultiFactorAuthPresent": "true" });
    });

    it("grants no role at all when the duty has none", () => {
        assert.deepStrictEqual(
            childrenOf(plan, TYPE, "idle")
                .map((r) => r.name)
                .filter((n) => n.endsWith("-assume")),
            [],
        );
    });

    it("requires a provider for the security account", async () => {
        const { DutyGroup } = await import("../../components/dutyGroup");
        const e = await rejection(
            planComponents(() => {
                new DutyGroup(
                    "responders",
                    {
                        accountId: SECURITY,
                        groupName: "g",
                        duty: "incident-response",
                        users: ["carol"],
                        roleArns: [`arn:aws:iam::${STAGING}:role/IncidentResponseRole`],
                        organizationId: "o-abcdefghij",
                        mfaMaxAgeSeconds: 900,
                        path: "/",
                    },
                    {},
                );
            }),
        );
        assert.match(
            e.message,
            /DutyGroup responders: a provider for the security account is required/,
        );
    });
});
