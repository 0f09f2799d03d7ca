import * as assert from "assert";
import { ConfigError } from "../../config";
import { PlanResult } from "../../plan/run";
import {
    DEV,
    LOG_ARCHIVE,
    MANAGEMENT,
    planSecurity,
    PROD,
    projectWith,
    rejection,
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

describe("security stack: the organization's own accounts are never workload accounts", () => {
    const problemsOf = async (values: Record<string, unknown>, root: string) => {
        const e = await rejection(planSecurity(securityValues(values), root));
        assert.ok(e instanceof ConfigError, String(e));
        return e.problems.map((p) => `${p.path}: ${p.message} (${p.fix})`);
    };
    const root = () =>
        projectWith({
            workload: {
                securityAccountId: SECURITY,
                workloadAccounts: [
                    { name: "prod", accountId: PROD },
                    { name: "mgmt", accountId: MANAGEMENT },
                ],
            },
            "workload-2": {
                securityAccountId: SECURITY,
                workloadAccounts: [
                    { name: "staging", accountId: STAGING },
                    { name: "logs", accountId: LOG_ARCHIVE },
                ],
            },
        });

    it("refuses the management and log-archive accounts in any workload stack it lists, each key named", async () => {
        assert.deepStrictEqual(
            await problemsOf({ workloadStacks: ["workload", "workload-2"] }, root()),
            [
                `managementAccount.accountId: stack "workload" lists the management account ${MANAGEMENT} as workload account "mgmt" (workloadAccounts[1]): SCPs never apply to it, so its roles would escape every guardrail (it is never a workload account: leave it out, and if the file lists it, npx org-access account remove --name mgmt --stack workload)`,
                `logArchiveAccount.accountId: stack "workload-2" lists the log-archive account ${LOG_ARCHIVE} as workload account "logs" (workloadAccounts[1]): it holds the organization trail's bucket and key, which only the security stack deploys to (it is never a workload account: leave it out, and if the file lists it, npx org-access account remove --name logs --stack workload-2)`,
            ],
        );
    });

    it("names an account once: a log archive in the security account is the security account's clash", async () => {
        // A workload stack file that names another security account, so its own schema does not
        // already refuse the entry.
        const r = projectWith({
            workload: {
                securityAccountId: "000011112222",
                workloadAccounts: [{ name: "sec", accountId: SECURITY }],
            },
        });
        assert.deepStrictEqual(
            (await problemsOf({ logArchiveAccount: { accountId: SECURITY } }, r)).map(
                (p) => p.split(":")[0],
            ),
            ["securityAccountId"],
        );
    });
});
