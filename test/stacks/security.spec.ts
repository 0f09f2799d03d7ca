import * as assert from "assert";
import { PlanResult } from "../../plan/run";
import {
    DEV,
    planSecurity,
    PROD,
    projectWith,
    SECURITY,
    securityValues,
    STAGING,
} from "../helpers";

const LOGS = ["aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup"];

describe("security stack: removing a workload account", () => {
    const accounts = [
        { name: "prod", accountId: PROD },
        { name: "staging", accountId: STAGING },
        { name: "dev", accountId: DEV },
    ];
    const plan = (list: object[], values: Record<string, unknown> = {}) =>
        planSecurity(
            securityValues(values),
            projectWith({ workload: { securityAccountId: SECURITY, workloadAccounts: list } }),
        );
    const urns = (p: PlanResult) => new Set(p.resources.map((r) => r.urn));

    it("deletes nothing in the security stack: only the list of exact roles granted changes, and every log resource stays protected", async () => {
        const before = await plan(accounts);
        const after = await plan(accounts.filter((a) => a.name !== "dev"));
        assert.deepStrictEqual(
            [...urns(before)].filter((u) => !urns(after).has(u)),
            [],
        );
        const grant = (p: PlanResult) =>
            JSON.parse(
                String(
                    p.resources.find((r) => r.name === "security-access-auditors-assume")!.props
                        .policy,
                ),
            ).Statement[0].Resource;
        // The grant names the role's path and name in the organization: it does not change; the
        // exact roles granted (the output the proofs read) lose the removed account's.
        assert.deepStrictEqual(grant(before), ["arn:aws:iam::*:role/SecurityAuditRole"]);
        assert.deepStrictEqual(grant(after), grant(before));
        const granted = (p: PlanResult) => p.outputs.grantedAuditRoleArns as string[];
        assert.ok(granted(before).includes(`arn:aws:iam::${DEV}:role/SecurityAuditRole`));
        assert.ok(!granted(after).includes(`arn:aws:iam::${DEV}:role/SecurityAuditRole`));
        for (const type of LOGS) {
            const b = before.resources.filter((r) => r.type === type);
            const a = after.resources.filter((r) => r.type === type);
            assert.ok(b.length >= 1, type);
            assert.deepStrictEqual(
                a.map((r) => [r.urn, r.props]),
                b.map((r) => [r.urn, r.props]),
                `${type} is untouched`,
            );
            for (const r of a)
                assert.deepStrictEqual(
                    [r.options.protect, r.options.retainOnDelete],
                    [true, true],
                    r.name,
                );
        }
    });

    it("with guardrails, removes only the removed account's SCP attachment", async () => {
        const guardrails = {
            guardrails: { targets: ["r-examplerootid111"] },
            breakGlass: { users: ["dana-breakglass"] },
        };
        const before = await plan(accounts, guardrails);
        const after = await plan(
            accounts.filter((a) => a.name !== "dev"),
            guardrails,
        );
        const removed = [...urns(before)].filter((u) => !urns(after).has(u));
        assert.ok(removed.length >= 1);
        for (const u of removed) {
            const r = before.resources.find((x) => x.urn === u)!;
            assert.strictEqual(r.type, "aws:organizations/policyAttachment:PolicyAttachment", u);
            assert.strictEqual(r.props.targetId, DEV, u);
        }
    });
});
